import { createServer, Server, Socket } from 'node:net';

/**
 * A TCP hop between an agent and its broker that can be cut: the agent's network cable. cut()
 * drops every open connection and refuses new ones until restore(); the broker itself stays up
 * for everyone else (the server, other machines).
 */
export class NetworkProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private isCut = false;
  private dropToAgent = false;
  private port = 0;

  constructor(private readonly target: { host: string; port: number }) {
    this.server = createServer((client) => this.accept(client));
  }

  get cutOff(): boolean {
    return this.isCut;
  }

  /** Listens on a free local port; returns the URL the agent should use instead of the broker's. */
  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as { port: number }).port;
    return `mqtt://127.0.0.1:${this.port}`;
  }

  cut(): void {
    this.isCut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.isCut = false;
    this.dropToAgent = false;
  }

  /**
   * A half-broken link: the agent's packets still reach the broker but nothing comes back (lost
   * acknowledgements). Bytes are dropped mid-stream, so end it with cut() + restore().
   */
  loseEverythingToAgent(): void {
    this.dropToAgent = true;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.isCut) return void client.destroy();
    const upstream = new Socket();
    upstream.connect(this.target.port, this.target.host);
    for (const [a, b, toAgent] of [[client, upstream, false], [upstream, client, true]] as const) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      a.on('data', (chunk: Buffer) => {
        if (!(toAgent && this.dropToAgent) && !b.destroyed) b.write(chunk);
      });
    }
  }
}

/** host and port of an mqtt:// URL (the proxy's target). */
export function brokerAddress(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 1883) };
}
