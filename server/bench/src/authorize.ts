import { ArmRequestBody, newNonce, verifyGrant } from '@arcgate/protocol';
import { KeyObject } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SimDevice } from './device';
import { SITE } from './provision';
import { atRate, LatencySummary, sleep, summarize, waitFor } from './stats';

export interface AuthResult {
  label: string;
  sent: number;
  granted: number;
  denied: number;
  timeouts: number;
  /** Grants that failed the device's own verifyGrant (signature, nonce, chip, window). */
  invalidGrants: Record<string, number>;
  deniedBy: Record<string, number>;
  grantLatency: LatencySummary;
  denialLatency: LatencySummary;
  seconds: number;
  rate: number;
  /** Ids of the requests sent (to look up the server's own decision timing). */
  requestIds: string[];
  /** AuthorizationService.decide time as the server stored it (decisions.latency_ms). */
  engineLatency: LatencySummary;
}

interface Prepared {
  device: SimDevice;
  id: string;
  nonce: string;
  payload: string;
}

/**
 * Signed arm requests at a controlled total rate (fresh nonce and message id each, signed before
 * the clock starts so that signing does not count), timed from publish to receipt of the answer;
 * every grant is checked with verifyGrant as the device would before closing its relay.
 * `credentialOf` picks the welder code a device presents (its own → grant; another's → denial).
 */
export async function authorizationPhase(
  label: string,
  devices: SimDevice[],
  serverKey: KeyObject,
  o: { count: number; rate: number; deadlineMs: number; drainMs?: number; credentialOf?: (i: number) => string },
): Promise<AuthResult> {
  const prepared: Prepared[] = [];
  const now = new Date();
  for (let i = 0; i < o.count; i++) {
    const device = devices[i % devices.length];
    const code = o.credentialOf ? o.credentialOf(i) : device.spec.welderCode;
    const body: ArmRequestBody = {
      nonce: newNonce(),
      credential: { kind: 'welder_code', code },
      permitId: device.spec.permitId,
      position: { lat: SITE.lat, lng: SITE.lng, accuracyM: 5, fixAt: now.toISOString() },
      machineKind: 'electric_arc',
    };
    const env = device.sign('arm.request', body, now);
    prepared.push({ device, id: env.id, nonce: body.nonce, payload: JSON.stringify(env) });
  }

  // Signing the phase's requests keeps this process busy for up to ~0.3 s. Collect its garbage now
  // (npm run bench passes --expose-gc) and let the machine settle, so that the load generator's own
  // pauses fall outside the measured window: its 1,000 clients share the 2 cores with the server.
  (globalThis as { gc?: () => void }).gc?.();
  await sleep(500);
  const r: AuthResult = {
    label,
    sent: 0,
    granted: 0,
    denied: 0,
    timeouts: 0,
    invalidGrants: {},
    deniedBy: {},
    grantLatency: summarize([]),
    denialLatency: summarize([]),
    seconds: 0,
    rate: o.rate,
    requestIds: [],
    engineLatency: summarize([]),
  };
  const grantMs: number[] = [];
  const denialMs: number[] = [];
  /** BENCH_SAMPLES=<file>: every grant's send time (in the phase and as epoch ms, to line up with other logs) and latency. */
  const samples: string[] = [];
  const started = performance.now();
  const sent = await atRate(o.count, o.rate, o.deadlineMs, (i) => {
    const p = prepared[i];
    const t0 = p.device.send('arm.request', p.payload, p.id, (m, at) => {
      if (m.type === 'arm.grant') {
        const v = verifyGrant(m, {
          serverPublicKey: serverKey,
          chip: p.device.chip,
          expectedNonce: p.nonce,
          expectedRequestId: p.id,
          now: new Date(),
        });
        if (v.ok) {
          r.granted++;
          grantMs.push(at - t0);
          samples.push(
            `${label}\t${(t0 - started).toFixed(1)}\t${(at - t0).toFixed(1)}\t${(performance.timeOrigin + t0).toFixed(1)}`,
          );
        } else r.invalidGrants[v.failure] = (r.invalidGrants[v.failure] ?? 0) + 1;
      } else {
        const reason = String(m.body?.reason ?? m.type);
        r.deniedBy[reason] = (r.deniedBy[reason] ?? 0) + 1;
        r.denied++;
        denialMs.push(at - t0);
      }
    });
  });
  const answered = () => r.granted + r.denied + Object.values(r.invalidGrants).reduce((a, b) => a + b, 0);
  await waitFor(() => answered() >= sent, o.drainMs ?? 20_000);
  r.seconds = (performance.now() - started) / 1000;
  r.sent = sent;
  r.timeouts = sent - answered();
  r.requestIds = prepared.slice(0, sent).map((p) => p.id);
  for (const p of prepared.slice(0, sent)) p.device.forget(p.id);
  r.grantLatency = summarize(grantMs);
  if (process.env.BENCH_SAMPLES) appendFileSync(process.env.BENCH_SAMPLES, samples.map((l) => `${l}\n`).join(''));
  r.denialLatency = summarize(denialMs);
  return r;
}

/** Every request answered, and the tail within a second: the server kept up with the offered rate. */
export function sustained(r: AuthResult): boolean {
  return r.timeouts === 0 && r.sent > 0 && r.grantLatency.p99 < 1000;
}
