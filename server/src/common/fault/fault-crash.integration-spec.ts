import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope, Envelope, signEnvelope, verifyEnvelope } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  FakeDevice,
  waitUntil,
} from '../../authorization/testing/arm-test-kit';
import { portOrFree, restartablePort } from '../../bootstrap/free-port';
import { DemoIds, demoIds } from '../../permits/testing/permit-fixtures';
import { FakeClock } from '../clock/clock';

const SERVER_DIR = join(__dirname, '..', '..', '..');

interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The crash points and the clock offset in a real server process (started from the sources): it
 * SIGKILLs itself at the named point; restarted without the fault, it answers the device's retry of
 * the identical envelope (a grant; an events.ack with every event stored once). The server's clock is moved to
 * the fixtures' 5 January 2026 through ARCGATE_CLOCK_OFFSET_FILE. The database is prepared through an
 * in-process app (demo data, chip, approved permit) and shared with the child.
 */
describe('fault injection in a real server process', () => {
  // Two real server starts per test, and a retried arm request: more than the default minute on a loaded machine.
  jest.setTimeout(150_000);
  const clock = new FakeClock(new Date(at9()));
  let t: TestApp;
  let ids: DemoIds;
  let dir: string;
  let child: Child | null = null;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    dir = mkdtempSync(join(tmpdir(), 'arcgate-fault-'));
    // The server's clock reads the fixtures' morning and runs on from there (across restarts): offset = fake now − real now.
    writeFileSync(join(dir, 'offset'), String(clock.now().getTime() - Date.now()));
  });
  afterAll(async () => {
    if (child && child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGKILL');
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /**
   * The broker port stays the same across a restart (the device reconnects to it): restartablePort.
   * Starts the child; an HTTP port taken between the pick and the bind (EADDRINUSE) is tried again on
   * another. The broker port is tried again as it is, after a pause (the killed process may still hold it).
   */
  async function start(mqttPort: number, faultPoints?: string): Promise<Child> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await startOnce(mqttPort, faultPoints);
      } catch (e) {
        if (!/EADDRINUSE/.test((e as Error).message) || attempt >= 4) throw e;
        if ((e as Error).message.includes(`:${mqttPort}`)) await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  }

  async function startOnce(mqttPort: number, faultPoints?: string): Promise<Child> {
    let out = '';
    const proc = spawn(
      process.execPath,
      ['-r', join(SERVER_DIR, 'test-support', 'ts-register.js'), join(SERVER_DIR, 'src', 'main.ts')],
      {
        cwd: SERVER_DIR,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          // One process: the fault point kills the process that decides, and this test restarts it itself
          // (without SERVER_ROLE the embedded default is the launcher, which would restart its child).
          SERVER_ROLE: 'all',
          DATABASE_URL: t.config.databaseUrl,
          PORT: String(await portOrFree(0)),
          HOST: '127.0.0.1',
          MQTT_PORT: String(mqttPort),
          DATA_DIR: dir,
          SEED_DEMO_DATA: 'false',
          // The in-process app's secrets: the welder codes it issued must verify in the child.
          JWT_SECRET: t.config.secrets.jwt,
          CODE_SIGNING_KEY: t.config.secrets.codeSigningKey.toString('hex'),
          DATA_ENCRYPTION_KEY: t.config.secrets.dataEncryptionKey.toString('hex'),
          DEVICE_SIGNING_KEY: t.config.secrets.deviceSigningKey
            .export({ type: 'pkcs8', format: 'der' })
            .toString('base64'),
          LOG_LEVEL: 'warn',
          ARCGATE_CLOCK_OFFSET_FILE: join(dir, 'offset'),
          ...(faultPoints ? { ARCGATE_FAULT_POINTS: faultPoints } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    proc.stdout.on('data', (b: Buffer) => (out += b.toString()));
    proc.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      proc.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const c = { proc, output: () => out, exited };
    await waitUntil(
      async () => out.includes('ArcGate is running') || proc.exitCode !== null,
      60_000,
      'the server to start',
    );
    if (proc.exitCode !== null) throw new Error(`server exited at start-up: ${out}`);
    return c;
  }

  /**
   * A device re-sends the identical arm.request when no answer comes (ARM_REQUEST_RETRIES): a freshly
   * restarted server may still be subscribing when the first copy arrives.
   */
  async function armAsADeviceWould(
    device: FakeDevice,
    request: Envelope,
  ): Promise<{ request: Envelope; answer: Awaited<ReturnType<FakeDevice['arm']>>['answer'] }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await device.arm(request);
      } catch (err) {
        if (attempt >= 3) throw err;
      }
    }
  }

  it('decision.after-claim: SIGKILL after the claim; after a restart the identical retry gets a grant', async () => {
    const mqttPort = await restartablePort();
    const chip = await bindNewChip(t, ids.steelMachine1);
    const permit = await approvedPermit(t, clock, ids);
    const code = await activeCode(t, ids.zhang);
    // The device talks to the child's own broker under the default topic root.
    const childApp = {
      ...t,
      config: { ...t.config, mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, embedded: true, topicRoot: 'arcgate' } },
    } as TestApp;

    child = await start(mqttPort, 'decision.after-claim');
    let device = await new FakeDevice(childApp, clock, chip).connect();
    await device.online();
    const request: Envelope = device.signed(
      'arm.request',
      device.armBody({ kind: 'welder_code', code }, { permitId: permit }),
    );
    await device.client.publishAsync(`arcgate/d/${chip.chip}/up/arm.request`, JSON.stringify(request), { qos: 1 });
    const death = await child.exited;
    expect(death.signal).toBe('SIGKILL');
    expect(child.output()).toContain('ARCGATE_FAULT_POINT decision.after-claim hit 1: SIGKILL');
    await device.close();
    const [claim] = await t.ds.query(`SELECT * FROM arm_nonces WHERE chip_id = $1 AND request_id = $2`, [
      chip.chip,
      request.id,
    ]);
    expect(claim).toBeDefined();
    expect(await t.ds.query(`SELECT 1 FROM decisions WHERE request_id = $1`, [request.id])).toEqual([]);

    child = await start(mqttPort);
    device = await new FakeDevice(childApp, clock, chip).connect();
    try {
      const { answer } = await armAsADeviceWould(device, request);
      expect({ type: answer.type, reason: answer.body.reason }).toEqual({ type: 'arm.grant', reason: undefined });
      expect(verifyEnvelope(t.config.secrets.deviceSigningKey, answer)).toBe(true);
      expect(answer.body.requestId).toBe(request.id);
      const decisions = await t.ds.query(`SELECT * FROM decisions WHERE request_id = $1`, [request.id]);
      expect(decisions).toHaveLength(1);
      expect(decisions[0]).toMatchObject({ allowed: true, grant_id: answer.body.grantId });
    } finally {
      await device.close();
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });

  it('decision.after-store: SIGKILL after the decision and grant are stored, before the answer; the retry after a restart gets that grant', async () => {
    const mqttPort = await restartablePort();
    await t.http
      .post(`/api/machines/${ids.steelMachine1}/chip/unbind`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: 'chip_faulty' });
    const chip = await bindNewChip(t, ids.steelMachine1);
    const permit = await approvedPermit(t, clock, ids);
    const code = await activeCode(t, ids.zhang);
    const childApp = {
      ...t,
      config: { ...t.config, mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, embedded: true, topicRoot: 'arcgate' } },
    } as TestApp;

    child = await start(mqttPort, 'decision.after-store');
    let device = await new FakeDevice(childApp, clock, chip).connect();
    await device.online();
    const request: Envelope = device.signed(
      'arm.request',
      device.armBody({ kind: 'welder_code', code }, { permitId: permit }),
    );
    await device.client.publishAsync(`arcgate/d/${chip.chip}/up/arm.request`, JSON.stringify(request), { qos: 1 });
    expect((await child.exited).signal).toBe('SIGKILL');
    expect(child.output()).toContain('ARCGATE_FAULT_POINT decision.after-store hit 1: SIGKILL');
    expect(device.received.filter((r) => r.topic.includes('/arm.'))).toEqual([]);
    await device.close();
    const [stored] = await t.ds.query(`SELECT * FROM decisions WHERE request_id = $1`, [request.id]);
    expect(stored).toMatchObject({ allowed: true });

    child = await start(mqttPort);
    device = await new FakeDevice(childApp, clock, chip).connect();
    try {
      const { answer } = await armAsADeviceWould(device, request);
      expect(answer.type).toBe('arm.grant');
      expect(answer.body.grantId).toBe(stored.grant_id);
      expect(await t.ds.query(`SELECT 1 FROM decisions WHERE request_id = $1`, [request.id])).toHaveLength(1);
    } finally {
      await device.close();
      child.proc.kill('SIGTERM');
      await child.exited;
    }
  });

  it.each([
    ['ingest.mid-flush', 0],
    ['ingest.before-ack', 3],
  ] as const)(
    '%s: SIGKILL in the flush; after a restart the re-sent batch is stored exactly once and acked',
    async (point, storedAtCrash) => {
      const mqttPort = await restartablePort();
      await t.http
        .post(`/api/machines/${ids.steelMachine1}/chip/unbind`)
        .set(await t.auth('hengda.admin'))
        .send({ reason: 'chip_faulty' });
      const chip = await bindNewChip(t, ids.steelMachine1);
      const childApp = {
        ...t,
        config: { ...t.config, mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, embedded: true, topicRoot: 'arcgate' } },
      } as TestApp;
      const at = clock.now().toISOString();
      const events = [1, 2, 3].map((seq) => ({
        seq,
        type: 'heartbeat',
        at,
        position: null,
        relayClosed: false,
        state: 'locked',
      }));
      const batch = signEnvelope(
        chip.privateKey,
        createEnvelope('events', { chip: chip.chip, seq: 500, body: { events } }, clock.now()) as Envelope,
      );
      const stored = async () =>
        (await t.ds.query(`SELECT count(*)::int AS n FROM device_events WHERE chip_id = $1`, [chip.chip]))[0]
          .n as number;

      child = await start(mqttPort, point);
      let device = await new FakeDevice(childApp, clock, chip).connect();
      await device.online();
      await device.client.publishAsync(`arcgate/d/${chip.chip}/up/events`, JSON.stringify(batch), { qos: 1 });
      expect((await child.exited).signal).toBe('SIGKILL');
      expect(child.output()).toContain(`ARCGATE_FAULT_POINT ${point} hit 1: SIGKILL`);
      expect(device.received.filter((r) => r.topic.endsWith('/events.ack'))).toEqual([]);
      await device.close();
      expect(await stored()).toBe(storedAtCrash);

      child = await start(mqttPort);
      device = await new FakeDevice(childApp, clock, chip).connect();
      try {
        // The device re-sends what was not acked (EVENTS_ACK_TIMEOUT_MS), the identical envelope.
        await device.client.publishAsync(`arcgate/d/${chip.chip}/up/events`, JSON.stringify(batch), { qos: 1 });
        const ack = await device.next(
          (topic, m) => topic.endsWith('/down/events.ack') && m.body.requestId === batch.id,
        );
        expect(ack.body.upToSeq).toBe(3);
        expect(await stored()).toBe(3);
      } finally {
        await device.close();
        child.proc.kill('SIGTERM');
        await child.exited;
      }
    },
  );
});
