import Aedes from 'aedes';
import { createServer, Server } from 'node:net';
import { portOrFree } from './free-port';

export interface EmbeddedBroker {
  aedes: Aedes;
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** An in-process MQTT 3.1.1 broker (aedes). Authentication hooks are attached by the device module. */
export async function startEmbeddedBroker(preferredPort: number, host = '0.0.0.0'): Promise<EmbeddedBroker> {
  const aedes = new Aedes();
  const server: Server = createServer(aedes.handle);
  const port = await portOrFree(preferredPort);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    aedes,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        aedes.close(() => server.close(() => resolve()));
      }),
  };
}
