import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from '../environment';
import { LatencySummary, ms } from '../stats';

const START = '<!-- scale17:start -->';
const END = '<!-- scale17:end -->';

export interface CpuPhase {
  phase: string;
  seconds: number;
  /** Average cores per process group (server 1, server 2, mosquitto, PostgreSQL, fleet workers, bench parent). */
  cores: Record<string, number>;
  other: number;
  steal: number;
  busyShare: number;
}

export interface FleetReport {
  date: string;
  startedAt: string;
  machine: Machine;
  loadBefore: string;
  loadAfter: string;
  params: {
    devices: number;
    workers: number;
    rate: number;
    seconds: number;
    floorSeconds: number;
    connectConcurrency: number;
    stormLimitS: number;
    connectLimitS: number;
    runLimitMin: number;
    broker: string;
    replicas: number;
  };
  limits: {
    bench: { soft: number; hard: number; raise: string };
    broker: { soft: number; hard: number; raise: string };
    brokerProcess: string;
  };
  certSeconds: number;
  connect: {
    ok: number;
    failed: number;
    seconds: number;
    latency: LatencySummary;
    readyAfter: number;
    failures: Record<string, number>;
  };
  rss: { devices: number; serverMb: number[]; brokerMb: number }[];
  rssAfterAuth: number[];
  /** Heartbeat batches the devices published in the whole run (one event each, every HEARTBEAT_INTERVAL_S). */
  heartbeats: number;
  floor: { sent: number; received: number; latency: LatencySummary };
  auth: {
    sent: number;
    granted: number;
    denied: number;
    deniedBy: Record<string, number>;
    invalid: Record<string, number>;
    unanswered: number;
    latency: LatencySummary;
    perReplica: number[];
    engine: LatencySummary;
  };
  storm: {
    devices: number;
    stoppedMs: number;
    upMs: number;
    devicesBackMs: number | null;
    storedBackMs: number | null;
    devicesBack: number;
    storedBack: number;
    backLatency: LatencySummary;
    attempts: number;
    failures: Record<string, number>;
    limitS: number;
  } | null;
  cpu: CpuPhase[];
  procs: { name: string; rssMb: number }[];
  serverLog: { warnings: number; errors: number; sample: string[] }[];
  wallSeconds: number;
}

const n = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const verdict = (ok: boolean) => (ok ? '**PASS**' : '**MISS**');
const counts = (r: Record<string, number>) =>
  Object.keys(r).length
    ? Object.entries(r)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k}: ${n(v)}`)
        .join('; ')
    : 'none';
const isRefusal = (kind: string) => kind.startsWith('refused');

export function renderFleet(r: FleetReport): string {
  const N = r.params.devices;
  const floorP99 = r.floor.latency.p99;
  const p99 = r.auth.latency.p99;
  const authOk = r.auth.unanswered === 0 && r.auth.granted === r.auth.sent;
  const t1 = authOk && p99 < 20;
  const t2 = authOk && p99 <= 4 * floorP99;
  const s = r.storm;
  const wrongRefusals = s ? Object.entries(s.failures).filter(([k]) => isRefusal(k)) : [];
  const wrong = wrongRefusals.reduce((a, [, v]) => a + v, 0);
  const t3 =
    !!s &&
    s.devicesBackMs !== null &&
    s.storedBackMs !== null &&
    Math.max(s.devicesBackMs, s.storedBackMs) <= 60_000 &&
    wrong === 0;
  const reached = r.connect.readyAfter;
  const mode = `${r.params.broker}, ${r.params.replicas} server replica${r.params.replicas > 1 ? 's' : ''}`;
  const rssFirst = r.rss[0];
  const rssLast = r.rss[r.rss.length - 1];
  const perK = (i: number) =>
    rssLast.devices > 0 ? ((rssLast.serverMb[i] - rssFirst.serverMb[i]) / rssLast.devices) * 1000 : NaN;
  const groups = [...new Set(r.cpu.flatMap((c) => Object.keys(c.cores)))];
  const lines = [
    START,
    '',
    `## Next scale (issue 17 §3): ${n(N)} devices, ${mode}`,
    '',
    `Produced by \`BENCH_BROKER=${r.params.broker.startsWith('mosquitto') ? 'mosquitto-mtls' : 'aedes'} BENCH_REPLICAS=${r.params.replicas} BENCH_DEVICES=${N}${process.env.BENCH_HEARTBEAT_S ? ` BENCH_HEARTBEAT_S=${process.env.BENCH_HEARTBEAT_S}` : ''} npm run bench\` (sources in \`server/bench/src/fleet/\`).`,
    `The bench starts a private PostgreSQL${r.params.broker.startsWith('mosquitto') ? ', its own Mosquitto with the configuration `npm run broker:config -- mosquitto` generates (device listener with mutual TLS, service listener for the server replicas, device CA and CRL in the bench work dir)' : ''},`,
    `${r.params.replicas} real server process${r.params.replicas > 1 ? 'es' : ''} (\`server/dist/main.js\`${r.params.replicas > 1 ? ', one database, one `$share` subscription' : ''}), provisions the devices in bulk SQL${r.params.broker.startsWith('mosquitto') ? ` and issues every chip an X.509 certificate for its own Ed25519 key (same certificate as binding issues, ${r.certSeconds.toFixed(1)} s for all)` : ''},`,
    `and drives them from ${r.params.workers} fleet worker process${r.params.workers > 1 ? 'es' : ''}; every device reconnects as the device agent does (1 s → 60 s back-off, ±20 % jitter) and, while connected, sends a signed heartbeat event every 30 s as the agent does (${r.heartbeats.toLocaleString('en-US')} batches in the run, ≈ ${Math.round(r.params.devices / 30).toLocaleString('en-US')}/s with every device connected).`,
    '',
    `Run ${r.startedAt}, wall time ${n(r.wallSeconds)} s. Machine: ${r.machine.nproc} × ${r.machine.cpuModel}, ${r.machine.memory}, ${r.machine.os}, Node.js ${r.machine.node}, PostgreSQL ${r.machine.postgres ?? '?'} (embedded, default settings).`,
    `Load average before the run ${r.loadBefore}, after ${r.loadAfter} (the machine is shared; other work competes).`,
    ...(Number(r.loadBefore.split(' / ')[0]) > 2 * r.machine.nproc
      ? [
          '',
          `**The machine was overloaded by other work during this run** (load above ${2 * r.machine.nproc} on ${r.machine.nproc} cores; see "other work" in the CPU table): the figures below measure that contention more than ArcGate. Re-run on a quiet machine before comparing them with the targets.`,
        ]
      : []),
    '',
    '### Results against the targets',
    '',
    '| target | measured | result |',
    '| --- | --- | --- |',
    `| 20,000 connected devices | ${n(reached)} of ${n(N)} connected at once (one broker process; see below why 20,000 cannot be held by one process here)${reached < N ? `; the connect budget (BENCH_CONNECT_LIMIT_S=${r.params.connectLimitS}) ran out before all ${n(N)} were connected` : ''} | ${reached >= 20_000 ? '**PASS**' : `**MISS** (open-files limit ${n(r.limits.broker.hard)} per process)`} |`,
    `| authorization p99 < 20 ms at ${r.params.rate} req/s | p99 ${ms(p99)} ms (p50 ${ms(r.auth.latency.p50)}); ${n(r.auth.granted)} of ${n(r.auth.sent)} granted, ${n(r.auth.unanswered)} unanswered | ${verdict(t1)} |`,
    `| authorization p99 ≤ 4 × broker floor p99 (same run) | ${ms(p99)} ms vs 4 × ${ms(floorP99)} = ${ms(4 * floorP99)} ms | ${verdict(t2)} |`,
    s
      ? `| connect storm: all back within 60 s after a broker restart, none refused wrongly | devices back (connected + subscribed + online status acknowledged) ${s.devicesBackMs === null ? `not all within ${s.limitS} s (${n(s.devicesBack)} of ${n(s.devices)})` : `in ${(s.devicesBackMs / 1000).toFixed(1)} s`}; online status stored by the server for all ${s.storedBackMs === null ? `not within ${s.limitS} s (${n(s.storedBack)})` : `in ${(s.storedBackMs / 1000).toFixed(1)} s`}; refusals ${n(wrong)} (every certificate is valid, so every refusal is wrong) | ${verdict(t3)} |`
      : '| connect storm | needs BENCH_BROKER=mosquitto-mtls (the embedded broker restarts only with the server) | — |',
    '',
    '### Why 20,000 devices are not reachable in one broker process on this machine',
    '',
    `Every device connection is one open socket, i.e. one file descriptor, in the broker process (${r.limits.brokerProcess}).`,
    `Measured here: the broker process's RLIMIT_NOFILE is ${n(r.limits.broker.soft)} (soft) / ${n(r.limits.broker.hard)} (hard), the bench's own ${n(r.limits.bench.soft)} / ${n(r.limits.bench.hard)};`,
    `raising it was tried and failed: ${r.limits.bench.raise}. The broker also needs descriptors for its listeners, log and stdio, so it holds at most`,
    `about ${n(r.limits.broker.hard - 10)} device connections; 20,000 would need a higher hard limit (LimitNOFILE= in the systemd unit, or \`ulimit -n\` as root`,
    'where the container permits it) or several broker processes (an EMQX cluster, docs/deployment.md). The simulated devices are spread over',
    `${r.params.workers} worker processes (${n(Math.ceil(N / r.params.workers))} sockets each) so that the bench side is not the limit.`,
    '',
    '### Round trips (ms, publish → answer received by the device)',
    '',
    '| phase | count | p50 | p95 | p99 | max | notes |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| broker floor (echo on the server identity, no server work) | ${n(r.floor.latency.count)} | ${ms(r.floor.latency.p50)} | ${ms(r.floor.latency.p95)} | ${ms(r.floor.latency.p99)} | ${ms(r.floor.latency.max)} | ${n(r.floor.sent)} sent, ${n(r.floor.received)} received, ${r.params.rate}/s for ${r.params.floorSeconds} s |`,
    `| authorization ${r.params.rate}/s for ${r.params.seconds} s → arm.grant | ${n(r.auth.latency.count)} | ${ms(r.auth.latency.p50)} | ${ms(r.auth.latency.p95)} | ${ms(r.auth.latency.p99)} | ${ms(r.auth.latency.max)} | ${n(r.auth.sent)} sent, ${n(r.auth.granted)} granted + verified, denied ${counts(r.auth.deniedBy)}, invalid grants ${counts(r.auth.invalid)}, ${n(r.auth.unanswered)} unanswered within 15 s |`,
    `|   of which AuthorizationService.decide (server-side) | ${n(r.auth.engine.count)} | ${ms(r.auth.engine.p50)} | ${ms(r.auth.engine.p95)} | ${ms(r.auth.engine.p99)} | ${ms(r.auth.engine.max)} | decisions.latency_ms |`,
    `| connect (${r.params.broker.startsWith('mosquitto') ? 'TLS handshake + CONNECT' : 'token verified by the server'} + SUBSCRIBE + online status acked) | ${n(r.connect.latency.count)} | ${ms(r.connect.latency.p50)} | ${ms(r.connect.latency.p95)} | ${ms(r.connect.latency.p99)} | ${ms(r.connect.latency.max)} | ${n(r.connect.ok)} connected, ${n(r.connect.failed)} not within 60 s, in ${r.connect.seconds.toFixed(1)} s (${r.params.connectConcurrency} at a time, 4 quarters); failed attempts: ${counts(r.connect.failures)} |`,
    '',
    ...(r.params.replicas > 1
      ? [
          `Answers (grants + denials) published per replica during the ${r.params.rate}/s phase, counted inside each process: ${r.auth.perReplica.map((v, i) => `server ${i + 1} ${n(v)}`).join(', ')} (the broker's shared subscription splits the requests).`,
          '',
        ]
      : []),
    '### Server RSS per 1,000 connected devices',
    '',
    `| connected devices | ${r.rss[0].serverMb.map((_, i) => `server ${i + 1} RSS MB`).join(' | ')} | broker RSS MB |`,
    `| --- | ${r.rss[0].serverMb.map(() => '---').join(' | ')} | --- |`,
    ...r.rss.map(
      (x) =>
        `| ${n(x.devices)} | ${x.serverMb.map((v) => v.toFixed(0)).join(' | ')} | ${Number.isFinite(x.brokerMb) ? x.brokerMb.toFixed(0) : '(in server)'} |`,
    ),
    '',
    `Per 1,000 connected devices (last sample minus the first, over the devices): ${rssFirst.serverMb.map((_, i) => `server ${i + 1} **${perK(i).toFixed(1)} MB**`).join(', ')}${Number.isFinite(rssLast.brokerMb) ? `; Mosquitto ${(((rssLast.brokerMb - rssFirst.brokerMb) / Math.max(1, rssLast.devices)) * 1000).toFixed(1)} MB` : ''}. After the authorization phase: ${r.rssAfterAuth.map((v) => `${v.toFixed(0)} MB`).join(' / ')}.`,
    '',
    ...(s
      ? [
          '### Connect storm (broker restart with every device connected)',
          '',
          '| | |',
          '| --- | --- |',
          `| broker stopped (SIGTERM) / listening again | ${n(s.stoppedMs)} ms / ${n(s.upMs)} ms after the stop began |`,
          `| devices back (connected, subscribed, online status acknowledged) | ${n(s.devicesBack)} of ${n(s.devices)}; all back ${s.devicesBackMs === null ? `not within ${s.limitS} s` : `after ${(s.devicesBackMs / 1000).toFixed(1)} s`} |`,
          `| each device back after (s) | p50 ${ms(s.backLatency.p50 / 1000)}, p95 ${ms(s.backLatency.p95 / 1000)}, p99 ${ms(s.backLatency.p99 / 1000)}, max ${ms(s.backLatency.max / 1000)} |`,
          `| online status stored by the server (chips.online, last_status_at after the restart) | ${n(s.storedBack)} of ${n(s.devices)}; all ${s.storedBackMs === null ? `not within ${s.limitS} s` : `after ${(s.storedBackMs / 1000).toFixed(1)} s`} |`,
          `| connection attempts | ${n(s.attempts)} |`,
          `| failed attempts by kind | ${counts(s.failures)} |`,
          `| refused (CONNACK, TLS or SUBSCRIBE refusal of a valid certificate: wrong) | ${n(wrong)} |`,
          '',
        ]
      : []),
    '### CPU (average cores in use per phase)',
    '',
    `| phase | s | ${groups.join(' | ')} | other work | steal | machine busy |`,
    `| --- | --- | ${groups.map(() => '---').join(' | ')} | --- | --- | --- |`,
    ...r.cpu.map(
      (c) =>
        `| ${c.phase} | ${c.seconds.toFixed(0)} | ${groups.map((g) => (c.cores[g] ?? NaN).toFixed(2)).join(' | ')} | ${c.other.toFixed(2)} | ${c.steal.toFixed(2)} | ${(c.busyShare * 100).toFixed(0)} % |`,
    ),
    '',
    `Process RSS at the end: ${r.procs.map((p) => `${p.name} ${p.rssMb.toFixed(0)} MB`).join(', ')}.`,
    `Server logs: ${r.serverLog.map((l, i) => `server ${i + 1} ${n(l.errors)} errors, ${n(l.warnings)} warnings${l.sample.length ? ` (${l.sample.map((x) => `“${x}”`).join(' ')})` : ''}`).join('; ')}.`,
    '',
  ];
  const missed: string[] = [];
  const where = (phase: string) => {
    const c = r.cpu.find((x) => x.phase.startsWith(phase));
    if (!c) return '';
    const top = Object.entries(c.cores)
      .concat([['other work on the machine', c.other]])
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v.toFixed(2)}`)
      .join(', ');
    return `${c.phase}: machine ${(c.busyShare * 100).toFixed(0)} % busy of ${r.machine.nproc} cores${c.busyShare >= 0.9 ? ' (CPU-bound)' : ''}; cores by process: ${top}${c.steal > 0.05 ? `; stolen by the hypervisor ${c.steal.toFixed(2)}` : ''}.`;
  };
  if (reached < 20_000)
    missed.push(`20,000 devices: the per-process open-files limit above, not CPU or memory (${where('connect')})`);
  if (!t1 || !t2) missed.push(where('authorization'));
  if (s && !t3) missed.push(where('connect storm'));
  if (missed.length) lines.push('### Where the time goes (targets missed)', '', ...missed.map((m) => `- ${m}`), '');
  lines.push(END);
  return lines.join('\n');
}

/** Rewrites (or appends) the scale17 section of BENCHMARKS.md, leaving every other section as it is. */
export function writeFleetSection(path: string, r: FleetReport): string {
  const block = renderFleet(r);
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  const out =
    a >= 0 && b > a
      ? text.slice(0, a) + block + text.slice(b + END.length)
      : `${text.replace(/\n*$/, '\n\n')}${block}\n`;
  writeFileSync(path, out);
  return block;
}
