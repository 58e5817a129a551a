import { Duplex } from 'node:stream';

/**
 * Two connected in-memory streams, for an MQTT session with the in-process broker. A write
 * completes as soon as it is handed to the other side, as a write into a socket's buffer does.
 * (node:stream's duplexPair completes a write only when the peer reads it: the MQTT client waits
 * for its PUBACK write before reading on, aedes waits for its delivery write, and under load each
 * waited on the other: measured as a keepalive time-out mid-ingest.)
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
  sides.push(side(() => sides[1]), side(() => sides[0]));
  return [sides[0], sides[1]];
}
