import { ADVERSARIAL_FILE_PATTERN, Adversary, ExpectedSuite } from './threat-model';

/** test-artifacts/security/<suite>.json, written by each adversarial test file (afterAll). */
export interface SecurityArtifact {
  suite: string;
  title: string;
  run?: string;
  classes: { class: string; tried: number; refused: number; notes: string }[];
}

/** test-artifacts/api-fuzz-summary.json (server/src/common/http/api-fuzz.integration-spec.ts). */
export interface ApiFuzzSummary {
  operations: number;
  requests: number;
  operationsSkipped?: string[];
  byClass: Record<string, { tried: number; refused4xx: number; accepted2xx: number; serverError: number }>;
  failures?: string[];
  tablesChanged?: string[];
  writesAccepted?: string[];
  durationMs?: number;
}

export interface SuiteRun {
  label: string;
  command: string;
  exitCode: number | null;
  durationMs: number;
}

export interface SecurityReport {
  generatedAt: Date;
  artifacts: SecurityArtifact[];
  /** Files that were present but not in the artifact format (named, so they get fixed). */
  unreadable: { file: string; problem: string }[];
  apiFuzz?: ApiFuzzSummary;
  /** Null when only rendered from existing artifacts (npm run security -- --render-only). */
  runs: SuiteRun[] | null;
  adversaries: Adversary[];
  expected: ExpectedSuite[];
}

const n = (x: number) => x.toLocaleString('en-US');
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** Checks one parsed JSON file against the artifact format; returns the problem or null. */
export function artifactProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return 'not a JSON object';
  const v = value as Record<string, unknown>;
  if (typeof v.suite !== 'string' || !v.suite) return 'suite must be a non-empty string';
  if (typeof v.title !== 'string') return 'title must be a string';
  if (!Array.isArray(v.classes)) return 'classes must be an array';
  for (const [i, c] of (v.classes as unknown[]).entries()) {
    const k = c as Record<string, unknown>;
    if (typeof k?.class !== 'string') return `classes[${i}].class must be a string`;
    if (!Number.isInteger(k.tried) || (k.tried as number) < 0) return `classes[${i}].tried must be a count`;
    if (!Number.isInteger(k.refused) || (k.refused as number) < 0 || (k.refused as number) > (k.tried as number))
      return `classes[${i}].refused must be a count ≤ tried`;
    if (typeof k.notes !== 'string') return `classes[${i}].notes must be a string`;
  }
  return null;
}

export function renderSecurity(r: SecurityReport): string {
  const bySuite = new Map(r.artifacts.map((a) => [a.suite, a]));
  const expectedIds = new Set(r.expected.map((e) => e.id));
  const missing = r.expected.filter((e) => !bySuite.has(e.id));
  const extra = r.artifacts.filter((a) => !expectedIds.has(a.suite));
  const totals = r.artifacts
    .flatMap((a) => a.classes)
    .reduce((acc, c) => ({ tried: acc.tried + c.tried, refused: acc.refused + c.refused, classes: acc.classes + 1 }), {
      tried: 0,
      refused: 0,
      classes: 0,
    });
  const failedRuns = (r.runs ?? []).filter((x) => x.exitCode !== 0);
  const out: string[] = [];

  out.push(
    '# ArcGate security',
    '',
    'Produced by `npm run security`: it runs every adversarial test suite of the repository (test files whose path matches',
    `\`${ADVERSARIAL_FILE_PATTERN}\`, in every package), then writes this file from`,
    'the counts each suite recorded in `test-artifacts/security/<suite>.json` and from `test-artifacts/api-fuzz-summary.json`.',
    'Every figure below was counted by a test in that run; none is typed by hand. The threat model and defences come from',
    '`test/security/threat-model.ts`. This file is rewritten on every run.',
    '',
    `Generated ${r.generatedAt.toISOString()}.`,
    '',
    '## Summary',
    '',
    `- ${r.artifacts.length} suite(s) reported, ${totals.classes} attack classes, ${n(totals.tried)} hostile cases tried, ${n(totals.refused)} refused.`,
  );
  if (r.runs)
    out.push(
      failedRuns.length
        ? `- **${failedRuns.length} suite run(s) failed** (see "Runs" below): their counts may include cases that got through.`
        : `- All ${r.runs.length} suite runs passed.`,
    );
  else
    out.push(
      '- Rendered from existing artifacts without running the suites (`--render-only`): the counts are from the last runs that wrote them.',
    );
  if (missing.length)
    out.push(
      `- **Missing suites** (expected, no artifact in this run): ${missing.map((m) => `\`${m.id}\``).join(', ')}.`,
    );
  else out.push('- Every expected suite reported.');
  if (r.unreadable.length)
    out.push(`- **Unreadable artifacts**: ${r.unreadable.map((u) => `\`${u.file}\` (${u.problem})`).join(', ')}.`);
  out.push('');

  out.push('## Threat model', '');
  for (const a of r.adversaries) {
    out.push(
      `### ${a.title}`,
      '',
      `Controls: ${a.controls}.`,
      '',
      'Must never:',
      '',
      ...a.mustNot.map((m) => `- ${m}`),
      '',
      '| defence | where |',
      '| --- | --- |',
    );
    for (const d of a.defences) out.push(`| ${cell(d.what)} | ${d.where.map((w) => `\`${w}\``).join(', ')} |`);
    const evidence = a.suites.map((s) => (bySuite.has(s) ? `\`${s}\`` : `\`${s}\` (missing)`));
    out.push('', `Suites: ${evidence.join(', ')}.`, '');
  }

  out.push(
    '## Counts per suite and class',
    '',
    '"Refused" means the hostile case was turned away (HTTP 4xx, message rejected, verification false, record not shown); how each suite decides is in its notes. Where a class also contains cases that are valid input by chance (e.g. a random field value that happens to be allowed), its notes say so.',
    '',
  );
  const ordered = [...r.expected.map((e) => bySuite.get(e.id)).filter((a): a is SecurityArtifact => !!a), ...extra];
  for (const a of ordered) {
    const source = r.expected.find((e) => e.id === a.suite)?.source;
    out.push(`### ${a.title} (\`${a.suite}\`)`, '');
    if (source) out.push(`Source: \`${source}\`.${a.run ? ` Run: ${a.run}.` : ''}`, '');
    else if (a.run) out.push(`Run: ${a.run}.`, '');
    out.push('| class | tried | refused | notes |', '| --- | ---: | ---: | --- |');
    for (const c of a.classes) out.push(`| ${cell(c.class)} | ${n(c.tried)} | ${n(c.refused)} | ${cell(c.notes)} |`);
    const t = a.classes.reduce((acc, c) => ({ tried: acc.tried + c.tried, refused: acc.refused + c.refused }), {
      tried: 0,
      refused: 0,
    });
    out.push(`| **total** | **${n(t.tried)}** | **${n(t.refused)}** | |`, '');
  }
  if (!ordered.length) out.push('No suite wrote an artifact in this run.', '');

  if (r.apiFuzz) {
    const f = r.apiFuzz;
    out.push(
      '## API fuzzer detail',
      '',
      `${n(f.operations)} operations of the OpenAPI document, ${n(f.requests)} requests${f.durationMs ? ` in ${Math.round(f.durationMs / 1000)} s` : ''}.` +
        ` Server errors: ${Object.values(f.byClass).reduce((s, c) => s + c.serverError, 0)}; failures: ${f.failures?.length ?? 0}; tables changed: ${f.tablesChanged?.length ?? 0}; writes accepted: ${f.writesAccepted?.length ?? 0}.`,
      '',
      '| input class | tried | 4xx | 2xx (reads only) | 5xx |',
      '| --- | ---: | ---: | ---: | ---: |',
      ...Object.entries(f.byClass)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(
          ([k, c]) => `| ${cell(k)} | ${n(c.tried)} | ${n(c.refused4xx)} | ${n(c.accepted2xx)} | ${n(c.serverError)} |`,
        ),
      '',
    );
    if (f.operationsSkipped?.length)
      out.push(`Not fuzzed: ${f.operationsSkipped.map((s) => `\`${s}\``).join(', ')}.`, '');
  }

  if (missing.length) {
    out.push(
      '## Missing suites',
      '',
      'Expected by `test/security/threat-model.ts`, but no `test-artifacts/security/<id>.json` was written in this run:',
      '',
      '| suite | what it covers |',
      '| --- | --- |',
    );
    for (const m of missing) out.push(`| \`${m.id}\` | ${cell(m.source)} |`);
    out.push('');
  }

  if (r.runs) {
    out.push('## Runs', '', '| suites | command | result | time |', '| --- | --- | --- | ---: |');
    for (const x of r.runs)
      out.push(
        `| ${cell(x.label)} | \`${cell(x.command)}\` | ${x.exitCode === 0 ? 'passed' : `**failed** (exit ${x.exitCode ?? 'signal'})`} | ${Math.round(x.durationMs / 1000)} s |`,
      );
    out.push('');
  }
  return out.join('\n');
}
