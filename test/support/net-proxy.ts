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
  private blackHole = false;
  private latencyMs = 0;
  private stallChance = 0;
  private stallMaxMs = 0;
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

  /** Every chunk, both ways, arrives this much later (order kept). */
  setLatency(ms: number): void {
    this.latencyMs = ms;
  }

  /**
   * Packet loss as a TCP connection sees it: a lost segment is retransmitted, so a `chance` of the
   * chunks (and everything behind them) arrive up to `maxMs` late. 0 turns it off.
   */
  setLoss(chance: number, maxMs = 1_000): void {
    this.stallChance = chance;
    this.stallMaxMs = maxMs;
  }

  /**
   * A half-open link (a dead route, a NAT that forgot the connection): bytes vanish both ways and
   * neither end is told. unfreeze() resets those connections, as a peer's RST would once the route
   * is back.
   */
  freeze(): void {
    this.blackHole = true;
  }

  unfreeze(): void {
    this.blackHole = false;
    for (const s of this.sockets) s.destroy();
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
    for (const [a, b, toAgent] of [
      [client, upstream, false],
      [upstream, client, true],
    ] as const) {
      this.sockets.add(a);
      a.on('error', () => b.destroy());
      a.on('close', () => {
        this.sockets.delete(a);
        b.destroy();
      });
      let lastDueAt = 0;
      a.on('data', (chunk: Buffer) => {
        if ((toAgent && this.dropToAgent) || this.blackHole || b.destroyed) return;
        if (this.latencyMs === 0 && this.stallChance === 0 && lastDueAt <= Date.now()) return void b.write(chunk);
        const stall = Math.random() < this.stallChance ? Math.random() * this.stallMaxMs : 0;
        // Later chunks never overtake earlier ones: a byte stream stays in order.
        lastDueAt = Math.max(Date.now() + this.latencyMs + stall, lastDueAt);
        setTimeout(() => !b.destroyed && b.write(chunk), lastDueAt - Date.now());
      });
    }
  }
}

/** host and port of an mqtt:// URL (the proxy's target). */
export function brokerAddress(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 1883) };
}
