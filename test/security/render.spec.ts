import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { artifactProblem, renderSecurity, SecurityArtifact, SecurityReport } from './render';
import { ADVERSARIES, EXPECTED_SUITES } from './threat-model';

const REPO_ROOT = join(__dirname, '..', '..');

const artifact = (suite: string, classes: [string, number, number][]): SecurityArtifact => ({
  suite,
  title: `Title of ${suite}`,
  classes: classes.map(([c, tried, refused]) => ({ class: c, tried, refused, notes: `notes of ${c}` })),
});

const report = (over: Partial<SecurityReport> = {}): SecurityReport => ({
  generatedAt: new Date('2026-12-06T02:00:00.000Z'),
  artifacts: [],
  unreadable: [],
  runs: [{ label: 'protocol', command: 'cd protocol && npx jest', exitCode: 0, durationMs: 6_400 }],
  adversaries: ADVERSARIES,
  expected: EXPECTED_SUITES,
  ...over,
});

describe('SECURITY.md renderer', () => {
  it('prints every class of every suite with its counts, per-suite totals and the overall summary', () => {
    const md = renderSecurity(
      report({
        artifacts: [
          artifact('tenant-matrix', [
            ["read of another tenant's record", 130, 130],
            ['anonymous | caller', 96, 95],
          ]),
          artifact('protocol-properties', [['envelope mutated', 900, 900]]),
        ],
      }),
    );
    expect(md).toContain("| read of another tenant's record | 130 | 130 | notes of read of another tenant's record |");
    // A pipe inside a class name must not split the table cell.
    expect(md).toContain('| anonymous \\| caller | 96 | 95 |');
    expect(md).toContain('| **total** | **226** | **225** | |');
    expect(md).toContain('| envelope mutated | 900 | 900 |');
    expect(md).toContain('2 suite(s) reported, 3 attack classes, 1,126 hostile cases tried, 1,125 refused.');
    expect(md).toContain('Generated 2026-12-06T02:00:00.000Z.');
    // Expected suites come in the order of the threat model, whatever order the files were read in.
    expect(md.indexOf('(`protocol-properties`)')).toBeLessThan(md.indexOf('(`tenant-matrix`)'));
  });

  it('names every expected suite that wrote no artifact, and prints suites it does not know', () => {
    const md = renderSecurity(
      report({ artifacts: [artifact('tenant-matrix', [['x', 1, 1]]), artifact('brand-new-suite', [['y', 2, 2]])] }),
    );
    const missing = EXPECTED_SUITES.map((e) => e.id).filter((id) => id !== 'tenant-matrix');
    expect(md).toContain(
      `**Missing suites** (expected, no artifact in this run): ${missing.map((m) => `\`${m}\``).join(', ')}.`,
    );
    for (const id of missing) expect(md).toMatch(new RegExp(`^\\| \`${id}\` \\|`, 'm'));
    expect(md).toContain('### Title of brand-new-suite (`brand-new-suite`)');
    expect(md).toContain('| y | 2 | 2 |');
    expect(md).toContain('Suites: `tenant-matrix`, `api-fuzz` (missing)');
  });

  it('says when every expected suite reported, and flags failed runs and unreadable files', () => {
    const all = EXPECTED_SUITES.map((e) => artifact(e.id, [['c', 1, 1]]));
    const md = renderSecurity(
      report({
        artifacts: all,
        unreadable: [{ file: 'broken.json', problem: 'classes must be an array' }],
        runs: [{ label: 'server integration', command: 'cd server && npx jest', exitCode: 1, durationMs: 61_000 }],
      }),
    );
    expect(md).toContain('- Every expected suite reported.');
    expect(md).not.toContain('## Missing suites');
    expect(md).toContain('**1 suite run(s) failed**');
    expect(md).toContain('| server integration | `cd server && npx jest` | **failed** (exit 1) | 61 s |');
    expect(md).toContain('`broken.json` (classes must be an array)');
  });

  it('marks a render without a run as such', () => {
    const md = renderSecurity(report({ runs: null }));
    expect(md).toContain('without running the suites (`--render-only`)');
    expect(md).not.toContain('## Runs');
  });

  it('renders the API fuzzer summary by input class', () => {
    const md = renderSecurity(
      report({
        apiFuzz: {
          operations: 101,
          requests: 4321,
          durationMs: 88_000,
          byClass: { nulCharacter: { tried: 300, refused4xx: 290, accepted2xx: 10, serverError: 0 } },
          failures: [],
          tablesChanged: [],
          operationsSkipped: ['GET /api/alerts/stream (event stream)'],
        },
      }),
    );
    expect(md).toContain(
      '101 operations of the OpenAPI document, 4,321 requests in 88 s. Server errors: 0; failures: 0; tables changed: 0; writes accepted: 0.',
    );
    expect(md).toContain('| nulCharacter | 300 | 290 | 10 | 0 |');
    expect(md).toContain('Not fuzzed: `GET /api/alerts/stream (event stream)`.');
  });

  it('prints the threat model: each adversary, what they must never do, each defence with where it lives', () => {
    const md = renderSecurity(report());
    for (const a of ADVERSARIES) {
      expect(md).toContain(`### ${a.title}`);
      for (const m of a.mustNot) expect(md).toContain(`- ${m}`);
      for (const d of a.defences) expect(md).toContain(d.where.map((w) => `\`${w}\``).join(', '));
    }
  });

  it('points only at paths that exist, and expects each suite once', () => {
    const paths = ADVERSARIES.flatMap((a) => a.defences.flatMap((d) => d.where.map((w) => w.split(' ')[0])));
    expect(paths.filter((p) => !existsSync(join(REPO_ROOT, p)))).toEqual([]);
    const ids = EXPECTED_SUITES.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const a of ADVERSARIES) for (const s of a.suites) expect(ids).toContain(s);
    for (const e of EXPECTED_SUITES)
      if (/^[\w.-]+\/\S+$/.test(e.source)) expect(existsSync(join(REPO_ROOT, e.source))).toBe(true);
  });
});

describe('artifact format check', () => {
  it('accepts the common format and names what is wrong otherwise', () => {
    expect(
      artifactProblem({ suite: 's', title: 't', classes: [{ class: 'c', tried: 2, refused: 2, notes: '' }] }),
    ).toBeNull();
    expect(artifactProblem([])).toBe('suite must be a non-empty string');
    expect(artifactProblem(null)).toBe('not a JSON object');
    expect(artifactProblem({ suite: 's', title: 't', classes: {} })).toBe('classes must be an array');
    expect(
      artifactProblem({ suite: 's', title: 't', classes: [{ class: 'c', tried: 1, refused: 2, notes: '' }] }),
    ).toBe('classes[0].refused must be a count ≤ tried');
    expect(
      artifactProblem({ suite: 's', title: 't', classes: [{ class: 'c', tried: 1.5, refused: 0, notes: '' }] }),
    ).toBe('classes[0].tried must be a count');
  });
});
