import { MAX_MESSAGE_BYTES } from '@arcgate/protocol';
import { Socket } from 'node:net';

/**
 * CONNECT is tiny (chip id twice, a token of at most 512 characters, a short will): anything larger
 * is refused before the broker buffers it. Later packets may carry a message of MAX_MESSAGE_BYTES
 * plus its topic; the slack lets the device gateway still see (and audit) a somewhat oversized
 * message, while a packet announcing megabytes is cut off at its header.
 */
export const MAX_CONNECT_PACKET_BYTES = 4 * 1024;
export const MAX_PACKET_BYTES = 4 * MAX_MESSAGE_BYTES;

export interface PacketLimits {
  connect: number;
  other: number;
}

/**
 * Watches the MQTT fixed headers (type byte + "remaining length" varint) of what the broker reads
 * from a TCP client, and destroys the connection as soon as a packet announces more bytes than
 * allowed. The broker's parser would otherwise buffer a whole announced packet (up to 256 MB)
 * before anything, even authentication, looks at it.
 *
 * Attached after aedes has its 'readable' listener, so 'data' only mirrors what aedes reads and
 * never switches the socket to flowing mode.
 */
export function guardPacketSizes(
  socket: Socket,
  onOversize: (announced: number, limit: number) => void,
  limits: PacketLimits = { connect: MAX_CONNECT_PACKET_BYTES, other: MAX_PACKET_BYTES },
): void {
  let first = true;
  let phase: 'type' | 'length' | 'body' = 'type';
  let length = 0;
  let multiplier = 1;
  let skip = 0;
  socket.on('data', (chunk: Buffer) => {
    let i = 0;
    while (i < chunk.length && !socket.destroyed) {
      if (phase === 'body') {
        const n = Math.min(skip, chunk.length - i);
        skip -= n;
        i += n;
        if (skip === 0) phase = 'type';
        continue;
      }
      const byte = chunk[i++];
      if (phase === 'type') {
        phase = 'length';
        length = 0;
        multiplier = 1;
        continue;
      }
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      const limit = first ? limits.connect : limits.other;
      // Checked on every length byte: a 4-byte varint already says how big the packet will be.
      if (length > limit) {
        onOversize(length, limit);
        socket.destroy();
        return;
      }
      if (byte & 0x80) {
        if (multiplier >= 128 ** 4) {
          onOversize(length, limit);
          socket.destroy();
          return;
        }
        continue;
      }
      first = false;
      skip = length;
      phase = skip > 0 ? 'body' : 'type';
    }
  });
}
