import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One attack class of an adversarial suite, counted by the test itself. */
export interface SecurityClass {
  class: string;
  tried: number;
  refused: number;
  notes: string;
}

/**
 * Writes test-artifacts/security/<suite>.json at the repository root, the input of `npm run security`
 * (SECURITY.md). One file per test file.
 */
export function writeSecurityArtifact(suite: string, title: string, classes: SecurityClass[], runNote?: string): void {
  const dir = join(__dirname, '..', '..', 'test-artifacts', 'security');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${suite}.json`),
    `${JSON.stringify({ suite, title, ...(runNote ? { run: runNote } : {}), classes }, null, 2)}\n`,
  );
}
