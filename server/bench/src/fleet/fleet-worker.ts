/**
 * One share of the simulated fleet in its own process (fleet.ts forks several): RLIMIT_NOFILE is
 * 20,000 per process on the bench machine, so 20,000 device sockets cannot live in one process, and
 * one process's event loop would be the bottleneck long before. Each device behaves as the device
 * agent's link (device-agent/src/link.ts): a fresh connection per attempt, subscribe, signed online
 * status (QoS 1, retained), and on every close a reconnect after reconnectDelayMs (1 s → 60 s, ±20 %
 * jitter, the protocol's RECONNECT_* constants the agent uses), and while connected a heartbeat event
 * every HEARTBEAT_INTERVAL_S as the agent sends it (without it the server rightly marks the device offline
 * after three missed heartbeats, and the run measures that instead). Commands come over IPC from the parent.
 */
import {
  ArmRequestBody,
  createEnvelope,
  deviceDownFilter,
  Envelope,
  HEARTBEAT_INTERVAL_S,
  makeConnectToken,
  MQTT_KEEPALIVE_S,
  newNonce,
  reconnectDelayMs,
  signEnvelope,
  statusTopic,
  upTopic,
  verifyGrant,
} from '@arcgate/protocol';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SITE } from '../provision';
import { atRate, sleep, waitFor, withConcurrency } from '../stats';
import type { WorkerDevice, WorkerInit, WorkerRequest } from './fleet-protocol';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Down = { type: string; floor?: string; body?: any };
type Waiter = (m: Down, at: number) => void;

/** Why connection attempts failed, by kind (a refusal by the broker is not the same as its being down). */
const failures: Record<string, number> = {};
let attempts = 0;
/** The agent's interval; BENCH_HEARTBEAT_S shortens it to put a larger fleet's heartbeat load on fewer devices. */
export function heartbeatIntervalS(): number {
  const v = Number(process.env.BENCH_HEARTBEAT_S);
  return Number.isFinite(v) && v > 0 ? v : HEARTBEAT_INTERVAL_S;
}

/** Heartbeat batches published by this worker's devices. */
let heartbeats = 0;
const count = (kind: string) => (failures[kind] = (failures[kind] ?? 0) + 1);

function failureKind(e: Error & { code?: string | number }): string {
  const code = e.code;
  // mqtt.js: a CONNACK with a non-zero return code (4 bad user name or password, 5 not authorised).
  if (typeof code === 'number') return `refused: CONNACK ${code}`;
  if (typeof code === 'string' && (code.startsWith('ERR_SSL') || /alert/i.test(e.message)))
    return `refused: TLS (${code})`;
  if (code === 'ECONNREFUSED') return 'broker not listening (ECONNREFUSED)';
  if (code === 'ECONNRESET' || code === 'EPIPE') return `connection reset (${code})`;
  if (/timeout/i.test(e.message)) return 'connect time-out';
  return `other: ${String(code ?? e.message).slice(0, 60)}`;
}

class Device {
  client: MqttClient | null = null;
  ready = false;
  /** When the device last became ready (connected, subscribed, online status acknowledged), epoch ms. */
  readyAt = 0;
  everReady = false;
  private attempt = 0;
  private stopping = false;
  private seq = 0;
  private timer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  /** The device's event counter (the journal's seq), kept across reconnects as the agent keeps it. */
  private eventSeq = 0;
  private readonly waiting = new Map<string, Waiter>();
  private readonly pem: string;
  private onReady: (() => void) | null = null;

  constructor(
    readonly spec: WorkerDevice,
    readonly key: KeyObject,
    private readonly init: WorkerInit,
  ) {
    this.pem = key.export({ format: 'pem', type: 'pkcs8' }).toString();
  }

  start(): Promise<void> {
    return new Promise((resolve) => {
      this.onReady = resolve;
      this.connectOnce();
    });
  }

  private connectOnce(): void {
    attempts++;
    const chip = this.spec.chip;
    const offline = JSON.stringify({ v: 1, type: 'status', chip, body: { online: false, reason: 'will' } });
    const o: IClientOptions = {
      clientId: chip,
      clean: true,
      keepalive: MQTT_KEEPALIVE_S,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
      will: { topic: statusTopic(this.init.root, chip), payload: Buffer.from(offline), qos: 1, retain: true },
      ...(this.init.ca
        ? { ca: this.init.ca, cert: this.spec.cert, key: this.pem, rejectUnauthorized: true }
        : { username: chip, password: makeConnectToken(this.key, new Date()) }),
    };
    const client = mqtt.connect(this.init.url, o);
    this.client = client;
    let closed = false;
    client.on('connect', () => void this.onConnect(client));
    client.on('message', (_t, payload) => this.onMessage(payload));
    client.on('error', (e) => count(failureKind(e as Error & { code?: string | number })));
    client.on('close', () => {
      if (closed) return;
      closed = true;
      this.onClose(client);
    });
  }

  private async onConnect(client: MqttClient): Promise<void> {
    try {
      const granted = await client.subscribeAsync(deviceDownFilter(this.init.root, this.spec.chip), { qos: 1 });
      if (granted.some((g) => g.qos === 128)) {
        count('refused: SUBSCRIBE');
        client.end(true);
        return;
      }
      const online = this.sign('status', {
        online: true,
        state: 'locked',
        machineKind: 'electric_arc',
        firmware: 'arcgate-bench 1.0',
        protocol: 1,
      });
      await client.publishAsync(statusTopic(this.init.root, this.spec.chip), JSON.stringify(online), {
        qos: 1,
        retain: true,
      });
      if (this.client !== client) return;
      this.attempt = 0;
      this.ready = true;
      this.everReady = true;
      this.readyAt = Date.now();
      this.startHeartbeat(client);
      this.onReady?.();
      this.onReady = null;
    } catch {
      client.end(true);
    }
  }

  /** First beat at a random point of the interval, so that devices connected together do not beat together. */
  private startHeartbeat(client: MqttClient): void {
    this.stopHeartbeat();
    const beat = () => {
      if (this.client !== client || !client.connected) return;
      const at = new Date();
      const event = {
        seq: ++this.eventSeq,
        type: 'heartbeat',
        at: at.toISOString(),
        position: null,
        relayClosed: false,
        state: 'locked',
      };
      const batch = this.sign('events', { events: [event] }, at);
      client.publish(upTopic(this.init.root, this.spec.chip, 'events'), JSON.stringify(batch), { qos: 1 });
      heartbeats++;
    };
    const everyMs = heartbeatIntervalS() * 1000;
    this.heartbeat = setTimeout(() => {
      beat();
      this.heartbeat = setInterval(beat, everyMs);
    }, Math.random() * everyMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearTimeout(this.heartbeat);
    this.heartbeat = null;
  }

  private onClose(client: MqttClient): void {
    if (this.client !== client) return;
    this.stopHeartbeat();
    client.removeAllListeners();
    client.on('error', () => undefined);
    this.client = null;
    this.ready = false;
    if (this.stopping) return;
    const delay = reconnectDelayMs(this.attempt++, Math.random());
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopping) this.connectOnce();
    }, delay);
  }

  sign<B>(type: 'status' | 'arm.request' | 'events', body: B, at = new Date()): Envelope {
    return signEnvelope(
      this.key,
      createEnvelope(type, { chip: this.spec.chip, body, seq: ++this.seq }, at) as Envelope,
    );
  }

  send(payload: string, key: string, onAnswer: Waiter): number {
    this.waiting.set(key, onAnswer);
    const t0 = performance.now();
    this.client?.publish(upTopic(this.init.root, this.spec.chip, 'arm.request'), payload, { qos: 1 });
    return t0;
  }

  expect(key: string, w: Waiter): void {
    this.waiting.set(key, w);
  }

  forget(key: string): void {
    this.waiting.delete(key);
  }

  private onMessage(payload: Buffer): void {
    const at = performance.now();
    let m: Down;
    try {
      m = JSON.parse(payload.toString('utf8')) as Down;
    } catch {
      return;
    }
    const key = typeof m.floor === 'string' ? m.floor : m.body?.requestId;
    const w = typeof key === 'string' ? this.waiting.get(key) : undefined;
    if (!w) return;
    this.waiting.delete(key);
    w(m, at);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.stopHeartbeat();
    if (this.timer) clearTimeout(this.timer);
    const c = this.client;
    if (!c) return;
    if (c.connected) {
      const offline = JSON.stringify({
        v: 1,
        type: 'status',
        chip: this.spec.chip,
        body: { online: false, reason: 'shutdown' },
      });
      await c
        .publishAsync(statusTopic(this.init.root, this.spec.chip), offline, { qos: 1, retain: true })
        .catch(() => undefined);
    }
    await c.endAsync(true).catch(() => undefined);
  }
}

let init: WorkerInit;
let devices: Device[] = [];
let serverKey: KeyObject;

const untilEpoch = async (epochMs: number) => {
  const wait = epochMs - Date.now();
  if (wait > 0) await sleep(wait);
};

async function handle(m: WorkerRequest): Promise<unknown> {
  switch (m.op) {
    case 'init': {
      init = m.init;
      serverKey = createPublicKey({ key: Buffer.from(m.init.serverKey, 'base64'), format: 'der', type: 'spki' });
      devices = m.init.devices.map(
        (d) =>
          new Device(d, createPrivateKey({ key: Buffer.from(d.key, 'base64'), format: 'der', type: 'pkcs8' }), m.init),
      );
      return { devices: devices.length };
    }
    case 'connect': {
      // Devices [from, to) of this worker, `concurrency` at a time; each keeps retrying as the agent does.
      const slice = devices.slice(m.from, m.to);
      const ms: number[] = [];
      let failed = 0;
      const t0 = performance.now();
      await withConcurrency(slice, m.concurrency, async (d) => {
        // Past the connect budget (BENCH_CONNECT_LIMIT_S) the rest of the share is not started at all.
        if (Date.now() > m.deadline) return;
        const t = performance.now();
        const ok = await Promise.race([d.start().then(() => true), sleep(m.timeoutMs).then(() => false)]);
        if (ok) ms.push(performance.now() - t);
        else failed++;
      });
      return { ms, failed, seconds: (performance.now() - t0) / 1000 };
    }
    case 'count':
      return {
        ready: devices.filter((d) => d.ready).length,
        readyAfter: devices.filter((d) => d.ready && d.readyAt >= m.since).length,
        total: devices.length,
        attempts,
        heartbeats,
        failures: { ...failures },
        readyAts: m.withTimes ? devices.filter((d) => d.readyAt >= m.since).map((d) => d.readyAt) : [],
      };
    case 'reset-counters':
      for (const k of Object.keys(failures)) delete failures[k];
      attempts = 0;
      return {};
    case 'auth': {
      const now = new Date();
      // Only devices that are connected now (all of them, unless the connect budget ran out).
      const live = devices.filter((d) => d.ready);
      const prepared = Array.from({ length: live.length ? m.count : 0 }, (_, i) => {
        const device = live[i % live.length];
        const body: ArmRequestBody = {
          nonce: newNonce(),
          credential: { kind: 'welder_code', code: device.spec.welderCode },
          permitId: device.spec.permitId,
          position: { lat: SITE.lat, lng: SITE.lng, accuracyM: 5, fixAt: now.toISOString() },
          machineKind: 'electric_arc',
        };
        const env = device.sign('arm.request', body, now);
        return { device, id: env.id, nonce: body.nonce, payload: JSON.stringify(env) };
      });
      (globalThis as { gc?: () => void }).gc?.();
      await untilEpoch(m.startAt);
      const grantMs: number[] = [];
      const denialMs: number[] = [];
      const deniedBy: Record<string, number> = {};
      const invalid: Record<string, number> = {};
      let answered = 0;
      const sent = await atRate(m.count, m.rate, m.deadlineMs, (i) => {
        const p = prepared[i];
        const t0 = p.device.send(p.payload, p.id, (a, at) => {
          answered++;
          if (a.type === 'arm.grant') {
            const v = verifyGrant(a, {
              serverPublicKey: serverKey,
              chip: p.device.spec.chip,
              expectedNonce: p.nonce,
              expectedRequestId: p.id,
              now: new Date(),
            });
            if (v.ok) grantMs.push(at - t0);
            else invalid[v.failure] = (invalid[v.failure] ?? 0) + 1;
          } else {
            const reason = String(a.body?.reason ?? a.type);
            deniedBy[reason] = (deniedBy[reason] ?? 0) + 1;
            denialMs.push(at - t0);
          }
        });
      });
      await waitFor(() => answered >= sent, m.drainMs);
      for (const p of prepared.slice(0, sent)) p.device.forget(p.id);
      return {
        sent,
        answered,
        grantMs,
        denialMs,
        deniedBy,
        invalid,
        requestIds: prepared.slice(0, sent).map((p) => p.id),
      };
    }
    case 'floor': {
      // The broker round trip without the server (floor.ts): an echo client on the server's identity
      // republishes to the device's down topic; same rate share, payload size and connections.
      const e = m.echo;
      const echo = await mqtt.connectAsync(e.url, {
        clientId: `arcgate-bench-echo-${randomBytes(4).toString('hex')}`,
        username: e.username,
        ...(e.password ? { password: e.password } : {}),
        ...(e.ca ? { ca: e.ca, cert: e.cert, key: e.key, rejectUnauthorized: true } : {}),
        reconnectPeriod: 0,
        clean: true,
      });
      try {
        const prefix = `${init.root}/bench/echo/`;
        echo.on('message', (topic, payload) => {
          if (topic.startsWith(prefix))
            echo.publish(`${init.root}/d/${topic.slice(prefix.length)}/down/config`, payload, { qos: 1 });
        });
        await echo.subscribeAsync(`${prefix}+`, { qos: 1 });
        const pad = 'x'.repeat(Math.max(0, m.payloadBytes - 40));
        const ms: number[] = [];
        await untilEpoch(m.startAt);
        const live = devices.filter((d) => d.ready);
        const sent = await atRate(live.length ? m.count : 0, m.rate, m.deadlineMs, (i) => {
          const d = live[i % live.length];
          const id = `f${i}-${randomBytes(6).toString('hex')}`;
          const t0 = performance.now();
          d.expect(id, (_a, at) => ms.push(at - t0));
          echo.publish(`${prefix}${d.spec.chip}`, JSON.stringify({ floor: id, pad }), { qos: 1 });
        });
        await waitFor(() => ms.length >= sent, 15_000);
        return { sent, received: ms.length, ms };
      } finally {
        await echo.endAsync(true).catch(() => undefined);
      }
    }
    case 'close':
      await withConcurrency(devices, 200, (d) => d.stop());
      return {};
  }
}

process.on('message', (m: WorkerRequest & { id: number }) => {
  handle(m).then(
    (r) => process.send?.({ id: m.id, result: r }),
    (e: Error) => process.send?.({ id: m.id, error: e.stack ?? e.message }),
  );
});
process.on('disconnect', () => process.exit(0));
