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
    mqttUrl: 'mqtt://broker', topicRoot: 'arcgate', serverPublicKey: keys.serverPublicKey, boardPath: '/dev/null', scannerPath: null, dataDir: dir,
    machineKind: 'electric_arc', gasLimitPercentLel: 10, position: null, watchdogMs: 1_000, logLevel: 'error', firmware: FIRMWARE,
  });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-spec-'));
    board = new MockBoard();
    clients = [];
    monotonic = 0;
    agent = new Agent({
      config: config(), board, scanner: null, clock, log: silentLogger, monotonic: () => monotonic, tickMs: 20,
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
    (agent as unknown as { dispatch(i: unknown): void }).dispatch({ type: 'badge', code: 'W3F7K9M2QX4TB8N6RZ5HC1', fresh: { requestId: 'requestIdentifier777', nonce: 'q1W8eR4tY7uI0oP3aS6dFg' } });
    await flush();
    const grant = grantFor({ ...keys, chip: agent.chip }, { requestId: 'requestIdentifier777', nonce: 'q1W8eR4tY7uI0oP3aS6dFg', now: clock.now(), chip: agent.chip });
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

  it('reports boot as a crash when the previous run did not stop cleanly', async () => {
    await agent.stop();
    const marker = join(dir, 'agent.running');
    require('node:fs').writeFileSync(marker, '1\n');
    const again = new Agent({ config: config(), board: new MockBoard(), scanner: null, clock, log: silentLogger, connect: (u, o) => new FakeMqttClient(u, o) });
    await again.start();
    expect(again.journal.pending().filter((e) => e.type === 'boot').at(-1)).toMatchObject({ reason: 'crash' });
    await again.stop();
  });
});
