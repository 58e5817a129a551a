import { createServer, IncomingMessage, RequestListener, Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { AddressInfo } from 'node:net';

export interface ProviderHit {
  at: number;
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown> | null;
}

export interface ProviderReply {
  status: number;
  body: unknown;
}

/**
 * Never wired into the application: the channel tests and the bench's notifications phase play the
 * providers with it. A local HTTP server playing the providers (WeCom, DingTalk and Feishu robots, an SMS gateway): it
 * records every request and answers as the provider does, or as a test tells it (`reply`).
 */
export class FakeProviders {
  readonly hits: ProviderHit[] = [];
  /** Per path prefix: the reply to give instead of the provider's success. */
  readonly replies = new Map<string, ProviderReply>();
  private server: Server | null = null;
  private waiters: { pred: (h: ProviderHit) => boolean; resolve: (h: ProviderHit) => void }[] = [];

  private tls = false;

  /** With `tls` (PEM key and certificate), it serves https (the bench: production config accepts https only). */
  async start(tls?: { key: string; cert: string }): Promise<string> {
    const handler: RequestListener = (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        const body = Buffer.concat(chunks).toString('utf8');
        let json: Record<string, unknown> | null = null;
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          json = null;
        }
        const hit: ProviderHit = {
          at: Date.now(),
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
          json,
        };
        this.hits.push(hit);
        this.waiters = this.waiters.filter((w) => (w.pred(hit) ? (w.resolve(hit), false) : true));
        const custom = [...this.replies.entries()].find(([p]) => url.pathname.startsWith(p))?.[1];
        const reply = custom ?? this.success(url.pathname);
        res.writeHead(reply.status, { 'content-type': 'application/json' });
        res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
      });
    };
    this.tls = !!tls;
    this.server = tls ? createTlsServer(tls, handler) : createServer(handler);
    // Real gateways keep connections open for a while. At 1 s, undici (which deducts a 1 s safety margin from
    // the server's Keep-Alive hint) closed every socket after one request: a new TLS handshake per delivery.
    this.server.keepAliveTimeout = 10_000;
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    return this.baseUrl;
  }

  get baseUrl(): string {
    return `${this.tls ? 'https' : 'http'}://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  /** The provider's documented success reply. */
  private success(path: string): ProviderReply {
    if (path.startsWith('/feishu')) return { status: 200, body: { code: 0, msg: 'success', data: {} } };
    if (path.startsWith('/sms')) return { status: 200, body: { code: 0, messageId: `m-${this.hits.length}` } };
    return { status: 200, body: { errcode: 0, errmsg: 'ok' } };
  }

  on(path: string): ProviderHit[] {
    return this.hits.filter((h) => h.path.startsWith(path));
  }

  next(pred: (h: ProviderHit) => boolean): Promise<ProviderHit> {
    const found = this.hits.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => this.waiters.push({ pred, resolve }));
  }

  clear(): void {
    this.hits.length = 0;
    this.replies.clear();
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
