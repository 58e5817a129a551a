/**
 * The fault matrix: each fault injected into real processes while a machine is armed and arcing,
 * then the invariants of checks.ts. A fault says how it is injected and removed and what record or
 * alert must show it; the runner (run.ts) repeats each one and writes RELIABILITY.md.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Pool } from 'pg';
import type { DemoRecords, PlatformApi } from '../support/platform-api';
import { ProcessRig, sleep, waitUntil } from '../support/process-rig';
import { alertsSince, Check, eventsSince, fail, lastSeq, pass } from './checks';
import type { OwnMosquitto, OwnPostgres, ServerProcess } from './platform';

export interface Ctx {
  db: Pool;
  pg: OwnPostgres;
  server: ServerProcess;
  mosquitto: OwnMosquitto | null;
  api: PlatformApi;
  ids: DemoRecords;
  badge: string;
  rig: ProcessRig;
  /** Recreates the agent process with other options (clock offset) on the same data. */
  restartAgent(options?: { clockOffsetMs?: number; waitOnline?: boolean }): Promise<void>;
}

export interface Injection {
  /** When the fault hit (epoch ms). */
  t0: number;
  /** The fault stops the board's heartbeat: the output must die within the bound. */
  heartbeatStopped?: boolean;
  serverClockOffsetMs?: number;
  /** When the fault was removed, if later than t0 (recovery is timed from here). */
  removedAt?: number;
  /** Why (a) does not apply, when it doesn't. */
  powerNotApplicable?: string;
  /** Something measured on the way, for the report. */
  note?: string;
}

export interface Fault {
  id: string;
  title: string;
  /** The record or alert (d) looks for, in words. */
  expects: string;
  /** Runs only on a platform whose broker is this one. */
  broker: 'embedded' | 'mosquitto';
  needsRoot?: boolean;
  /** A longer recovery limit than the default, and why the protocol makes it so. */
  recovery?: { limitMs: number; why: string };
  /** Injects (and, for a held fault, removes) the fault. */
  run(ctx: Ctx): Promise<Injection>;
  /** Puts things back when run() failed half-way (a file system left mounted, say). */
  cleanup?(ctx: Ctx): Promise<void>;
  /** (d), given the last stored seq before the fault. */
  verify(ctx: Ctx, inj: Injection, seq0: number): Promise<Check>;
}

// ---- machine-side helpers --------------------------------------------------------------------

const current = (rig: ProcessRig): number => Number(rig.snapshot()?.readings?.currentA ?? 0);

/** Arms the machine with 张伟's badge and starts an arc (no-op for what is already so). */
export async function armAndArc(ctx: Ctx): Promise<void> {
  const { rig } = ctx;
  if (!rig.energised()) {
    await waitUntil(
      'a grant and a live output',
      async () => {
        rig.simCommand(`scan ${ctx.badge}`);
        for (let i = 0; i < 40; i++) {
          if (rig.energised()) return true;
          await sleep(100);
        }
        return false;
      },
      45_000,
    );
  }
  const before = await lastSeq(ctx.db, rig.chip);
  rig.simCommand('trigger on');
  await waitUntil('the arc to burn', () => current(rig) > 30, 10_000);
  // The agent has seen it too once its arc.start is stored: a fault now hits an arc in progress.
  await waitUntil(
    'arc.start stored',
    async () => (await eventsSince(ctx.db, rig.chip, before)).some((e) => e.type === 'arc.start'),
    15_000,
  );
}

/** Ends the welding session: trigger released, and a badge scan while armed locks the machine. */
export async function endSession(ctx: Ctx): Promise<void> {
  const { rig } = ctx;
  rig.simCommand('trigger off');
  if (!rig.energised()) return;
  rig.simCommand(`scan ${ctx.badge}`);
  await waitUntil('the session to end', () => !rig.energised(), 10_000);
}

async function chipOnline(db: Pool, chip: string): Promise<boolean> {
  const { rows } = await db
    .query<{ online: boolean }>(`SELECT online FROM chips WHERE chip_id = $1`, [chip])
    .catch(() => ({ rows: [] as { online: boolean }[] }));
  return rows[0]?.online === true;
}

/**
 * (c): the time from `from` until the platform works end to end again for this machine: server
 * healthy, the chip online, and a fresh badge scan brings power. null when not within `limitMs`.
 */
export async function measureRecovery(ctx: Ctx, from: number, limitMs: number): Promise<number | null> {
  const until = from + limitMs;
  const { rig } = ctx;
  while (Date.now() < until) {
    if (!(await ctx.server.healthy()) || !(await chipOnline(ctx.db, rig.chip))) {
      await sleep(250);
      continue;
    }
    if (rig.energised()) {
      // Still (or again) armed under an earlier grant: end that session first.
      await endSession(ctx).catch(() => undefined);
      continue;
    }
    rig.simCommand(`scan ${ctx.badge}`);
    const deadline = Math.min(until, Date.now() + 12_000);
    while (Date.now() < deadline && !rig.energised()) await sleep(50);
    if (rig.energised()) return Date.now() - from;
    await sleep(1_000);
  }
  return null;
}

async function hasAlert(ctx: Ctx, since: number, type: string, severity?: string): Promise<Check> {
  const rows = await alertsSince(ctx.db, ctx.rig.chip, since);
  const found = rows.find((r) => r.type === type && (!severity || r.severity === severity));
  if (found) return pass(`${type} (${found.severity}, ×${found.count})`);
  // A repeat within a minute of the last is aggregated into the alert still open, and its count
  // reaches the database at the next flush: the open alert is what the regulator sees meanwhile.
  const open = await ctx.db.query<{ severity: string; count: number }>(
    `SELECT severity, count FROM alerts WHERE chip_id = $1 AND type = $2 AND state = 'open' AND last_seen_at >= $3`,
    [ctx.rig.chip, type, new Date(since - 120_000)],
  );
  const o = open.rows.find((r) => !severity || r.severity === severity);
  return o
    ? pass(`${type} (${o.severity}, open, repeat aggregated)`)
    : fail(`no ${type}; raised: ${rows.map((r) => r.type).join(', ') || 'none'}`);
}

async function hasEvent(
  ctx: Ctx,
  seq0: number,
  what: string,
  match: (e: { type: string; payload: Record<string, unknown> }) => boolean,
): Promise<Check> {
  const events = await eventsSince(ctx.db, ctx.rig.chip, seq0);
  return events.some(match) ? pass(what) : fail(`no ${what} among ${events.length} events stored since`);
}

const all = async (...checks: Promise<Check>[]): Promise<Check> => {
  const done = await Promise.all(checks);
  return { ok: done.every((c) => c.ok), detail: done.map((c) => c.detail).join('; ') };
};

/** Waits (bounded) for a check to pass: records and alerts arrive a little after recovery. */
async function eventually(probe: () => Promise<Check>, timeoutMs = 20_000): Promise<Check> {
  const until = Date.now() + timeoutMs;
  let last = await probe();
  while (!last.ok && Date.now() < until) {
    await sleep(500);
    last = await probe();
  }
  return last;
}

function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Puts the agent's journal on a small tmpfs of its own (stopping the agent around the move). */
async function journalOnTmpfs(ctx: Ctx, sizeKb: number): Promise<void> {
  const { rig } = ctx;
  if (rig.agentRunning) {
    rig.killAgent('SIGTERM');
    await rig.waitAgentExit(15_000);
  }
  const keep = `${rig.journalDir}.keep`;
  rmSync(keep, { recursive: true, force: true });
  cpSync(rig.journalDir, keep, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k,mode=0700`, 'arcgate-faults', rig.journalDir]);
  for (const f of readdirSync(keep)) cpSync(join(keep, f), join(rig.journalDir, f));
  rmSync(keep, { recursive: true, force: true });
  await ctx.restartAgent();
}

function journalMounted(ctx: Ctx): boolean {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .some((l) => l.split(' ')[1] === ctx.rig.journalDir);
}

async function journalOffTmpfs(ctx: Ctx): Promise<void> {
  const { rig } = ctx;
  if (!journalMounted(ctx)) return;
  if (rig.agentRunning) {
    rig.killAgent('SIGTERM');
    await rig.waitAgentExit(15_000);
  }
  const keep = `${rig.journalDir}.keep`;
  rmSync(keep, { recursive: true, force: true });
  mkdirSync(keep);
  execFileSync('mount', ['-o', 'remount,rw', rig.journalDir]);
  for (const f of readdirSync(rig.journalDir))
    if (!f.startsWith('filler')) cpSync(join(rig.journalDir, f), join(keep, f));
  execFileSync('umount', [rig.journalDir]);
  for (const f of readdirSync(keep)) cpSync(join(keep, f), join(rig.journalDir, f));
  rmSync(keep, { recursive: true, force: true });
  await ctx.restartAgent();
}

/**
 * Restarts the server with a crash point armed and waits for the agent to reconnect to it. Returns
 * false when the point fired during start-up already (an ingest point meets the replayed journal).
 */
async function restartServerWithPoint(ctx: Ctx, point: string): Promise<boolean> {
  await ctx.server.kill('SIGTERM');
  const since = Date.now();
  try {
    await ctx.server.start({ faultPoints: point });
  } catch (err) {
    if (ctx.server.running) throw err;
    return false;
  }
  await waitUntil('the agent back on the broker', () => ctx.rig.agentConnectedSince(since), 60_000);
  await sleep(500);
  return true;
}

/** Arms a crash point, causes its hit, then restarts the server cleanly after it killed itself. */
async function serverDiesThenRestarts(ctx: Ctx, point: string, cause: () => void, within: number): Promise<Injection> {
  if (await restartServerWithPoint(ctx, point)) {
    cause();
    if (!(await ctx.server.exited(within))) {
      await ctx.server.kill('SIGKILL');
      throw new Error(`the crash point ${point} was never reached`);
    }
  }
  const t0 = Date.now();
  await ctx.server.start();
  return { t0, removedAt: Date.now() };
}

// ---- the faults ------------------------------------------------------------------------------

export const FAULTS: Fault[] = [
  {
    id: 'agent-sigkill',
    title: 'agent killed (SIGKILL) while arcing',
    broker: 'embedded',
    expects:
      'DEVICE_OFFLINE_ARMED (critical); after restart power.cut agent_crashed by the hardware watchdog, AGENT_CRASHED',
    async run(ctx) {
      const t0 = Date.now();
      ctx.rig.killAgent('SIGKILL');
      await ctx.rig.waitAgentExit();
      await sleep(3_000);
      const removedAt = Date.now();
      await ctx.restartAgent();
      return { t0, heartbeatStopped: true, removedAt };
    },
    verify: (ctx, inj, seq0) =>
      eventually(() =>
        all(
          hasAlert(ctx, inj.t0, 'DEVICE_OFFLINE_ARMED', 'critical'),
          hasAlert(ctx, inj.t0, 'AGENT_CRASHED'),
          hasEvent(
            ctx,
            seq0,
            'power.cut agent_crashed',
            (e) =>
              e.type === 'power.cut' && e.payload.reason === 'agent_crashed' && e.payload.by === 'hardware_watchdog',
          ),
        ),
      ),
  },
  {
    id: 'agent-sigstop',
    title: 'agent frozen (SIGSTOP 3 s) while arcing',
    broker: 'embedded',
    expects: 'power.cut watchdog after it resumes (its loop stalled)',
    async run(ctx) {
      const t0 = Date.now();
      ctx.rig.killAgent('SIGSTOP');
      await sleep(3_000);
      ctx.rig.killAgent('SIGCONT');
      return { t0, heartbeatStopped: true, removedAt: Date.now() };
    },
    verify: (ctx, _inj, seq0) =>
      eventually(() =>
        hasEvent(
          ctx,
          seq0,
          'power.cut watchdog',
          (e) => e.type === 'power.cut' && (e.payload.reason === 'watchdog' || e.payload.reason === 'board_lost'),
        ),
      ),
  },
  {
    id: 'agent-sigterm',
    title: 'agent stopped (SIGTERM) while arcing',
    broker: 'embedded',
    expects: 'relay.change, power.cut agent_stopped and arc.stop interrupted, no DEVICE_OFFLINE_ARMED',
    async run(ctx) {
      const t0 = Date.now();
      ctx.rig.killAgent('SIGTERM');
      await ctx.rig.waitAgentExit(15_000);
      const removedAt = Date.now();
      await ctx.restartAgent();
      return { t0, heartbeatStopped: true, removedAt };
    },
    async verify(ctx, inj, seq0) {
      const records = await eventually(() =>
        all(
          hasEvent(
            ctx,
            seq0,
            'relay.change agent_stopped',
            (e) => e.type === 'relay.change' && e.payload.closed === false && e.payload.trigger === 'agent_stopped',
          ),
          hasEvent(
            ctx,
            seq0,
            'power.cut agent_stopped',
            (e) => e.type === 'power.cut' && e.payload.reason === 'agent_stopped',
          ),
          hasEvent(
            ctx,
            seq0,
            'arc.stop interrupted',
            (e) => e.type === 'arc.stop' && e.payload.interrupted === 'agent_stopped',
          ),
        ),
      );
      const offline = (await alertsSince(ctx.db, ctx.rig.chip, inj.t0)).some((a) => a.type === 'DEVICE_OFFLINE_ARMED');
      return offline ? fail(`${records.detail}; DEVICE_OFFLINE_ARMED raised for a clean stop`) : records;
    },
  },
  {
    id: 'serial-kill',
    title: 'serial link broken (pty relay killed) while arcing',
    broker: 'embedded',
    expects:
      'board.link down + power.cut board_lost by the hardware watchdog, BOARD_LINK_LOST (critical); board.link up after a new cable',
    async run(ctx) {
      const relay = ctx.rig.serialRelayPid();
      const t0 = Date.now();
      process.kill(relay, 'SIGKILL');
      await sleep(3_000);
      // A new cable: the simulator (board) restarts on the same device path.
      ctx.rig.killSimulator('SIGKILL');
      await sleep(300);
      const removedAt = Date.now();
      await ctx.rig.startSimulator();
      return { t0, heartbeatStopped: true, removedAt };
    },
    verify: (ctx, inj, seq0) =>
      eventually(
        () =>
          all(
            hasAlert(ctx, inj.t0, 'BOARD_LINK_LOST', 'critical'),
            hasEvent(
              ctx,
              seq0,
              'power.cut board_lost',
              (e) => e.type === 'power.cut' && e.payload.reason === 'board_lost',
            ),
            hasEvent(ctx, seq0, 'board.link up', (e) => e.type === 'board.link' && e.payload.up === true),
          ),
        40_000,
      ),
  },
  {
    id: 'serial-freeze',
    title: 'serial link frozen (pty relay SIGSTOP 3 s) while arcing, gas leaking',
    broker: 'embedded',
    recovery: {
      limitMs: 150_000,
      why: 'a gas fault clears only after 60 s below the limit (GAS_CLEAR_HOLD_MS), and the leak takes ~30 s to ventilate',
    },
    expects: 'board.link down (reports_silent), BOARD_LINK_LOST; GAS_ABOVE_LIMIT once the link thaws',
    async run(ctx) {
      const relay = ctx.rig.serialRelayPid();
      const t0 = Date.now();
      process.kill(relay, 'SIGSTOP');
      ctx.rig.simCommand('leak on');
      await sleep(3_000);
      process.kill(relay, 'SIGCONT');
      await sleep(2_000);
      ctx.rig.simCommand('leak off');
      return { t0, heartbeatStopped: true, removedAt: Date.now() };
    },
    verify: (ctx, inj, seq0) =>
      eventually(() =>
        all(
          hasEvent(
            ctx,
            seq0,
            'board.link reports_silent',
            (e) => e.type === 'board.link' && e.payload.up === false && e.payload.cause === 'reports_silent',
          ),
          hasAlert(ctx, inj.t0, 'BOARD_LINK_LOST'),
          hasAlert(ctx, inj.t0, 'GAS_ABOVE_LIMIT'),
        ),
      ),
  },
  {
    id: 'board-kill',
    title: 'board process killed while arcing',
    broker: 'embedded',
    expects: 'board.link down, BOARD_LINK_LOST; board.link up after the board restarts',
    async run(ctx) {
      const t0 = Date.now();
      ctx.rig.killSimulator('SIGKILL');
      await sleep(3_000);
      const removedAt = Date.now();
      await ctx.rig.startSimulator();
      return {
        t0,
        removedAt,
        powerNotApplicable: 'the output stage is modelled inside the killed process; its trace ends with it',
      };
    },
    verify: (ctx, inj, seq0) =>
      eventually(
        () =>
          all(
            hasAlert(ctx, inj.t0, 'BOARD_LINK_LOST'),
            hasEvent(ctx, seq0, 'board.link up', (e) => e.type === 'board.link' && e.payload.up === true),
          ),
        40_000,
      ),
  },
  ...(['decision.after-claim', 'decision.after-store'] as const).map((point): Fault => ({
    id: `server-kill-${point.replace('.', '-')}`,
    title: `server killed (SIGKILL) at ${point}`,
    broker: 'embedded',
    expects: 'no decision lost: every arm.request of the chip has a decision row; at most one grant per request',
    async run(ctx) {
      await endSession(ctx);
      return serverDiesThenRestarts(ctx, point, () => ctx.rig.simCommand(`scan ${ctx.badge}`), 20_000);
    },
    async verify(ctx) {
      const { rows } = await ctx.db
        .query<{ requests: string; grants: string; dup: string }>(
          `SELECT (SELECT count(DISTINCT request_id) FROM decisions WHERE chip_id = $1) AS requests,
                (SELECT count(*) FROM grants WHERE chip_id = $1) AS grants,
                (SELECT count(*) FROM (SELECT request_id FROM grants WHERE chip_id = $1 AND request_id IS NOT NULL GROUP BY request_id HAVING count(*) > 1) x) AS dup`,
          [ctx.rig.chip],
        )
        .catch((e: Error) => ({ rows: [{ requests: '?', grants: '?', dup: e.message }] }));
      const r = rows[0];
      return r.dup === '0'
        ? pass(`${r.requests} requests decided, ${r.grants} grants, none twice`)
        : fail(`grants issued twice for one request: ${r.dup}`);
    },
  })),
  ...(['ingest.mid-flush', 'ingest.before-ack'] as const).map((point): Fault => ({
    id: `server-kill-${point.replace('.', '-')}`,
    title: `server killed (SIGKILL) at ${point}`,
    broker: 'embedded',
    expects: 'every event stored exactly once after the device replays its journal',
    async run(ctx) {
      return serverDiesThenRestarts(
        ctx,
        point,
        () => {
          ctx.rig.simCommand('trigger off');
          ctx.rig.simCommand('trigger on');
        },
        30_000,
      );
    },
    verify: async () => pass('checked by (b)'),
  })),
  {
    id: 'server-sigkill',
    title: 'server killed (SIGKILL), embedded broker with it',
    broker: 'embedded',
    expects: 'devices reconnect; the armed machine keeps its grant offline; events replayed exactly once',
    async run(ctx) {
      await ctx.server.kill('SIGKILL');
      const t0 = Date.now();
      ctx.rig.simCommand('trigger off');
      ctx.rig.simCommand('trigger on');
      await ctx.server.start();
      return { t0, removedAt: Date.now() };
    },
    verify: async () => pass('checked by (b) and (c)'),
  },
  {
    id: 'postgres-stop-30s',
    title: 'PostgreSQL stopped for 30 s',
    broker: 'embedded',
    expects:
      'the server survives; arm requests meanwhile are refused or unanswered (never granted unchecked); events stored once after',
    async run(ctx) {
      await ctx.pg.stop();
      const t0 = Date.now();
      ctx.rig.simCommand('trigger off');
      ctx.rig.simCommand('trigger on');
      await sleep(30_000);
      await ctx.pg.start();
      return { t0, removedAt: Date.now() };
    },
    verify: async (ctx) =>
      ctx.server.running ? pass('server process kept running') : fail('the server died while PostgreSQL was down'),
  },
  {
    id: 'mosquitto-restart',
    title: 'Mosquitto restarted (down 5 s)',
    broker: 'mosquitto',
    expects: 'device and server reconnect; events replayed exactly once',
    async run(ctx) {
      if (!ctx.mosquitto) throw new Error('no mosquitto');
      const t0 = Date.now();
      await ctx.mosquitto.restart(5_000);
      return { t0, removedAt: Date.now() };
    },
    verify: async () => pass('checked by (b) and (c)'),
  },
  {
    id: 'net-latency',
    title: 'agent↔broker latency 400 ms each way for 20 s',
    broker: 'embedded',
    expects: 'an arm round trip still completes under the latency',
    async run(ctx) {
      ctx.rig.network.setLatency(400);
      const t0 = Date.now();
      await endSession(ctx);
      const start = Date.now();
      ctx.rig.simCommand(`scan ${ctx.badge}`);
      await waitUntil('a grant through the slow link', () => ctx.rig.energised(), 15_000).catch(() => undefined);
      const armMs = ctx.rig.energised() ? Date.now() - start : null;
      await sleep(Math.max(0, 20_000 - (Date.now() - t0)));
      ctx.rig.network.setLatency(0);
      if (armMs === null) throw new Error('no grant through a 400 ms link within 15 s');
      return { t0, removedAt: Date.now(), note: `scan to power in ${armMs} ms at 400 ms each way` };
    },
    verify: async (_ctx, inj) => pass(inj.note ?? ''),
  },
  {
    id: 'net-loss',
    title: 'agent↔broker packet loss (30 % of segments late by up to 1.5 s) for 20 s',
    broker: 'embedded',
    expects: 'events delivered exactly once despite retransmission delays',
    async run(ctx) {
      ctx.rig.network.setLoss(0.3, 1_500);
      const t0 = Date.now();
      for (let i = 0; i < 4; i++) {
        ctx.rig.simCommand('trigger off');
        await sleep(2_500);
        ctx.rig.simCommand('trigger on');
        await sleep(2_500);
      }
      ctx.rig.network.setLoss(0);
      return { t0, removedAt: Date.now() };
    },
    verify: async () => pass('checked by (b)'),
  },
  {
    id: 'net-half-open',
    title: 'agent↔broker half-open connection for 30 s',
    broker: 'embedded',
    expects: 'DEVICE_OFFLINE_ARMED once the broker gives the session up; the agent reconnects after',
    async run(ctx) {
      ctx.rig.network.freeze();
      const t0 = Date.now();
      await sleep(30_000);
      ctx.rig.network.unfreeze();
      return { t0, removedAt: Date.now() };
    },
    verify: async (ctx, inj) => eventually(() => hasAlert(ctx, inj.t0, 'DEVICE_OFFLINE_ARMED')),
  },
  {
    id: 'net-partition',
    title: 'agent↔broker partition for 20 s while arcing',
    broker: 'embedded',
    expects:
      'the armed machine keeps its grant offline (protocol §10); DEVICE_OFFLINE_ARMED; events replayed exactly once',
    async run(ctx) {
      ctx.rig.network.cut();
      const t0 = Date.now();
      ctx.rig.simCommand('trigger off');
      await sleep(10_000);
      ctx.rig.simCommand('trigger on');
      await sleep(10_000);
      ctx.rig.network.restore();
      return { t0, removedAt: Date.now() };
    },
    verify: (ctx, inj) => eventually(() => hasAlert(ctx, inj.t0, 'DEVICE_OFFLINE_ARMED', 'critical')),
  },
  {
    id: 'journal-torn',
    title: 'torn journal (agent killed, half a line left)',
    broker: 'embedded',
    expects: 'boot reason crash; the torn tail cut; nothing stored twice',
    async run(ctx) {
      const t0 = Date.now();
      ctx.rig.killAgent('SIGKILL');
      await ctx.rig.waitAgentExit();
      appendFileSync(join(ctx.rig.journalDir, 'journal.jsonl'), '{"seq":999999,"type":"heartbe');
      const removedAt = Date.now();
      await ctx.restartAgent();
      return { t0, heartbeatStopped: true, removedAt };
    },
    verify: (ctx, _inj, seq0) =>
      eventually(() => hasEvent(ctx, seq0, 'boot (crash)', (e) => e.type === 'boot' && e.payload.reason === 'crash')),
  },
  {
    id: 'journal-full',
    title: 'journal disk full while arcing',
    broker: 'embedded',
    needsRoot: true,
    expects: 'power cut (journal unwritable), DEVICE_JOURNAL_FAILED; no arm request while it lasts',
    async run(ctx) {
      // Room for the journal's own 1 MiB free-space margin, then filled up.
      await journalOnTmpfs(ctx, 4_096);
      await armAndArc(ctx);
      const filler = join(ctx.rig.journalDir, 'filler');
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', 'count=100000'], { stdio: 'ignore' });
      } catch {
        // dd stops at ENOSPC: that is the point
      }
      const t0 = Date.now();
      await sleep(4_000);
      ctx.rig.simCommand(`scan ${ctx.badge}`);
      await sleep(3_000);
      rmSync(filler, { force: true });
      const removedAt = Date.now();
      await journalOffTmpfs(ctx);
      return { t0, heartbeatStopped: true, removedAt };
    },
    cleanup: journalOffTmpfs,
    verify: (ctx, inj) => eventually(() => hasAlert(ctx, inj.t0, 'DEVICE_JOURNAL_FAILED')),
  },
  {
    id: 'journal-readonly',
    title: 'journal file system read-only when the agent starts',
    broker: 'embedded',
    needsRoot: true,
    expects:
      'the agent runs on, refuses to arm (status fault journal_unwritable), DEVICE_JOURNAL_FAILED; arms again once writable',
    async run(ctx) {
      await journalOnTmpfs(ctx, 4_096);
      const { rig } = ctx;
      // A mount with files open for writing cannot turn read-only; the agent is stopped around it, as a
      // controller whose disk was remounted read-only by the kernel after errors would be rebooted.
      rig.killAgent('SIGTERM');
      await rig.waitAgentExit(15_000);
      execFileSync('mount', ['-o', 'remount,ro', rig.journalDir]);
      const t0 = Date.now();
      await ctx.restartAgent({ waitOnline: true });
      rig.simCommand(`scan ${ctx.badge}`);
      await sleep(5_000);
      const powered = rig.energised();
      const alive = rig.agentRunning;
      const removedAt = Date.now();
      await journalOffTmpfs(ctx);
      if (!alive) throw new Error('the agent died on a read-only journal');
      if (powered) throw new Error('armed with a journal that cannot be written');
      return { t0, removedAt, note: 'no power, agent alive' };
    },
    cleanup: journalOffTmpfs,
    verify: (ctx, inj) => eventually(() => hasAlert(ctx, inj.t0, 'DEVICE_JOURNAL_FAILED')),
  },
  ...([600_000, -600_000] as const).map((offset): Fault => ({
    id: `device-clock-${offset > 0 ? 'ahead' : 'behind'}-10min`,
    title: `device clock ${offset > 0 ? '+' : '−'}10 min`,
    broker: 'embedded',
    expects:
      'no grant while the clock is off (the arm request is refused or the grant rejected); the refusal is recorded',
    async run(ctx) {
      await endSession(ctx);
      // A connect token 10 min off is refused by the broker: the device may never get online at all.
      await ctx.restartAgent({ clockOffsetMs: offset, waitOnline: false });
      const t0 = Date.now();
      await sleep(5_000);
      ctx.rig.simCommand(`scan ${ctx.badge}`);
      await sleep(8_000);
      const powered = ctx.rig.energised();
      const online = ctx.rig.agentConnectedSince(t0 - 1_000);
      const removedAt = Date.now();
      await ctx.restartAgent({ clockOffsetMs: 0 });
      if (powered) throw new Error('a device with a clock 10 min off was given power');
      return {
        t0,
        removedAt,
        note: online ? 'the broker let it in; the arm request was refused' : 'the broker refused its connect token',
      };
    },
    async verify(ctx, inj, seq0) {
      const skew = await hasAlert(ctx, inj.t0, 'DEVICE_CLOCK_SKEW');
      if (skew.ok) return skew;
      const denied = await ctx.db.query(
        `SELECT reason FROM decisions WHERE chip_id = $1 AND at >= $2 AND NOT allowed`,
        [ctx.rig.chip, new Date(inj.t0 - 2_000)],
      );
      if (denied.rows.length)
        return pass(`refused: ${denied.rows.map((r: { reason: string }) => r.reason).join(', ')}`);
      const rejected = await hasEvent(
        ctx,
        seq0,
        'security.rejected of the grant',
        (e) => e.type === 'security.rejected',
      );
      return rejected.ok
        ? rejected
        : fail(`no DEVICE_CLOCK_SKEW, no refusal and no rejected grant recorded (${skew.detail})`);
    },
  })),
  {
    id: 'server-clock-jump',
    title: 'server clock jumps +1 h while a machine is arcing',
    broker: 'embedded',
    expects: 'no new grant the device cannot verify is acted on; arming works again once the clock is back',
    async run(ctx) {
      ctx.server.setClockOffset(3_600_000);
      const t0 = Date.now();
      await sleep(1_000);
      await endSession(ctx).catch(() => undefined);
      ctx.rig.simCommand(`scan ${ctx.badge}`);
      await sleep(8_000);
      const powered = ctx.rig.energised();
      ctx.server.setClockOffset(0);
      await sleep(500);
      return { t0, removedAt: Date.now(), serverClockOffsetMs: powered ? 3_600_000 : 0 };
    },
    async verify(ctx, inj, seq0) {
      const denied = await ctx.db.query(`SELECT reason FROM decisions WHERE chip_id = $1 AND at >= $2`, [
        ctx.rig.chip,
        new Date(inj.t0),
      ]);
      const events = await eventsSince(ctx.db, ctx.rig.chip, seq0);
      const rejected = events.filter((e) => e.type === 'security.rejected').length;
      return pass(`${denied.rows.length} decision(s) meanwhile, ${rejected} grant(s) rejected by the device`);
    },
  },
];

/** Writes a marker so a later run can tell the journal was not on tmpfs when a run died mid-fault. */
export function cleanupMounts(rig: ProcessRig): void {
  if (!existsSync(rig.journalDir)) return;
  try {
    execFileSync('umount', [rig.journalDir], { stdio: 'ignore' });
  } catch {
    // not mounted
  }
  writeFileSync(join(rig.dir, 'mounts-cleaned'), new Date().toISOString());
}

export { isRoot, lastSeq };
