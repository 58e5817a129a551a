import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type {
  AuthReply,
  ConnectReply,
  CountReply,
  EchoLogin,
  FloorReply,
  WorkerDevice,
  WorkerInit,
  WorkerRequest,
} from './fleet-protocol';

/**
 * The simulated fleet spread over `workers` child processes (fleet-worker.ts), so that neither the
 * per-process descriptor limit nor one event loop on the bench side limits the device count.
 */
export class Fleet {
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    readonly children: ChildProcess[],
    readonly shares: WorkerDevice[][],
  ) {
    for (const c of children)
      c.on('message', (m: { id: number; result?: unknown; error?: string }) => {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.error) p.reject(new Error(`fleet worker: ${m.error}`));
        else p.resolve(m.result);
      });
  }

  static async start(devices: WorkerDevice[], workers: number, base: Omit<WorkerInit, 'devices'>): Promise<Fleet> {
    const n = Math.max(1, Math.min(workers, devices.length));
    const shares = Array.from({ length: n }, (_, w) => devices.filter((_, i) => i % n === w));
    const children = shares.map(() =>
      fork(join(__dirname, 'fleet-worker.js'), [], {
        execArgv: ['--expose-gc', '--max-semi-space-size=32'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const fleet = new Fleet(children, shares);
    await fleet.each((w) => ({ op: 'init', init: { ...base, devices: shares[w] } }));
    return fleet;
  }

  get pids(): number[] {
    return this.children.map((c) => c.pid!).filter(Boolean);
  }

  private ask<T>(w: number, m: WorkerRequest): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.children[w].send({ ...m, id });
    });
  }

  each<T>(m: (w: number) => WorkerRequest): Promise<T[]> {
    return Promise.all(this.children.map((_, w) => this.ask<T>(w, m(w))));
  }

  /** Connects the fraction [a, b) of every worker's share. */
  async connect(a: number, b: number, concurrency: number, timeoutMs: number, deadline: number): Promise<ConnectReply> {
    const per = Math.max(1, Math.floor(concurrency / this.children.length));
    const r = await this.each<ConnectReply>((w) => ({
      op: 'connect',
      from: Math.round(this.shares[w].length * a),
      to: Math.round(this.shares[w].length * b),
      concurrency: per,
      timeoutMs,
      deadline,
    }));
    return {
      ms: r.flatMap((x) => x.ms),
      failed: r.reduce((s, x) => s + x.failed, 0),
      seconds: Math.max(...r.map((x) => x.seconds)),
    };
  }

  async count(since: number, withTimes = false): Promise<CountReply> {
    const r = await this.each<CountReply>(() => ({ op: 'count', since, withTimes }));
    const failures: Record<string, number> = {};
    for (const x of r) for (const [k, v] of Object.entries(x.failures)) failures[k] = (failures[k] ?? 0) + v;
    return {
      ready: r.reduce((s, x) => s + x.ready, 0),
      readyAfter: r.reduce((s, x) => s + x.readyAfter, 0),
      total: r.reduce((s, x) => s + x.total, 0),
      attempts: r.reduce((s, x) => s + x.attempts, 0),
      heartbeats: r.reduce((s, x) => s + x.heartbeats, 0),
      failures,
      readyAts: r.flatMap((x) => x.readyAts),
    };
  }

  async resetCounters(): Promise<void> {
    await this.each(() => ({ op: 'reset-counters' }));
  }

  /** Arm requests at `rate` in total, the workers' shares starting on the same instant. */
  async auth(count: number, rate: number, deadlineMs: number, drainMs: number): Promise<AuthReply> {
    const n = this.children.length;
    const startAt = Date.now() + 1500;
    const r = await this.each<AuthReply>((w) => ({
      op: 'auth',
      count: Math.floor(count / n) + (w < count % n ? 1 : 0),
      rate: rate / n,
      deadlineMs,
      drainMs,
      startAt,
    }));
    const merge = (k: 'deniedBy' | 'invalid') => {
      const o: Record<string, number> = {};
      for (const x of r) for (const [a, v] of Object.entries(x[k])) o[a] = (o[a] ?? 0) + v;
      return o;
    };
    return {
      sent: r.reduce((s, x) => s + x.sent, 0),
      answered: r.reduce((s, x) => s + x.answered, 0),
      grantMs: r.flatMap((x) => x.grantMs),
      denialMs: r.flatMap((x) => x.denialMs),
      deniedBy: merge('deniedBy'),
      invalid: merge('invalid'),
      requestIds: r.flatMap((x) => x.requestIds),
    };
  }

  async floor(
    echo: EchoLogin,
    count: number,
    rate: number,
    deadlineMs: number,
    payloadBytes: number,
  ): Promise<FloorReply> {
    const n = this.children.length;
    const startAt = Date.now() + 1500;
    const r = await this.each<FloorReply>((w) => ({
      op: 'floor',
      echo,
      count: Math.floor(count / n) + (w < count % n ? 1 : 0),
      rate: rate / n,
      deadlineMs,
      payloadBytes,
      startAt,
    }));
    return {
      sent: r.reduce((s, x) => s + x.sent, 0),
      received: r.reduce((s, x) => s + x.received, 0),
      ms: r.flatMap((x) => x.ms),
    };
  }

  async close(): Promise<void> {
    await Promise.race([this.each(() => ({ op: 'close' })), new Promise((r) => setTimeout(r, 30_000))]).catch(
      () => undefined,
    );
    for (const c of this.children) if (c.exitCode === null) c.kill('SIGKILL');
  }
}
