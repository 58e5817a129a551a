/**
 * `npm run security`: runs every adversarial suite of the repository, then writes SECURITY.md from
 * the counts they recorded. Options:
 *   --render-only            do not run anything; render from the artifacts already present
 *   SECURITY_OUTPUT=<path>   where the report goes (default SECURITY.md at the repository root)
 * Exits non-zero when a suite run failed (the report is still written, and says so).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ApiFuzzSummary, artifactProblem, renderSecurity, SecurityArtifact, SuiteRun } from './render';
import { ADVERSARIAL_FILE_PATTERN, ADVERSARIES, EXPECTED_SUITES } from './threat-model';

const REPO_ROOT = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) if (existsSync(join(dir, 'nx.json'))) return dir;
  return resolve(__dirname, '..', '..');
})();
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');
const SECURITY_DIR = join(ARTIFACTS, 'security');

/** One jest run per package and project, each limited to the adversarial files. */
const RUNS: { label: string; cwd: string; args: string[] }[] = [
  {
    label: 'protocol',
    cwd: 'protocol',
    args: ['jest', '--passWithNoTests', '--testPathPatterns', ADVERSARIAL_FILE_PATTERN],
  },
  {
    label: 'device-agent',
    cwd: 'device-agent',
    args: ['jest', '--passWithNoTests', '--testPathPatterns', ADVERSARIAL_FILE_PATTERN],
  },
  {
    label: 'firmware-sim',
    cwd: 'firmware-sim',
    args: ['jest', '--passWithNoTests', '--testPathPatterns', ADVERSARIAL_FILE_PATTERN],
  },
  {
    label: 'server unit',
    cwd: 'server',
    args: ['jest', '--selectProjects', 'unit', '--passWithNoTests', '--testPathPatterns', ADVERSARIAL_FILE_PATTERN],
  },
  {
    label: 'server integration',
    cwd: 'server',
    args: [
      'jest',
      '--selectProjects',
      'integration',
      '--passWithNoTests',
      '--testPathPatterns',
      ADVERSARIAL_FILE_PATTERN,
    ],
  },
  {
    label: 'cross-component',
    cwd: 'test',
    args: ['jest', '--passWithNoTests', '--testPathPatterns', ADVERSARIAL_FILE_PATTERN],
  },
];

function runSuites(): SuiteRun[] {
  // Only this run's figures: a stale artifact of a suite that no longer runs must not be reported.
  rmSync(SECURITY_DIR, { recursive: true, force: true });
  rmSync(join(ARTIFACTS, 'api-fuzz-summary.json'), { force: true });
  const runs: SuiteRun[] = [];
  for (const r of RUNS) {
    const started = Date.now();
    const command = `cd ${r.cwd} && npx ${r.args.map((a) => (/[|()]/.test(a) ? `'${a}'` : a)).join(' ')}`;
    console.log(`\n== ${r.label}: ${command}`);
    const res = spawnSync('npx', r.args, { cwd: join(REPO_ROOT, r.cwd), stdio: 'inherit', env: process.env });
    runs.push({ label: r.label, command, exitCode: res.status, durationMs: Date.now() - started });
  }
  return runs;
}

function readArtifacts(): { artifacts: SecurityArtifact[]; unreadable: { file: string; problem: string }[] } {
  const artifacts: SecurityArtifact[] = [];
  const unreadable: { file: string; problem: string }[] = [];
  const files = existsSync(SECURITY_DIR)
    ? readdirSync(SECURITY_DIR)
        .filter((f) => f.endsWith('.json'))
        .sort()
    : [];
  for (const file of files) {
    try {
      const value = JSON.parse(readFileSync(join(SECURITY_DIR, file), 'utf8')) as unknown;
      const problem = artifactProblem(value);
      if (problem) unreadable.push({ file, problem });
      else artifacts.push(value as SecurityArtifact);
    } catch (e) {
      unreadable.push({ file, problem: (e as Error).message });
    }
  }
  return { artifacts, unreadable };
}

function main(): void {
  const renderOnly = process.argv.includes('--render-only');
  const runs = renderOnly ? null : runSuites();
  mkdirSync(SECURITY_DIR, { recursive: true });
  const { artifacts, unreadable } = readArtifacts();
  const fuzzFile = join(ARTIFACTS, 'api-fuzz-summary.json');
  const apiFuzz = existsSync(fuzzFile) ? (JSON.parse(readFileSync(fuzzFile, 'utf8')) as ApiFuzzSummary) : undefined;
  const output = process.env.SECURITY_OUTPUT ?? join(REPO_ROOT, 'SECURITY.md');
  writeFileSync(
    output,
    renderSecurity({
      generatedAt: new Date(),
      artifacts,
      unreadable,
      apiFuzz,
      runs,
      adversaries: ADVERSARIES,
      expected: EXPECTED_SUITES,
    }),
  );
  const missing = EXPECTED_SUITES.filter((e) => !artifacts.some((a) => a.suite === e.id)).map((e) => e.id);
  console.log(
    `\nWrote ${output}: ${artifacts.length} suites${missing.length ? `, missing: ${missing.join(', ')}` : ''}.`,
  );
  if (runs?.some((r) => r.exitCode !== 0)) process.exitCode = 1;
}

main();
