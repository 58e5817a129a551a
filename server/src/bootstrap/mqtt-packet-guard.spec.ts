import { EventEmitter } from 'node:events';
import { Socket } from 'node:net';
import { guardPacketSizes } from './mqtt-packet-guard';

/** A socket stand-in: 'data' events in, destroy() recorded. */
function fakeSocket() {
  const s = new EventEmitter() as EventEmitter & { destroyed: boolean; destroy(): void };
  s.destroyed = false;
  s.destroy = () => {
    s.destroyed = true;
  };
  return s;
}

const varint = (n: number) => {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
};
const packet = (type: number, body: number) =>
  Buffer.concat([Buffer.from([type, ...varint(body)]), Buffer.alloc(body, 1)]);
const header = (type: number, body: number) => Buffer.from([type, ...varint(body)]);

describe('guardPacketSizes', () => {
  const limits = { connect: 100, other: 1000 };
  const run = (chunks: Buffer[]) => {
    const s = fakeSocket();
    const seen: number[] = [];
    guardPacketSizes(s as unknown as Socket, (n) => seen.push(n), limits);
    for (const c of chunks) if (!s.destroyed) s.emit('data', c);
    return { destroyed: s.destroyed, seen };
  };

  it('lets packets within the limits through, however they are split', () => {
    const stream = Buffer.concat([packet(0x10, 100), packet(0x30, 1000), packet(0xc0, 0), packet(0x30, 999)]);
    expect(run([stream])).toEqual({ destroyed: false, seen: [] });
    const bytes = [...stream].map((b) => Buffer.from([b]));
    expect(run(bytes)).toEqual({ destroyed: false, seen: [] });
  });

  it('cuts a CONNECT over its limit at the header, before its body arrives', () => {
    expect(run([header(0x10, 101)])).toEqual({ destroyed: true, seen: [101] });
    expect(run([header(0x10, 200 * 1024 * 1024)]).destroyed).toBe(true);
  });

  it('cuts a later packet over the general limit, even split inside its length bytes', () => {
    const h = header(0x30, 5000);
    expect(run([packet(0x10, 10), h.subarray(0, 2), h.subarray(2)])).toEqual({ destroyed: true, seen: [5000] });
  });

  it('cuts a malformed length of more than four bytes', () => {
    expect(run([packet(0x10, 10), Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01])]).destroyed).toBe(true);
  });
});
