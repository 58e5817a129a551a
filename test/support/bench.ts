/**
 * The test bench: the real server in-process (createTestApp: its own copy of the migrated
 * PostgreSQL database, the embedded aedes broker or MQTT_URL), the demo data, and machines (firmware
 * simulator + device agent over real ptys) bound to the demo's machines. Jest-only; the demo uses
 * the same machine rigs and platform steps against a running server.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp, TestAppOptions } from '../../server/test-support/test-app';
import { SITE } from './bench-site';
import { MachineRig, RigOptions } from './machine-rig';
import {
  approvedPermitNow,
  bindChip,
  DemoRecords,
  findDemoRecords,
  PermitRequest,
  PlatformApi,
  serverPublicKey,
} from './platform-api';

export { SITE } from './bench-site';

export function supertestApi(t: TestApp): PlatformApi {
  return {
    async call(user, method, path, body) {
      const req =
        method === 'GET'
          ? t.http.get(path)
          : method === 'POST'
            ? t.http.post(path)
            : method === 'PATCH'
              ? t.http.patch(path)
              : t.http.delete(path);
      const res = await req.set(await t.auth(user)).send(body ?? undefined);
      return { status: res.status, body: res.body };
    },
  };
}

export class Bench {
  private readonly rigs: MachineRig[] = [];

  private constructor(
    readonly t: TestApp,
    readonly api: PlatformApi,
    readonly ids: DemoRecords,
    readonly serverKey: string,
  ) {}

  /** `broker: 'embedded'` for tests of the embedded broker's own authentication and ACL, even when MQTT_URL is set. */
  static async start(opts: Pick<TestAppOptions, 'broker' | 'config'> = {}): Promise<Bench> {
    const t = await createTestApp(opts);
    try {
      const api = supertestApi(t);
      return new Bench(t, api, await findDemoRecords(api), await serverPublicKey(api));
    } catch (e) {
      await t.close();
      throw e;
    }
  }

  /** A simulated machine whose chip is bound to `machineId`, with its agent online and its boot event stored. */
  /**
   * `mtls`: the agent connects to that device URL with the certificate issued at binding (fetched
   * through the API, as an installer would) instead of the server's own broker URL.
   */
  async machine(
    name: string,
    machineId: string,
    over: Partial<RigOptions> = {},
    mtls?: { deviceUrl: string; caFile: string },
  ): Promise<MachineRig> {
    const rig = new MachineRig({
      name,
      brokerUrl: mtls?.deviceUrl ?? this.t.config.mqtt.url,
      topicRoot: this.t.config.mqtt.topicRoot,
      serverPublicKey: this.serverKey,
      position: SITE,
      ...over,
    });
    this.rigs.push(rig);
    await bindChip(this.api, machineId, rig.identity);
    if (mtls) {
      const res = await this.api.call('hengda.admin', 'GET', `/api/machines/${machineId}/chip/certificate`);
      if (res.status !== 200) throw new Error(`certificate of ${name}: ${res.status}`);
      const certFile = join(mkdtempSync(join(tmpdir(), `arcgate-cert-${name}-`)), 'chip.crt');
      writeFileSync(certFile, (res.body as { certificatePem: string }).certificatePem);
      rig.useTls({ certFile, caFile: mtls.caFile });
    }
    await rig.start();
    await waitFor(`${name} online`, () => rig.agent.online, 20_000);
    await waitFor(
      `${name} boot event stored`,
      async () => (await this.events(rig.chip)).some((e) => e.type === 'boot'),
      20_000,
    );
    return rig;
  }

  permit(req: Omit<PermitRequest, 'site'>): Promise<string> {
    return approvedPermitNow(this.api, { site: SITE, ...req });
  }

  /** device_events of a chip in seq order. */
  async events(chip: string): Promise<StoredEvent[]> {
    return this.t.ds.query(
      `SELECT seq::int AS seq, type, grant_id AS "grantId", payload FROM device_events WHERE chip_id = $1 ORDER BY seq, occurred_at`,
      [chip],
    );
  }

  async decisions(chip: string): Promise<StoredDecision[]> {
    return this.t.ds.query(
      `SELECT allowed, reason, welder_id AS "welderId", permit_id AS "permitId", grant_id AS "grantId", source FROM decisions WHERE chip_id = $1 ORDER BY at`,
      [chip],
    );
  }

  async alerts(chip: string, type: string): Promise<StoredAlert[]> {
    return this.t.ds.query(
      `SELECT type, severity, welder_id AS "welderId", machine_id AS "machineId", count, evidence FROM alerts WHERE chip_id = $1 AND type = $2`,
      [chip, type],
    );
  }

  /** The first stored event of a type, once it has arrived. */
  storedEvent(chip: string, type: string, timeoutMs?: number): Promise<StoredEvent> {
    return waitFor(`${type} stored`, async () => (await this.events(chip)).find((e) => e.type === type), timeoutMs);
  }

  /** The alert of a type for a chip, once it has been raised. */
  async raisedAlert(chip: string, type: string): Promise<StoredAlert> {
    return (
      await waitFor(type, async () => {
        const rows = await this.alerts(chip, type);
        return rows.length ? rows : null;
      })
    )[0];
  }

  async close(): Promise<void> {
    for (const rig of this.rigs) await rig.stop();
    await this.t.close();
  }
}

export interface StoredEvent {
  seq: number;
  type: string;
  grantId: string | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  payload: any;
}

export interface StoredDecision {
  allowed: boolean;
  reason: string;
  welderId: string | null;
  permitId: string | null;
  grantId: string | null;
  source: string;
}

export interface StoredAlert {
  type: string;
  severity: string;
  welderId: string | null;
  machineId: string | null;
  count: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  evidence: any;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | Promise<T>,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** When a simulator reading first met a condition, polled every 10 ms from now on (0: not yet). */
export function watchReading(
  rig: MachineRig,
  met: (r: ReturnType<MachineRig['machine']['snapshot']>['readings']) => boolean,
): { at(): number; stop(): void } {
  let at = 0;
  const poll = setInterval(() => {
    if (!at && met(rig.machine.snapshot().readings)) at = Date.now();
  }, 10);
  return { at: () => at, stop: () => clearInterval(poll) };
}

/** Every relay change of a machine from now on, for asserting it never closed (or when it opened). */
export function recordRelay(rig: MachineRig): { changes: { closed: boolean; at: number }[]; stop(): void } {
  const changes: { closed: boolean; at: number }[] = [];
  const on = (closed: boolean) => changes.push({ closed, at: Date.now() });
  rig.machine.on('relay', on);
  return { changes, stop: () => rig.machine.off('relay', on) };
}
