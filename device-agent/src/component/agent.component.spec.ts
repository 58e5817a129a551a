/**
 * The agent against the real firmware simulator (Firmata over a pty, johnny-five, badge scanner on
 * a second pty) and a real aedes broker, with a fake platform that signs grants and acks events.
 */
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as mqtt from 'mqtt';
import { SimulatedMachine } from '../../../firmware-sim/src/simulated-machine';
import { Agent } from '../agent';
import { systemClock } from '../clock';
import { AgentConfig, FIRMWARE } from '../config';
import { JohnnyFiveBoard } from '../five-board';
import { createLogger } from '../logger';
import { BadgeScanner } from '../scanner';
import { FakePlatform, NetworkProxy, publishForgedRevoke, TestBroker, waitFor } from './harness';

jest.setTimeout(40_000);

const WELDER_CODE = 'W3F7K9M2QX4TB8N6RZ5HC1';
/** Log lines stay in memory; AGENT_LOG=<file> also writes them out for a human to read. */
const logs: string[] = [];
const keepLog = (line: string): void => {
  logs.push(line);
  if (process.env.AGENT_LOG) appendFileSync(process.env.AGENT_LOG, line);
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('device agent with the firmware simulator, a real broker and a fake platform', () => {
  let machine: SimulatedMachine;
  let broker: TestBroker;
  let proxy: NetworkProxy;
  let platform: FakePlatform;
  let agent: Agent;
  let dataDir: string;
  let config: AgentConfig;

  const newAgent = (): Agent =>
    new Agent({
      config,
      board: new JohnnyFiveBoard({ path: machine.paths.serialPath, machineKind: 'electric_arc' }),
      scanner: new BadgeScanner({ path: machine.paths.scannerPath }),
      connect: (url, options) => mqtt.connect(url, options),
      clock: systemClock,
      log: createLogger({ level: 'debug', write: (line) => keepLog(line) }),
    });
  const relayClosed = () => machine.snapshot().relayClosed;
  const arm = async (): Promise<void> => {
    const before = platform.requests.length;
    await machine.scanBadge(`https://arcgate.example.cn/q/${WELDER_CODE}`);
    await waitFor('an arm.request', () => platform.requests.length > before);
    await waitFor('the relay to close on the machine', relayClosed);
    expect(agent.state).toBe('armed');
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'agent-component-'));
    machine = new SimulatedMachine({ name: 'agent-c1', kind: 'electric_arc', process: 'MMA', seed: 7 });
    await machine.start();
    broker = new TestBroker();
    const brokerUrl = await broker.start();
    proxy = new NetworkProxy(broker.port);
    const agentUrl = await proxy.start();
    machine.on('network', (state) => (state === 'cut' ? proxy.cut() : proxy.restore()));
    platform = new FakePlatform('arcgate', () => agent.identity.publicKey);
    await platform.start(brokerUrl);
    config = {
      mqttUrl: agentUrl,
      topicRoot: 'arcgate',
      serverPublicKey: platform.publicKey,
      boardPath: machine.paths.serialPath,
      scannerPath: machine.paths.scannerPath,
      dataDir,
      machineKind: 'electric_arc',
      gasLimitPercentLel: 10,
      position: { lat: 34.2375, lng: 116.1342, accuracyM: 5 },
      watchdogMs: 2_000,
      logLevel: 'debug',
      firmware: FIRMWARE,
    };
    agent = newAgent();
    // The broker learns the chip's key as binding would; the key is created during start().
    const started = agent.start();
    await waitFor('the chip key', () => {
      try {
        broker.devices.set(agent.chip, agent.identity.publicKey);
        return true;
      } catch {
        return false;
      }
    });
    await started;
    await waitFor('the agent online', () => agent.online && platform.statuses.some((s) => s.online));
  });

  afterAll(async () => {
    await agent?.stop();
    await platform?.stop();
    await proxy?.stop();
    await broker?.stop();
    await machine?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  afterEach(() => {
    expect(platform.invalid).toEqual([]);
  });

  it('boots locked with the relay open and reports boot', async () => {
    expect(relayClosed()).toBe(false);
    expect(agent.state).toBe('locked');
    const started = logs
      .map((l) => JSON.parse(l) as { msg: string; chip?: string })
      .find((l) => l.msg === 'arcgate agent started');
    expect(started?.chip).toBe(agent.chip);
    await waitFor('boot event stored', () => platform.events('boot').length === 1);
    expect(platform.events('boot')[0]).toMatchObject({ seq: 1, reason: 'power_on', firmware: FIRMWARE });
  });

  it('badge scan → signed grant → relay closes; an arc is reported with statistics; revoke opens the relay', async () => {
    await arm();
    const request = platform.requests.at(-1)!;
    expect(request.body).toMatchObject({
      credential: { kind: 'welder_code', code: WELDER_CODE },
      machineKind: 'electric_arc',
      position: { lat: 34.2375, lng: 116.1342 },
    });

    machine.pressTrigger();
    await waitFor('arcing', () => agent.state === 'arcing');
    await sleep(600);
    machine.releaseTrigger();
    await waitFor('arc.stop stored', () => platform.events('arc.stop').length === 1);
    const stop = platform.events('arc.stop')[0];
    expect(stop.grantId).toBe('grant-1');
    expect(stop.current?.mean).toBeGreaterThan(100);
    expect(stop.current?.mean).toBeLessThan(140);
    expect(stop.voltage?.mean).toBeGreaterThan(20);
    expect(stop.voltage?.mean).toBeLessThan(30);
    expect(stop.samples).toBeGreaterThanOrEqual(6);
    expect(stop.sampleRateHz).toBeGreaterThanOrEqual(10);
    expect(platform.events('arc.start')).toHaveLength(1);
    expect(agent.state).toBe('armed');

    await platform.revoke(agent.chip, 'grant-1');
    await waitFor('the relay to open', () => !relayClosed());
    expect(agent.state).toBe('locked');
    await waitFor('power.cut stored', () => platform.events('power.cut').length === 1);
    expect(platform.events('power.cut')[0]).toMatchObject({ reason: 'grant_revoked', grantId: 'grant-1' });
  });

  it('a forged revoke is ignored and journaled as security.rejected', async () => {
    await arm();
    await publishForgedRevoke(`mqtt://127.0.0.1:${broker.port}`, 'arcgate', agent.chip);
    await waitFor('security.rejected stored', () => platform.events('security.rejected').length === 1);
    expect(platform.events('security.rejected')[0]).toMatchObject({
      messageType: 'grant.revoke',
      reason: 'bad_signature',
    });
    expect(relayClosed()).toBe(true);
  });

  it('a gas leak opens the relay at once and reports it', async () => {
    expect(agent.state).toBe('armed');
    machine.startGasLeak();
    await waitFor('the relay to open on gas', () => !relayClosed(), 8_000);
    expect(agent.state).toBe('fault');
    await waitFor('power.cut stored', () => platform.events('power.cut').some((e) => e.reason === 'gas_over_limit'));
    expect(platform.events('gas.reading').some((e) => e.percentLel >= 10 && e.limitPercentLel === 10)).toBe(true);
    machine.stopGasLeak();
    // No new authorization while in fault.
    const before = platform.requests.length;
    await machine.scanBadge(WELDER_CODE);
    await sleep(300);
    expect(platform.requests.length).toBe(before);
    expect(relayClosed()).toBe(false);
  });

  it('current with the relay open (bypass) is reported as arc.unauthorized, once', async () => {
    machine.startBypass();
    machine.pressTrigger();
    await waitFor('arc.unauthorized stored', () => platform.events('arc.unauthorized').length === 1);
    expect(platform.events('arc.unauthorized')[0]).toMatchObject({ relayClosed: false });
    expect(platform.events('arc.unauthorized')[0].currentA).toBeGreaterThan(100);
    expect(agent.state).toBe('tamper');
    await sleep(500);
    expect(platform.events('arc.unauthorized')).toHaveLength(1);
    machine.stopBypass();
    machine.releaseTrigger();
    await waitFor('bypass end stored', () =>
      platform.events('tamper').some((e) => e.switch === 'bypass_suspected' && !e.open),
    );
  });

  it('journals events while the network is cut and replays them in order after it returns, each stored once', async () => {
    machine.cutNetwork();
    await waitFor('the agent offline', () => !agent.online);
    const storedBefore = platform.stored.size;
    machine.openEnclosure();
    await sleep(150);
    machine.closeEnclosure();
    await waitFor(
      'tamper events journaled',
      () => agent.journal.pending().filter((e) => e.type === 'tamper' && e.switch === 'enclosure').length === 2,
    );
    // Offline: no new authorization.
    await machine.scanBadge(WELDER_CODE);
    await sleep(200);
    expect(agent.state).not.toBe('authorizing');
    expect(platform.stored.size).toBe(storedBefore);

    machine.restoreNetwork();
    await waitFor('the agent back online', () => agent.online, 10_000);
    await waitFor('the journal drained', () => agent.journal.pending().length === 0, 8_000);
    const enclosure = platform.events('tamper').filter((e) => e.switch === 'enclosure');
    expect(enclosure.map((e) => e.open)).toEqual([true, false]);
    expect(enclosure.map((e) => platform.deliveries.get(e.seq))).toEqual([1, 1]);
    const seqs = [...platform.stored.keys()].sort((a, b) => a - b);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1)); // contiguous from 1: nothing lost
    expect(agent.journal.ackedUpTo).toBe(seqs.at(-1));
  });

  it('after an agent restart the chip and the event seqs carry on', async () => {
    const chip = agent.chip;
    await waitFor('the journal drained', () => agent.journal.pending().length === 0);
    await agent.stop();
    const lastSeq = agent.journal.nextSeq - 1;
    expect(relayClosed()).toBe(false);
    agent = newAgent();
    await agent.start();
    expect(agent.chip).toBe(chip);
    await waitFor('a second boot event', () => platform.events('boot').length === 2, 10_000);
    expect(platform.events('boot')[1].seq).toBe(lastSeq + 1);
    expect(platform.events('boot')[1].reason).toBe('power_on');
    // It boots into locked with the relay open (§10 Boot); the lingering gas may fault it again.
    await waitFor('online again', () => agent.online);
    expect(['locked', 'fault']).toContain(agent.state);
    expect(relayClosed()).toBe(false);
  });
});
