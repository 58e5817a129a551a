import { Logger } from '@nestjs/common';
import Aedes from 'aedes';
import { timingSafeEqual } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { listenPreferring } from './free-port';
import { guardPacketSizes } from './mqtt-packet-guard';

export interface EmbeddedBroker {
  aedes: Aedes;
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface BrokerServerCredentials {
  username: string;
  password: string;
}

/**
 * An in-process MQTT 3.1.1 broker (aedes). Until the device module installs its authentication
 * hooks, only the server's own client may connect: the broker never starts open.
 */
export async function startEmbeddedBroker(
  preferredPort: number,
  server: BrokerServerCredentials,
  host = '0.0.0.0',
): Promise<EmbeddedBroker> {
  const aedes = new Aedes();
  const expected = Buffer.from(server.password);
  aedes.authenticate = (_client, username, password, done) => {
    const given = Buffer.from(password ?? '');
    const ok = username === server.username && given.length === expected.length && timingSafeEqual(given, expected);
    done(null, ok);
  };
  // Small MQTT packets must not wait for Nagle + delayed ACK (a 40 ms stall per round trip).
  const logger = new Logger('EmbeddedBroker');
  const tcp: Server = createServer({ noDelay: true }, (socket) => {
    aedes.handle(socket);
    guardPacketSizes(socket, (announced, limit) =>
      logger.warn(
        `dropped ${socket.remoteAddress ?? '?'}: MQTT packet of ${announced} bytes announced, limit ${limit}`,
      ),
    );
  });
  const port = await listenPreferring(tcp, preferredPort, host);
  return {
    aedes,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => tcp.close(() => resolve()));
      }),
  };
}
