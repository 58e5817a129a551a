import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams, for an MQTT session with the in-process broker. A write
 * completes as soon as it is handed to the other side, as a write into a socket's buffer does,
 * and closing either end closes both. (node:stream's duplexPair does neither: it completes a write
 * only when the peer reads it, and with it the server's session hit a keepalive time-out mid-ingest
 * in the bench and never reconnected after the broker dropped it.)
 */
export function memoryStreamPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const side = (peer: () => Duplex) =>
    new Duplex({
      read() {
        // Data arrives by push from the peer's write.
      },
      write(chunk: Buffer, _encoding, done) {
        peer().push(chunk);
        done();
      },
      final(done) {
        peer().push(null);
        done();
      },
      destroy(err, done) {
        // A closed connection closes both ends, as a reset socket would.
        if (!peer().destroyed) peer().destroy();
        done(err);
      },
    });
  sides.push(
    side(() => sides[1]),
    side(() => sides[0]),
  );
  return [sides[0], sides[1]];
}
