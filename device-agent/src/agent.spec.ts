import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from './agent';
import { MockBoard } from './board';
import { FakeClock } from './clock';
import { AgentConfig, FIRMWARE } from './config';
import { MqttConnectOptions } from './link';
import { silentLogger } from './logger';
import { FakeMqttClient } from './testing/fake-mqtt';
import { grantFor, testKeys } from './testing/fixtures';

const flush = () => new Promise((r) => setImmediate(r));

describe('Agent (mock board, fake MQTT)', () => {
  let dir: string;
  let board: MockBoard;
  let clients: FakeMqttClient[];
  let agent: Agent;
  let monotonic: number;
  const keys = testKeys();
  const clock = new FakeClock();

  const config = (): AgentConfig => ({
    mqttUrl: 'mqtt://broker',
    topicRoot: 'arcgate',
    serverPublicKey: keys.serverPublicKey,
    boardPath: '/dev/null',
    scannerPath: null,
    dataDir: dir,
    machineKind: 'electric_arc',
    gasLimitPercentLel: 10,
    position: null,
    watchdogMs: 1_000,
    logLevel: 'error',
    firmware: FIRMWARE,
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-spec-'));
    board = new MockBoard();
    clients = [];
    monotonic = 0;
    agent = new Agent({
      config: config(),
      board,
      scanner: null,
      clock,
      log: silentLogger,
      monotonic: () => monotonic,
      tickMs: 20,
      stopDeliveryMs: 50,
      connect: (url: string, options: MqttConnectOptions) => {
        const c = new FakeMqttClient(url, options);
        clients.push(c);
        return c;
      },
    });
    await agent.start();
    clients[0].acceptConnect();
    await flush();
  });
  afterEach(async () => {
    await agent.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const armNow = async () => {
    (agent as unknown as { dispatch(i: unknown): void }).dispatch({
      type: 'badge',
      code: 'W3F7K9M2QX4TB8N6RZ5HC1',
      fresh: { requestId: 'requestIdentifier777', nonce: 'q1W8eR4tY7uI0oP3aS6dFg' },
    });
    await flush();
    const grant = grantFor(
      { ...keys, chip: agent.chip },
      { requestId: 'requestIdentifier777', nonce: 'q1W8eR4tY7uI0oP3aS6dFg', now: clock.now(), chip: agent.chip },
    );
    clients[0].deliver(`arcgate/d/${agent.chip}/down/arm.grant`, grant);
    await flush();
  };

  it('opens the relay first at start and leaves a run marker until a clean stop', async () => {
    expect(board.relayLog[0]).toBe(false);
    expect(existsSync(join(dir, 'agent.running'))).toBe(true);
    await armNow();
    expect(board.relayClosed).toBe(true);
    await agent.stop();
    expect(board.relayClosed).toBe(false);
    expect(existsSync(join(dir, 'agent.running'))).toBe(false);
  });

  it('opens the relay when the main loop stalled longer than the watchdog allows', async () => {
    await armNow();
    expect(agent.state).toBe('armed');
    monotonic += 1_500; // the next tick sees a 1.5 s gap
    await new Promise((r) => setTimeout(r, 60));
    expect(board.relayClosed).toBe(false);
    expect(agent.state).toBe('fault');
    expect(agent.journal.pending().some((e) => e.type === 'power.cut' && e.reason === 'watchdog')).toBe(true);
  });

  it('keeps the relay open and faults when the journal cannot be written', async () => {
    const jr = agent.journal as unknown as { append: () => never };
    jr.append = () => {
      throw new Error('EIO: disk failed');
    };
    await armNow();
    expect(board.relayLog.filter((c) => c)).toEqual([]);
    expect(board.relayClosed).toBe(false);
    expect(agent.state).toBe('fault');
  });

  const pending = (type: string) => agent.journal.pending().filter((e) => e.type === type);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('kicks the hardware watchdog only while armed with fresh reports, and once before closing', async () => {
    board.report();
    await sleep(60);
    expect(board.kicks).toBe(0); // relay open: no kicks
    await armNow();
    expect(board.kicks).toBeGreaterThanOrEqual(1); // the kick right before D7 goes high
    const before = board.kicks;
    board.report();
    await sleep(80);
    expect(board.kicks).toBeGreaterThan(before);
  });

  it('board lost while armed: board.link, power.cut by the watchdog, no relay.change, no kicks; recovers into locked', async () => {
    await armNow();
    board.report();
    board.loseLink('port_closed');
    expect(agent.state).toBe('fault');
    expect(pending('board.link')).toEqual([expect.objectContaining({ up: false, cause: 'port_closed' })]);
    expect(pending('power.cut').at(-1)).toMatchObject({ reason: 'board_lost', by: 'hardware_watchdog' });
    expect(pending('relay.change').filter((e) => e.type === 'relay.change' && e.trigger === 'board_lost')).toEqual([]);
    const kicks = board.kicks;
    await sleep(60);
    expect(board.kicks).toBe(kicks);
    board.restoreLink();
    expect(pending('board.link').at(-1)).toMatchObject({ up: true });
    expect(agent.state).toBe('fault');
    board.report();
    await sleep(60);
    expect(agent.state).toBe('locked');
  });

  it('silent reports drop the link (reports_silent)', async () => {
    board.report();
    // Two steps under the loop watchdog's limit, so it is silence and not a stall of our own.
    monotonic += 600;
    await sleep(60);
    monotonic += 600;
    await sleep(60);
    expect(board.dropped).toEqual(['reports_silent']);
    expect(agent.state).toBe('fault');
  });

  it('sends no arm.request while the journal directory is read-only, and says why in its status', async () => {
    const published = () => clients[0].published.filter((p) => p.topic.endsWith('/arm.request')).length;
    const health = agent.journal as unknown as { health: () => string | null };
    health.health = () => 'EROFS: read-only file system';
    (agent as unknown as { dispatch(i: unknown): void }).dispatch({
      type: 'badge',
      code: 'W3F7K9M2QX4TB8N6RZ5HC1',
      fresh: { requestId: 'requestIdentifier778', nonce: 'q1W8eR4tY7uI0oP3aS6dFh' },
    });
    await flush();
    expect(published()).toBe(0);
    expect(agent.state).toBe('locked');
    const status = clients[0].published.filter((p) => p.topic.endsWith('/status')).map((p) => JSON.parse(p.payload));
    expect(status.at(-1).body.faults).toEqual(['journal_unwritable']);
  });

  it('graceful stop while armed journals relay.change and power.cut agent_stopped', async () => {
    await armNow();
    await agent.stop();
    const events = agent.journal.pending();
    expect(events.filter((e) => e.type === 'relay.change').at(-1)).toMatchObject({
      closed: false,
      trigger: 'agent_stopped',
    });
    expect(events.filter((e) => e.type === 'power.cut').at(-1)).toMatchObject({ reason: 'agent_stopped' });
    expect(board.relayClosed).toBe(false);
  });

  it('after a crash with the relay closed, the restart journals the opening and the watchdog cut', async () => {
    await armNow();
    expect(JSON.parse(require('node:fs').readFileSync(join(dir, 'live.json'), 'utf8'))).toMatchObject({
      relayClosed: true,
      state: 'armed',
      grantId: 'grant-1',
    });
    // Simulate a SIGKILL: nothing is stopped cleanly, the run marker and live.json stay.
    const crashed = agent as unknown as { running: boolean; timers: NodeJS.Timeout[] };
    crashed.timers.forEach((t) => clearInterval(t));
    crashed.running = false;
    agent.journal.close();
    const again = new Agent({
      config: config(),
      board: new MockBoard(),
      scanner: null,
      clock,
      log: silentLogger,
      connect: (u, o) => new FakeMqttClient(u, o),
      stopDeliveryMs: 0,
    });
    await again.start();
    const events = again.journal.pending();
    expect(events.filter((e) => e.type === 'boot').at(-1)).toMatchObject({ reason: 'crash' });
    expect(events.filter((e) => e.type === 'relay.change').at(-1)).toMatchObject({
      closed: false,
      trigger: 'agent_restarted',
      grantId: 'grant-1',
    });
    expect(events.filter((e) => e.type === 'power.cut').at(-1)).toMatchObject({
      reason: 'agent_crashed',
      by: 'hardware_watchdog',
    });
    await again.stop();
    // The "killed" agent's own link and sender timers (a real SIGKILL would have taken them along).
    const dead = agent as unknown as { link: { stop(): Promise<void> }; sender: { stop(): void } };
    dead.sender.stop();
    await dead.link.stop();
  });

  it('reports boot as a crash when the previous run did not stop cleanly', async () => {
    await agent.stop();
    const marker = join(dir, 'agent.running');
    require('node:fs').writeFileSync(marker, '1\n');
    const again = new Agent({
      config: config(),
      board: new MockBoard(),
      scanner: null,
      clock,
      log: silentLogger,
      connect: (u, o) => new FakeMqttClient(u, o),
      stopDeliveryMs: 0,
    });
    await again.start();
    expect(
      again.journal
        .pending()
        .filter((e) => e.type === 'boot')
        .at(-1),
    ).toMatchObject({ reason: 'crash' });
    await again.stop();
  });
});
