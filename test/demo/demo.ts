/**
 * `npm run demo`: the platform on its embedded defaults plus three simulated welding machines,
 * each with a device agent over real serial ptys, running the machine-side scenarios in a loop and
 * narrating them. Ctrl-C stops everything (relays open first).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MachineRig, Position } from '../support/machine-rig';
import {
  activeCode,
  approvedPermitNow,
  bindChip,
  DemoRecords,
  fetchApi,
  findDemoRecords,
  ok,
  PlatformApi,
  recordGasAnalysis,
  serverPublicKey,
} from '../support/platform-api';
import { DemoBroker, startDemoBroker } from './mtls-broker';
import { AlertWatcher, heading, mute, say } from './narrator';
import { RunningServer, startServer } from './server-process';

const STEEL_SITE: Position = { lat: 34.1721, lng: 116.0012, accuracyM: 5 };
const CONSTRUCTION_SITE: Position = { lat: 34.2371, lng: 116.1311, accuracyM: 5 };
/** Marks the permits this demo applies for, so a re-run cancels only its own. */
const DEMO_TAG = '【演示】';
const PERMIT_HOURS = 6;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Station {
  rig: MachineRig;
  machineId: string;
  label: string;
}

interface Demo {
  api: PlatformApi;
  ids: DemoRecords;
  tig: Station;
  mig: Station;
  site: Station;
  permit: { id: string; endsAt: number; gasAt: number };
  badges: Record<'zhang' | 'liu' | 'chen' | 'sun', string>;
}

function repoRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'arcgate') return dir;
  }
  throw new Error('cannot find the repository root (package.json named arcgate)');
}

async function waitFor<T>(probe: () => T | Promise<T>, timeoutMs: number): Promise<T | null> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const v = await probe();
    if (v) return v;
    await sleep(100);
  }
  return null;
}

// ───────────────────────────── set-up ─────────────────────────────

async function station(
  api: PlatformApi,
  server: RunningServer,
  key: string,
  dataDir: string,
  machineId: string,
  label: string,
  position: Position,
  process: 'TIG' | 'MIG' | 'MMA',
  binder: string,
  mtls: DemoBroker | null,
): Promise<Station> {
  const agentLog = join(dataDir, `${key}.log`);
  const rig = new MachineRig({
    name: `demo-${key}`,
    brokerUrl: mtls?.deviceUrl ?? server.brokerUrl,
    topicRoot: server.topicRoot,
    serverPublicKey: await serverPublicKey(api),
    position,
    process,
    dataDir: join(dataDir, key),
    onLog: (line) => appendFileSync(agentLog, line),
  });
  await bindChip(api, machineId, rig.identity, binder);
  if (mtls) {
    // As an installer would: the certificate issued at binding, from the console's chip page (API).
    const cert = (await ok(api, binder, 'GET', `/api/machines/${machineId}/chip/certificate`)) as {
      certificatePem: string;
    };
    const certFile = join(dataDir, `${key}.crt`);
    writeFileSync(certFile, cert.certificatePem);
    rig.useTls({ certFile, caFile: mtls.deviceCaFile });
  }
  await rig.start();
  say(
    label,
    `加芯完成：芯片 ${rig.chip} 已绑定，设备代理已启动（继电器断开）`,
    `chip ${rig.chip} bound; agent started, relay open; agent log ${agentLog}`,
  );
  return { rig, machineId, label };
}

/** Cancels what earlier demo runs left in force, then applies for today's permit through the whole approval chain. */
async function freshPermit(api: PlatformApi, ids: DemoRecords): Promise<Demo['permit']> {
  for (const status of ['active', 'approved', 'submitted', 'draft']) {
    const page = await ok(api, 'hengda.admin', 'GET', `/api/permits?status=${status}&pageSize=200`);
    for (const p of page.items as { id: string; workDescription: string }[]) {
      if (p.workDescription.startsWith(DEMO_TAG))
        await ok(api, 'hengda.admin', 'POST', `/api/permits/${p.id}/cancel`, {
          reason: '演示重新开始 (demo restarted)',
        });
    }
  }
  const id = await approvedPermitNow(api, {
    welderIds: [ids.zhang, ids.liu],
    machineIds: ids.steelMachines,
    site: STEEL_SITE,
    hours: PERMIT_HOURS,
    workDescription: `${DEMO_TAG}2号车间钢梁焊接`,
  });
  say(
    '恒达',
    `动火作业票已审批（张伟、刘洋；两台焊机；电子围栏 100 m），动火分析合格`,
    `hot-work permit ${id} approved for Zhang Wei and Liu Yang on both machines, geofence 100 m, gas analysis passed`,
  );
  return { id, endsAt: Date.now() + PERMIT_HOURS * 3_600_000, gasAt: Date.now() };
}

// ───────────────────────────── steps ─────────────────────────────

const NAMES = {
  zhang: ['张伟', 'Zhang Wei'],
  liu: ['刘洋', 'Liu Yang'],
  chen: ['陈静', 'Chen Jing'],
  sun: ['孙磊', 'Sun Lei'],
} as const;

/** Scans a badge and reports what the platform decided (its newest decision for the machine). */
async function scan(
  d: Demo,
  s: Station,
  who: keyof typeof NAMES,
): Promise<{ allowed: boolean; reason: string } | null> {
  const before = await latestDecisionId(d.api, s.machineId);
  say(
    s.label,
    `${NAMES[who][0]} 在焊机扫码器上刷焊工证`,
    `${NAMES[who][1]} scans his/her welder badge on the machine's scanner`,
  );
  await s.rig.machine.scanBadge(d.badges[who]);
  const decision = await waitFor(async () => {
    const page = await ok(d.api, 'admin', 'GET', `/api/decisions?machineId=${s.machineId}&pageSize=1`);
    const top = page.items[0] as
      { id: string; allowed: boolean; reason: string; message: { 'zh-CN': string; en: string } } | undefined;
    return top && top.id !== before ? top : null;
  }, 15_000);
  if (!decision) {
    say(s.label, '平台未在 15 s 内作出判定', 'no decision from the platform within 15 s');
    return null;
  }
  const verdict = decision.allowed ? '允许' : '拒绝';
  say(
    s.label,
    `平台判定：${verdict}（${decision.reason}：${decision.message['zh-CN']}）`,
    `platform ${decision.allowed ? 'ALLOWED' : 'REFUSED'}: ${decision.reason} — ${decision.message.en}`,
  );
  return decision;
}

async function latestDecisionId(api: PlatformApi, machineId: string): Promise<string | null> {
  const page = await ok(api, 'admin', 'GET', `/api/decisions?machineId=${machineId}&pageSize=1`);
  return (page.items[0] as { id: string } | undefined)?.id ?? null;
}

function relayLine(s: Station): void {
  const closed = s.rig.relayClosed();
  say(
    s.label,
    closed ? '继电器闭合：焊机已解锁' : '继电器断开：焊机保持锁定',
    closed ? 'relay CLOSED: the machine is unlocked' : 'relay OPEN: the machine stays locked',
  );
}

async function weld(s: Station, ms: number): Promise<void> {
  s.rig.machine.pressTrigger();
  await sleep(Math.min(ms, 1_200));
  const r = s.rig.machine.snapshot().readings;
  say(
    s.label,
    `按下焊枪开关，起弧：${r.currentA.toFixed(0)} A / ${r.voltageV.toFixed(1)} V`,
    `trigger pressed, arc burning: ${r.currentA.toFixed(0)} A at ${r.voltageV.toFixed(1)} V`,
  );
  await sleep(Math.max(0, ms - 1_200));
  s.rig.machine.releaseTrigger();
  say(
    s.label,
    '松开开关，收弧；起弧/收弧事件（含电流电压统计）上报平台',
    'trigger released: arc.start / arc.stop with current and voltage statistics go to the platform',
  );
}

async function endSession(d: Demo, s: Station, who: keyof typeof NAMES): Promise<void> {
  if (!s.rig.relayClosed()) return;
  await s.rig.machine.scanBadge(d.badges[who]);
  await waitFor(() => !s.rig.relayClosed(), 5_000);
  say(
    s.label,
    `${NAMES[who][0]} 再次刷卡结束作业，继电器断开`,
    `${NAMES[who][1]} scans again to end the session; relay open`,
  );
}

async function licensedWeld(d: Demo): Promise<void> {
  heading('场景 1：持证焊工 + 有效作业票', 'Scenario 1: licensed welder with a valid permit');
  const s = d.tig;
  const decision = await scan(d, s, 'zhang');
  // Said as a failed step (and counted by DEMO_ROUNDS): the demo's first promise is this arc.
  if (!decision?.allowed) throw new Error(`the licensed welder was not allowed (${decision?.reason ?? 'no decision'})`);
  if (!(await waitFor(() => s.rig.relayClosed(), 10_000))) throw new Error('the relay did not close');
  relayLine(s);
  await sleep(1_000);
  await weld(s, 3_000);
  await sleep(1_500);
  await endSession(d, s, 'zhang');
}

async function refused(d: Demo, who: 'sun' | 'chen', zh: string, en: string): Promise<void> {
  heading(zh, en);
  const s = d.tig;
  const decision = await scan(d, s, who);
  if (!decision || decision.allowed) throw new Error(`expected a refusal, got ${decision?.reason ?? 'no decision'}`);
  await sleep(800);
  relayLine(s);
}

async function modifiedMachine(d: Demo): Promise<void> {
  heading('场景 4：改装焊机（输出绕过继电器）', 'Scenario 4: a modified machine bridged around its relay');
  const s = d.site;
  say(
    s.label,
    '有人私接线路绕过继电器，未刷卡直接按下焊枪开关',
    'someone bridged the output around the relay and presses the trigger without any badge',
  );
  s.rig.machine.startBypass();
  s.rig.machine.pressTrigger();
  await sleep(1_500);
  const r = s.rig.machine.snapshot();
  say(
    s.label,
    `继电器${r.relayClosed ? '闭合' : '断开'}，却测到 ${r.readings.currentA.toFixed(0)} A 电流：设备代理上报“无授权起弧”`,
    `relay ${r.relayClosed ? 'closed' : 'open'} yet ${r.readings.currentA.toFixed(0)} A flows: the agent reports arc.unauthorized`,
  );
  await sleep(1_500);
  s.rig.machine.releaseTrigger();
  s.rig.machine.stopBypass();
}

async function gasLeak(d: Demo): Promise<void> {
  heading('场景 5：作业中可燃气体泄漏', 'Scenario 5: a gas leak while welding');
  const s = d.mig;
  if (s.rig.agent.state === 'fault') {
    say(
      s.label,
      '上次泄漏后仍处于故障锁定（气体需持续 60 s 低于限值），本轮跳过',
      'still locked in gas fault from the last leak (needs 60 s below the limit); skipped this round',
    );
    return;
  }
  const decision = await scan(d, s, 'liu');
  if (!decision?.allowed) return;
  await waitFor(() => s.rig.relayClosed(), 10_000);
  relayLine(s);
  s.rig.machine.pressTrigger();
  await sleep(1_500);
  say(s.label, '焊接中……可燃气体开始泄漏！', 'welding… combustible gas starts leaking!');
  const leakAt = Date.now();
  s.rig.machine.startGasLeak();
  await waitFor(() => !s.rig.relayClosed(), 10_000);
  const lel = s.rig.machine.snapshot().readings.lelPercent;
  say(
    s.label,
    `泄漏开始 ${Date.now() - leakAt} ms 后继电器断开（LEL ${lel.toFixed(1)}%，限值 10%），电弧熄灭`,
    `relay opened ${Date.now() - leakAt} ms after the leak began (LEL ${lel.toFixed(1)} %, limit 10 %): arc cut`,
  );
  s.rig.machine.releaseTrigger();
  await sleep(1_000);
  s.rig.machine.stopGasLeak();
  say(
    s.label,
    '泄漏已止；气体浓度持续 60 s 低于限值前不得重新授权',
    'leak stopped; no new authorization until the gas has stayed below the limit for 60 s',
  );
}

async function offlineCatchUp(d: Demo): Promise<void> {
  heading('场景 6：作业中断网，恢复后补传', 'Scenario 6: offline mid-shift, then catch-up');
  const s = d.tig;
  const decision = await scan(d, s, 'zhang');
  // Said as a failed step (and counted by DEMO_ROUNDS): the demo's first promise is this arc.
  if (!decision?.allowed) throw new Error(`the licensed welder was not allowed (${decision?.reason ?? 'no decision'})`);
  if (!(await waitFor(() => s.rig.relayClosed(), 10_000))) throw new Error('the relay did not close');
  await waitFor(() => s.rig.agent.journal.pending().length === 0, 5_000);
  s.rig.machine.cutNetwork();
  await waitFor(() => !s.rig.agent.online, 5_000);
  say(
    s.label,
    '网络中断！授权仍在有效期内，焊机保持解锁，事件写入本地日志',
    'network cut! the grant is still valid, so the machine stays unlocked; events go to the local journal',
  );
  await weld(s, 2_500);
  await sleep(500);
  const pending = s.rig.agent.journal.pending().length;
  say(s.label, `离线期间本地日志积存 ${pending} 条事件`, `${pending} events waiting in the journal`);
  s.rig.machine.restoreNetwork();
  const back = await waitFor(() => s.rig.agent.online, 20_000);
  const drained = back && (await waitFor(() => s.rig.agent.journal.pending().length === 0, 20_000));
  say(
    s.label,
    drained ? `网络恢复，${pending} 条事件补传完毕，平台按（芯片，序号）只存一次并确认` : '网络恢复，事件仍在补传中',
    drained
      ? `back online: ${pending} events replayed, stored exactly once by (chip, seq) and acknowledged; journal compacted`
      : 'back online; replay still in progress',
  );
  await endSession(d, s, 'zhang');
}

// ───────────────────────────── main ─────────────────────────────

async function main(): Promise<void> {
  const root = repoRoot();
  const stations: Station[] = [];
  let server: RunningServer | null = null;
  let broker: DemoBroker | null = null;
  // DEMO_MTLS=1: a real Mosquitto with device certificates (README, "Demo over mutual TLS").
  const mtls = process.env.DEMO_MTLS === '1';
  // DEMO_ROUNDS=n: stop after n rounds, exit 1 if a step failed (a check; default: until Ctrl-C).
  const rounds = Number(process.env.DEMO_ROUNDS ?? 0);
  let failures = 0;
  let watcher: AlertWatcher | null = null;
  let stopping = false;
  const shutdown = async (code: number) => {
    // A second Ctrl-C does not wait for the clean stop.
    if (stopping) process.exit(130);
    stopping = true;
    console.log('\n正在停止演示（继电器先断开）… stopping the demo (relays open first)…');
    mute();
    watcher?.stop();
    for (const s of stations) await s.rig.stop().catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await broker?.stop().catch(() => undefined);
    console.log('已停止 · stopped.');
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  try {
    if (mtls) {
      console.log('Mosquitto（设备双向 TLS）启动中… starting Mosquitto with device certificates (mutual TLS)…');
      broker = await startDemoBroker(root, process.env.DATA_DIR ?? join(root, '.data'), 'arcgate');
      console.log(`设备监听 · device listener ${broker.deviceUrl} (client certificates required)`);
    }
    console.log(
      mtls
        ? 'ArcGate 演示启动中（内置 PostgreSQL，外部 Mosquitto）… starting the platform on Mosquitto…'
        : 'ArcGate 演示启动中（内置 PostgreSQL + MQTT）… starting the platform on embedded defaults…',
    );
    server = await startServer(root, broker?.serverEnv ?? {});
    const webPort = new URL(server.baseUrl).port;
    console.log(`\n平台已启动 · platform up: http://localhost:${webPort}/   (server log: ${server.logFile})`);
    console.log(
      `观看方式 · watch it: open http://localhost:${webPort}/ and log in as xiayi.regulator / ArcGate#2026 — the Alerts page updates live.\n`,
    );

    const api = fetchApi(server.baseUrl);
    const ids = await findDemoRecords(api);
    const agentsDir = join(process.env.DATA_DIR ?? join(root, '.data'), 'demo', 'agents');
    mkdirSync(agentsDir, { recursive: true, mode: 0o700 });
    stations.push(
      await station(
        api,
        server,
        'tig',
        agentsDir,
        ids.steelMachines[0],
        '恒达 1号车间氩弧焊机',
        STEEL_SITE,
        'TIG',
        'hengda.admin',
        broker,
      ),
    );
    stations.push(
      await station(
        api,
        server,
        'mig',
        agentsDir,
        ids.steelMachines[1],
        '恒达 2号车间二保焊机',
        STEEL_SITE,
        'MIG',
        'hengda.admin',
        broker,
      ),
    );
    stations.push(
      await station(
        api,
        server,
        'site',
        agentsDir,
        ids.constructionMachine,
        '建工 工地手工焊机',
        CONSTRUCTION_SITE,
        'MMA',
        'admin',
        broker,
      ),
    );
    const [tig, mig, site] = stations;
    await Promise.all(stations.map((s) => waitFor(() => s.rig.agent.online, 20_000)));

    const badge = async (id: string) => (await activeCode(api, 'welders', id)).url;
    const d: Demo = {
      api,
      ids,
      tig,
      mig,
      site,
      permit: await freshPermit(api, ids),
      badges: {
        zhang: await badge(ids.zhang),
        liu: await badge(ids.liu),
        chen: await badge(ids.chen),
        sun: await badge(ids.sun),
      },
    };
    watcher = new AlertWatcher(api);
    await watcher.start();

    const steps: (() => Promise<void>)[] = [
      () => licensedWeld(d),
      () => refused(d, 'sun', '场景 2：无证焊工', 'Scenario 2: a welder without a certificate'),
      () =>
        refused(d, 'chen', '场景 3：证书已过期（外派焊工）', 'Scenario 3: an expired certificate (dispatched welder)'),
      () => modifiedMachine(d),
      () => gasLeak(d),
      () => offlineCatchUp(d),
    ];
    for (let round = 1; !stopping; round++) {
      heading(`第 ${round} 轮`, `round ${round}`);
      // Keep the permit in force and its gas analysis fresh (it may be at most 30 min old at the first arc).
      if (Date.now() > d.permit.endsAt - 15 * 60_000) d.permit = await freshPermit(api, ids);
      else if (Date.now() - d.permit.gasAt > 20 * 60_000) {
        await recordGasAnalysis(api, d.permit.id);
        d.permit.gasAt = Date.now();
      }
      for (const step of steps) {
        if (stopping) break;
        await step().catch((e: Error) => {
          failures++;
          say('', `本步出错：${e.message}`, `step failed: ${e.message}`);
        });
        await sleep(3_000);
      }
      if (rounds > 0 && round >= rounds) {
        say('', `已完成 ${round} 轮，失败 ${failures} 步`, `${round} round(s) done, ${failures} step(s) failed`);
        return await shutdown(failures ? 1 : 0);
      }
      // Long enough for the gas fault of scenario 5 to clear (60 s below the limit) before the next round.
      say('', '本轮结束，40 s 后重复（Ctrl-C 停止）', 'round over; again in 40 s (Ctrl-C to stop)');
      await sleep(40_000);
    }
  } catch (e) {
    console.error(`演示失败 · demo failed: ${e instanceof Error ? e.message : e}`);
    await shutdown(1);
  }
}

void main();
