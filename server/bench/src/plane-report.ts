import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { Machine } from './environment';
import { LagSummary, PlaneResult } from './plane';
import { LatencySummary, ms } from './stats';

const PLANE_START = '<!-- plane:start -->';
const PLANE_END = '<!-- plane:end -->';
const n = (v: number) => v.toLocaleString('en-US');
const lat = (l: LatencySummary) => `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} / ${ms(l.max)}`;
const cores = (c: Record<string, number>) =>
  Object.entries(c)
    .filter(([, v]) => v >= 0.02)
    .map(([k, v]) => `${k} ${v.toFixed(2)}`)
    .join(', ') || '—';
const lag = (l: LagSummary | null) =>
  l ? `${n(l.stalls)} stalls > 10 ms, longest ${ms(l.maxMs)} ms, ${(l.share * 100).toFixed(1)} % of the window` : '—';

/** Issue 19's device-plane section: arm-request latency idle and while reporting runs, in one run. */
export function planeSection(r: PlaneResult, machine: Machine, date: string, load?: string): string[] {
  const moved = r.loaded.grantLatency.p99 - r.idle.grantLatency.p99;
  return [
    PLANE_START,
    '### Device plane under reporting load (issue 19)',
    '',
    `Run ${date} on ${machine.nproc} × ${machine.cpuModel}${load ? ` (load average before the run: ${load})` : ''}. A county was added to 夏邑县 by SQL (generate_series, ${r.loadSeconds.toFixed(1)} s; database ${r.databaseSize}): ${n(r.sizes.enterprises)} enterprises over its townships, ${n(r.sizes.machines)} machines, ${n(r.sizes.welders)} welders with certificates (valid, expiring and expired), ${n(r.sizes.arcs)} arcs over 30 days, ${n(r.sizes.alerts)} alerts. Arm requests at ${r.rate}/s for ${r.seconds} s from the bench's devices, first with nothing else running, then while ${r.overviewLoops} clients refresh the overview back to back (county regulator and platform admin alternating) and ${r.exportLoops} clients export the county's machines and welders ledgers (.xlsx, ${n(r.sizes.machines)}+ rows each) back to back.`,
    '',
    `Server: ${r.layout}.`,
    '',
    '| arm requests (grant latency, ms) | answered | p50 | p95 | p99 | max | device event loop |',
    '|---|---|---|---|---|---|---|',
    `| idle | ${n(r.idle.granted)}/${n(r.idle.sent)} | ${ms(r.idle.grantLatency.p50)} | ${ms(r.idle.grantLatency.p95)} | ${ms(r.idle.grantLatency.p99)} | ${ms(r.idle.grantLatency.max)} | ${lag(r.lagIdle)} |`,
    `| with overviews and exports running | ${n(r.loaded.granted)}/${n(r.loaded.sent)} | ${ms(r.loaded.grantLatency.p50)} | ${ms(r.loaded.grantLatency.p95)} | ${ms(r.loaded.grantLatency.p99)} | ${ms(r.loaded.grantLatency.max)} | ${lag(r.lagLoaded)} |`,
    '',
    `CPU (cores, averaged over each window; 2 cores in all): idle ${cores(r.cpuIdle)}; loaded ${cores(r.cpuLoaded)}.`,
    '',
    `p99 moved by ${ms(moved)} ms under the reporting load. The server's own decide time (decisions.latency_ms) p50 / p99: idle ${ms(r.idle.engineLatency.p50)} / ${ms(r.idle.engineLatency.p99)} ms, loaded ${ms(r.loaded.engineLatency.p50)} / ${ms(r.loaded.engineLatency.p99)} ms.`,
    '',
    '| reporting work during the loaded window | requests | failed | p50 / p95 / p99 / max (ms) | first byte p50 / p95 / p99 / max (ms) |',
    '|---|---|---|---|---|',
    `| overview (county, province admin) | ${n(r.overviews.count)} | ${n(r.overviews.failed)} | ${lat(r.overviews.latency)} | — |`,
    `| ledger export (.xlsx, streamed) | ${n(r.exports.count)} | ${n(r.exports.failed)} | ${lat(r.exports.latency)} | ${r.exports.firstByte ? lat(r.exports.firstByte) : '—'} |`,
    '',
    `Alone: the county overview ${ms(r.single.overviewCountedMs)} ms when made (registry and past days from the pre-aggregated census, counted in ${ms(r.single.censusTookMs)} ms by its background job; the rest live), ${ms(r.single.overviewMs)} ms when reused (REPORTING_OVERVIEW_CACHE_S; during the loaded window most refreshes were reused); the county's machines export: first byte ${ms(r.single.exportFirstByteMs)} ms, complete ${ms(r.single.exportMs)} ms, ${(r.single.exportBytes / 1e6).toFixed(1)} MB. Server RSS (all its processes): ${r.rssMb.idle.toFixed(0)} MB before, at most ${r.rssMb.loadedMax.toFixed(0)} MB during the loaded window.`,
    PLANE_END,
  ];
}

/** Rewrites (or adds) the device-plane section of an existing BENCHMARKS.md, leaving the rest. */
export function writePlaneSection(path: string, r: PlaneResult, machine: Machine, date: string, load?: string): void {
  const block = planeSection(r, machine, date, load).join('\n');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '# Benchmarks\n';
  const a = text.indexOf(PLANE_START);
  const b = text.indexOf(PLANE_END);
  let out: string;
  if (a >= 0 && b > a) out = text.slice(0, a) + block + text.slice(b + PLANE_END.length);
  else {
    const at = text.indexOf('### What limited the result');
    out = at >= 0 ? `${text.slice(0, at)}${block}\n\n${text.slice(at)}` : `${text.trimEnd()}\n\n${block}\n`;
  }
  writeFileSync(path, out);
}
