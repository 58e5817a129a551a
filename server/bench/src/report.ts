import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { AuthResult } from './authorize';
import { CpuUse, Machine } from './environment';
import { FloorResult } from './floor';
import { IngestResult } from './ingest';
import { LatencySummary, ms } from './stats';
import { NotifyResult, TARGET_NOTIFY_P99_MS } from './notify';

export const TARGET_AUTH_P99_MS = 50;
export const TARGET_INGEST_EPS = 20_000;

export interface RunReport {
  date: string;
  startedAt: string;
  machine: Machine;
  loadBefore: string;
  params: {
    devices: number;
    rates: number[];
    seconds: number;
    floorSeconds: number;
    events: number;
    replayShare: number;
    notifyRate: number;
    notifySeconds: number;
    server: string;
    database: string;
  };
  connect: { ok: number; failed: number; seconds: number; latency: LatencySummary };
  floor: FloorResult;
  /** One-row synchronous commits at 50/s (commit-floor.ts). */
  commits: FloorResult;
  steps: AuthResult[];
  burst: AuthResult;
  denial: AuthResult;
  ingest: IngestResult;
  notify: NotifyResult;
  stored: { decisions: number; allowed: number; grants: number };
  cpu: Record<string, CpuUse>;
  serverLog: { warnings: number; errors: number; sample: string[] };
  deviceCounters: { unexpected: number; unexpectedByType: Record<string, number>; malformed: number; closes: number };
  wallSeconds: number;
}

const ANALYSIS_START = '<!-- analysis:start -->';
const NOTIFY_START = '<!-- notifications:start -->';
const NOTIFY_END = '<!-- notifications:end -->';

/** The notifications section (issue 16 §2): a critical alert's first delivery within 5 s p99 while 100 alerts/s are raised. */
export function notifySection(r: NotifyResult, machine: Machine, date: string, cpu?: CpuUse, load?: string): string[] {
  const l = r.firstDelivery;
  const ok = r.delivered === r.sent && l.p99 <= TARGET_NOTIFY_P99_MS;
  return [
    NOTIFY_START,
    '### Notifications (告警推送)',
    '',
    `Run ${date} on ${machine.nproc} × ${machine.cpuModel}${load ? ` (load average before the run: ${load})` : ''}. ${n(r.sent)} devices each reported a tamper on the device path, ${r.rate} a second for ${r.seconds} s: ${n(r.alerts)} new critical alerts (${r.raisedPerSecond.toFixed(0)}/s). 恒达 has a DingTalk robot and its safety manager an SMS number; both providers are local (https, \`FakeProviders\`), SMS through \`SMS_PROVIDER=http\`. Latency: the alert row's insert → its first delivery marked sent (the provider has answered), from the delivery log.`,
    '',
    '| Target | Measured | Result |',
    '|---|---|---|',
    `| first delivery of a critical alert ≤ ${TARGET_NOTIFY_P99_MS / 1000} s p99 at ${r.rate} alerts/s | p50 ${ms(l.p50)} ms, p95 ${ms(l.p95)} ms, **p99 ${ms(l.p99)} ms**, max ${ms(l.max)} ms; ${n(r.delivered)}/${n(r.sent)} delivered | ${pass(ok)} |`,
    '',
    `Where the time went (per first delivery): routing (alert → delivery queued) p50 ${ms(r.routing.p50)} / p99 ${ms(r.routing.p99)} ms; sending (queued → provider answered) p50 ${ms(r.sending.p50)} / p99 ${ms(r.sending.p99)} ms.`,
    '',
    `Provider requests: ${counts(r.providerHits)}.${cpu ? ` CPU: server ${cpu.server.toFixed(2)}, PostgreSQL ${Number.isFinite(cpu.postgres) ? cpu.postgres.toFixed(2) : '—'} cores.` : ''}`,
    NOTIFY_END,
  ];
}

/** BENCH_ONLY=notify: rewrites (or adds) the notifications section of an existing BENCHMARKS.md, leaving the rest. */
export function writeNotifySection(
  path: string,
  r: NotifyResult,
  machine: Machine,
  date: string,
  cpu?: CpuUse,
  load?: string,
): void {
  const block = notifySection(r, machine, date, cpu, load).join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(NOTIFY_START);
  const b = text.indexOf(NOTIFY_END);
  let out: string;
  if (a >= 0 && b > a) out = text.slice(0, a) + block + text.slice(b + NOTIFY_END.length);
  else {
    const at = text.indexOf('### What limited the result');
    out = at >= 0 ? `${text.slice(0, at)}${block}\n\n${text.slice(at)}` : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(path, out);
}
const ANALYSIS_END = '<!-- analysis:end -->';
const HISTORY_START = '<!-- history:start -->';
const HISTORY_END = '<!-- history:end -->';
/** Sections measured by other tools (the retention sizing, issue 19 §3): kept verbatim, as the analysis is. */
const RETENTION_START = '<!-- retention:start -->';
const RETENTION_END = '<!-- retention:end -->';
/** The province-scale section (npm run bench:scale, issue 19), written by hand from its runs: kept as is. */
const SCALE_START = '<!-- scale:start -->';
const SCALE_END = '<!-- scale:end -->';
const SCALE17_START = '<!-- scale17:start -->';
const SCALE17_END = '<!-- scale17:end -->';
const pass = (ok: boolean) => (ok ? '**PASS**' : '**FAIL**');
const n = (v: number) => v.toLocaleString('en-US');
const counts = (r: Record<string, number>) =>
  Object.keys(r).length
    ? Object.entries(r)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ')
    : 'none';

function latencyRow(name: string, l: LatencySummary, extra: string): string {
  return `| ${name} | ${n(l.count)} | ${ms(l.p50)} | ${ms(l.p95)} | ${ms(l.p99)} | ${ms(l.max)} | ${extra} |`;
}

function cpuRow(phase: string, c: CpuUse | undefined): string {
  if (!c) return `| ${phase} | — | — | — | — | — | — |`;
  return `| ${phase} | ${c.server.toFixed(2)} | ${Number.isFinite(c.postgres) ? c.postgres.toFixed(2) : '(in rest)'} | ${c.bench.toFixed(2)} | ${c.rest.toFixed(2)} | ${Number.isFinite(c.steal) ? c.steal.toFixed(2) : '—'} | ${(c.machineBusyShare * 100).toFixed(0)} % |`;
}

/** What bounded the result, read off the CPU split of each phase. */
function limits(r: RunReport): string[] {
  const out: string[] = [];
  const cores = r.machine.nproc;
  for (const [phase, c] of Object.entries(r.cpu)) {
    if (c.machineBusyShare >= 0.9) {
      const top = [
        ['the server process (Node, one event loop: broker + app)', c.server],
        ['PostgreSQL', Number.isFinite(c.postgres) ? c.postgres : 0],
        ['the bench process (the simulated devices)', c.bench],
        ['other work on the shared machine', c.rest],
      ].sort((a, b) => (b[1] as number) - (a[1] as number))[0];
      out.push(
        `${phase}: the machine was CPU-bound (${(c.machineBusyShare * 100).toFixed(0)} % of ${cores} cores busy); the largest share went to ${top[0]} (${(top[1] as number).toFixed(2)} cores).`,
      );
    } else if (c.server >= 0.9) {
      out.push(
        `${phase}: the server's single event loop was saturated (${c.server.toFixed(2)} cores) while the machine had headroom.`,
      );
    }
    // Steal pauses the server, PostgreSQL and the simulated devices together: it shows as stalls no code of ours can remove.
    if (c.steal >= 0.05)
      out.push(
        `${phase}: the hypervisor took ${c.steal.toFixed(2)} cores' worth of time from this VM (steal, ${((c.steal / cores) * 100).toFixed(0)} % of its CPU).`,
      );
  }
  if (!out.some((l) => /CPU-bound|saturated/.test(l)))
    out.push(
      'No phase saturated the CPU: latencies are dominated by per-request work (database round trips), not by queueing.',
    );
  return out;
}

const nominalRate = (r: RunReport) => Math.max(...r.params.rates);
const stepAt = (r: RunReport, rate: number) => r.steps.find((x) => x.rate === rate);
const meetsTarget = (x: AuthResult | undefined) =>
  !!x &&
  x.grantLatency.count > 0 &&
  x.grantLatency.p99 < TARGET_AUTH_P99_MS &&
  x.timeouts === 0 &&
  x.granted === x.sent;
/** Which steady rates missed the p99 target, for the history row. */
const missedRates = (r: RunReport) => {
  const missed = r.steps.filter((x) => !meetsTarget(x)).map((x) => `${x.rate}/s`);
  return missed.length ? `p99 over target at ${missed.join(', ')}` : 'target met at every steady rate';
};

function ingestLoss(r: RunReport): string {
  const acked = r.ingest.events - r.ingest.unacked;
  const lost = r.ingest.stored.deviceEvents < acked ? 'ACKED EVENTS LOST' : '0 acked lost';
  const dup = r.ingest.exactlyOnce ? '0 duplicated' : 'DUPLICATES';
  return `${n(acked)} of ${n(r.ingest.events)} acked in time, ${lost}, ${dup}`;
}

function historyRow(r: RunReport): string {
  const top = stepAt(r, nominalRate(r)) ?? r.steps[r.steps.length - 1];
  const s = top?.grantLatency ?? { p50: NaN, p99: NaN };
  return `| ${r.date} | ${r.machine.nproc} × ${r.machine.cpuModel} | ${n(r.params.devices)} | ${top?.rate ?? '—'}/s (${missedRates(r)}) | ${ms(r.floor.latency.p99)} | ${ms(s.p50)} / ${ms(s.p99)} | ${ms(r.burst.grantLatency.p99)} | ${n(Math.round(r.ingest.eventsPerSecond))} | ${ingestLoss(r)} |`;
}

function stepsText(r: RunReport): string {
  return r.steps.map((x) => `${x.rate}/s: p99 ${ms(x.grantLatency.p99)} ms${meetsTarget(x) ? '' : ' ✗'}`).join('; ');
}

export function render(r: RunReport, history: string[], analysis: string[], kept: string[] = []): string {
  const nominal = nominalRate(r);
  const top = stepAt(r, nominal);
  // Met only when every steady rate up to the nominal one met it, not the top rate alone.
  const authOk = meetsTarget(top) && r.steps.every(meetsTarget);
  const ingestOk = r.ingest.eventsPerSecond >= TARGET_INGEST_EPS && r.ingest.zeroLoss && r.ingest.exactlyOnce;
  const lines = [
    '# ArcGate benchmarks',
    '',
    'Produced by `npm run bench` (sources in `server/bench/`). The bench starts a private PostgreSQL, starts the real server',
    '(`server/dist/main.js`, child process, with its embedded aedes MQTT broker) on 127.0.0.1, seeds the demo data, provisions',
    'the devices in bulk SQL and drives them over MQTT with their own chip keys, exactly as real devices sign. Everything is',
    'bounded by counts and deadlines and stops by itself. Targets: authorization p99 under 50 ms at 1,000 devices; ingest of',
    'at least 20,000 events/s with zero loss. This file is rewritten on every run; the history table below is kept.',
    '',
    `## Latest run: ${r.date}`,
    '',
    `Started ${r.startedAt}, wall time ${r.wallSeconds.toFixed(0)} s.`,
    '',
    '| machine | |',
    '| --- | --- |',
    `| CPU | ${r.machine.cpuModel} |`,
    `| cores (nproc) | ${r.machine.nproc} |`,
    `| memory | ${r.machine.memory} |`,
    `| OS | ${r.machine.os} |`,
    `| Node.js | ${r.machine.node} |`,
    `| PostgreSQL | ${r.machine.postgres ?? '?'} (${r.params.database}) |`,
    `| load average before the run | ${r.loadBefore} (the machine is shared; other work competes) |`,
    '',
    '### Results against the targets',
    '',
    '| target | measured | result |',
    '| --- | --- | --- |',
    `| authorization round trip p99 < ${TARGET_AUTH_P99_MS} ms at ${n(r.params.devices)} devices, every steady rate up to ${nominal} req/s | ${stepsText(r)}; floors p99: broker ${ms(r.floor.latency.p99)} ms, database commit ${ms(r.commits.latency.p99)} ms | ${pass(authOk)} |`,
    `| ingest ≥ ${n(TARGET_INGEST_EPS)} events/s, zero loss | ${n(Math.round(r.ingest.eventsPerSecond))} events/s; stored ${n(r.ingest.stored.deviceEvents)} of ${n(r.ingest.events)}; after replay ${n(r.ingest.replay.deviceEventsAfter)} | ${pass(ingestOk)} |`,
    '',
    '### Round trips (ms, publish → answer received by the device)',
    '',
    '| phase | count | p50 | p95 | p99 | max | notes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    latencyRow(
      'broker floor (no server work)',
      r.floor.latency,
      `${n(r.floor.sent)} sent, ${n(r.floor.received)} received`,
    ),
    latencyRow(
      'database commit floor (one-row INSERT, synchronous commit, 50/s)',
      r.commits.latency,
      `${n(r.commits.sent)} sent, ${n(r.commits.received)} committed: the disk flush every granted decision waits for`,
    ),
    ...r.steps.flatMap((s) => [
      latencyRow(
        `authorization, steady ${s.rate}/s for ${r.params.seconds} s → arm.grant`,
        s.grantLatency,
        `${n(s.sent)} sent, ${n(s.granted)} granted + verified, ${n(s.denied)} denied (${counts(s.deniedBy)}), invalid grants: ${counts(s.invalidGrants)}, ${n(s.timeouts)} unanswered within 15 s`,
      ),
      latencyRow(
        '  of which AuthorizationService.decide (server-side)',
        s.engineLatency,
        'decisions.latency_ms as stored by the engine',
      ),
    ]),
    latencyRow(
      `authorization, burst (all ${n(r.params.devices)} at once) → arm.grant`,
      r.burst.grantLatency,
      `${n(r.burst.sent)} sent, ${n(r.burst.granted)} granted, ${n(r.burst.denied)} denied (${counts(r.burst.deniedBy)}), ${n(r.burst.timeouts)} unanswered; burst drained in ${r.burst.seconds.toFixed(2)} s`,
    ),
    latencyRow('  of which AuthorizationService.decide (server-side)', r.burst.engineLatency, ''),
    latencyRow(
      `authorization, denial path ${r.denial.rate}/s → arm.denied`,
      r.denial.denialLatency,
      `${n(r.denial.sent)} sent with another welder's code: ${counts(r.denial.deniedBy)}; ${n(r.denial.granted)} granted (must be 0), ${n(r.denial.timeouts)} unanswered`,
    ),
    latencyRow(
      'MQTT connect (token verified by the server)',
      r.connect.latency,
      `${n(r.connect.ok)} connected, ${n(r.connect.failed)} failed, in ${r.connect.seconds.toFixed(1)} s (50 at a time)`,
    ),
    '',
    '',
    `Decisions stored for the bench chips: ${n(r.stored.decisions)} (${n(r.stored.allowed)} allowed); grants stored: ${n(r.stored.grants)}.`,
    '',
    ...notifySection(r.notify, r.machine, r.date, r.cpu.notifications, r.loadBefore),
    '',
    '### Telemetry ingest',
    '',
    '| | |',
    '| --- | --- |',
    `| events sent | ${n(r.ingest.events)} (${n(r.params.devices)} devices × ${n(r.ingest.events / r.params.devices)}), ${n(r.ingest.batches)} signed batches of ${r.ingest.eventsPerBatch.toFixed(1)} events (protocol size limit), one batch in flight per device |`,
    `| first publish → last ack | ${r.ingest.seconds.toFixed(2)} s |`,
    `| throughput | **${n(Math.round(r.ingest.eventsPerSecond))} events/s** |`,
    `| acked / re-sent after 10 s without ack / never acked | ${n(r.ingest.events - r.ingest.unacked)} / ${n(r.ingest.resends)} / ${n(r.ingest.unacked)} |`,
    `| rows in device_events / device_event_seqs | ${n(r.ingest.stored.deviceEvents)} / ${n(r.ingest.stored.eventSeqs)} (must both be ${n(r.ingest.events)}) |`,
    `| chips whose watermark (last_seq) reached their last event | ${n(r.ingest.stored.chipsAtWatermark)} of ${n(r.params.devices)} |`,
    `| exactly once: re-sent ${n(r.ingest.replay.batches)} batches (${n(r.ingest.replay.events)} events, ${(r.params.replayShare * 100).toFixed(0)} %), acked ${n(r.ingest.replay.acked)} | rows afterwards ${n(r.ingest.replay.deviceEventsAfter)} / ${n(r.ingest.replay.eventSeqsAfter)} → ${r.ingest.exactlyOnce ? 'unchanged' : 'CHANGED'} |`,
    `| every acked event stored | ${r.ingest.stored.deviceEvents >= r.ingest.events - r.ingest.unacked ? 'yes' : 'NO'} (${n(r.ingest.stored.deviceEvents)} rows ≥ ${n(r.ingest.events - r.ingest.unacked)} acked) |`,
    `| zero loss (everything sent was acked and stored) | ${r.ingest.zeroLoss ? 'yes' : 'NO'} |`,
    '',
    '### CPU (average cores in use per phase)',
    '',
    '| phase | server process | PostgreSQL | bench process | other work on the machine | stolen by the hypervisor | machine busy |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...Object.keys(r.cpu).map((k) => cpuRow(k, r.cpu[k])),
    '',
    '### What limited the result',
    '',
    ...limits(r).map((l) => `* ${l}`),
    `* Server log up to the end of the ingest phase: ${n(r.serverLog.warnings)} warnings, ${n(r.serverLog.errors)} errors${r.serverLog.sample.length ? ` (first: \`${r.serverLog.sample.join('` · `').replace(/\|/g, '/')}\`)` : ''}.`,
    `* Device side: ${n(r.deviceCounters.unexpected)} down messages nobody waited for (${counts(r.deviceCounters.unexpectedByType)}), ${n(r.deviceCounters.malformed)} malformed, ${n(r.deviceCounters.closes)} connection closes (including the final disconnects).`,
    '',
    '### Analysis (written by hand after a run; kept by the bench when it rewrites this file)',
    '',
    ANALYSIS_START,
    ...analysis,
    ANALYSIS_END,
    '',
    '### Parameters and method',
    '',
    `* ${n(r.params.devices)} simulated devices, each its own MQTT 3.1.1 connection (client id = user name = chip id, fresh Ed25519 connect token,`,
    '  will, subscription to its down topics, signed online status), all in one bench process. Machines, chips, welders (encrypted ID',
    '  numbers, valid certificates, signed welder codes) and one approved 二级 permit per device (running now, fenced around the',
    '  site, passing gas analysis 2 min old) are inserted in bulk SQL as the binding and permit services would write them.',
    `* Server: ${r.params.server}. Started as \`npm start\` starts it (issue 19): a launcher with a device process (the broker,`,
    '  gateway and arm decisions share its event loop) and an api process at nice 10 (HTTP); BENCH_SERVER_ROLE=all runs the single',
    '  process of before. The bench process, the server and PostgreSQL share the same cores.',
    `* Broker floor: ${r.params.floorSeconds} s at the same rate; a bench client on the server's broker credentials publishes`,
    "  (QoS 1) to an echo topic the server does not subscribe to, receives it and republishes it (QoS 1) to the device's down",
    '  topic: two broker passes like an authorization round trip, with no application work. (A device cannot publish anywhere',
    '  the server does not process: its ACL allows only its status and up topics.)',
    "* Database commit floor: one-row INSERTs, each its own synchronously committed transaction, 50 per second for the floor's",
    '  duration on the same PostgreSQL. A grant is sent only after its decision is durably committed, so this is the disk flush',
    "  inside every granted round trip; its tail is the disk's, and no server work can go below it.",
    "* After the bulk provisioning the bench runs CHECKPOINT and sync, so that the first phases do not measure that load's writeback.",
    `* Authorization: a warm-up of 200 requests, then ${r.params.seconds} s at each of ${r.params.rates.join(', ')} requests/s (stepping up stops at the first rate not`,
    '  sustained: anything unanswered after 15 s, or p99 over 1 s; the backlog is drained before the next phase), spread round-robin over all devices,',
    "  each a signed arm.request with a fresh nonce and id, the device's own welder code, its permit and a fix inside the fence.",
    '  Requests are signed before the clock starts; then the bench process collects its garbage (`--expose-gc`) and waits 0.5 s,',
    "  so that the load generator's own pauses stay out of the measured window. Latency = publish → receipt of arm.grant on the device's connection; every",
    '  grant is then checked with `verifyGrant` (server signature, chip, nonce, request id, window). Burst: every device at once.',
    "  Denial path: each device presents the next device's welder code (a real, active code of a welder not named on the permit).",
    `* Ingest: ${n(r.params.events)} events (heartbeats with a fix, gas readings) in protocol-sized signed batches (\`batchEvents\`),`,
    '  signed before the clock starts, one batch in flight per device; throughput counts only acked events. Then the rows are',
    `  counted in PostgreSQL and ${(r.params.replayShare * 100).toFixed(0)} % of the batches are re-sent unchanged; the counts must not move.`,
    '* Percentiles are nearest-rank over all samples of the phase.',
    '',
    ...(kept.length ? [RETENTION_START, ...kept, RETENTION_END, ''] : []),
    '## History',
    '',
    '| date | machine | devices | auth rate | floor p99 ms | auth p50 / p99 ms | burst p99 ms | ingest events/s | loss |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    HISTORY_START,
    ...history,
    HISTORY_END,
    '',
  ];
  return lines.join('\n');
}

/** Rewrites the file with this run and the kept history (newest first, at most 20 rows). */
export function writeBenchmarks(path: string, r: RunReport): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const between = (start: string, end: string) => {
    const a = text.indexOf(start);
    const b = text.indexOf(end);
    return a >= 0 && b > a
      ? text
          .slice(a + start.length, b)
          .split('\n')
          .slice(1, -1)
      : [];
  };
  const history = between(HISTORY_START, HISTORY_END).filter((l) => l.startsWith('|'));
  const a = text.indexOf(SCALE_START);
  const b = text.indexOf(SCALE_END);
  const scale = a >= 0 && b > a ? `\n${text.slice(a, b + SCALE_END.length)}\n` : '';
  // The next-scale section (fleet/report.ts, issue 17 §3) is written by its own runs: kept as is.
  const a17 = text.indexOf(SCALE17_START);
  const b17 = text.indexOf(SCALE17_END);
  const scale17 = a17 >= 0 && b17 > a17 ? `\n${text.slice(a17, b17 + SCALE17_END.length)}\n` : '';
  writeFileSync(
    path,
    render(
      r,
      [historyRow(r), ...history].slice(0, 20),
      between(ANALYSIS_START, ANALYSIS_END),
      between(RETENTION_START, RETENTION_END),
    ) +
      scale +
      scale17,
  );
}
