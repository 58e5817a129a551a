import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The compiled command-line entry points run outside Nest and outside jest (whose setup loads
 * reflect-metadata for every test), so each must load it itself before anything with decorators:
 * `npm run migrate` once crashed with "Reflect.getMetadata is not a function".
 */
const ENTRY_POINTS = [
  'main.ts',
  'database/migrate.ts',
  'audit/verify-chain.cli.ts',
  'backup/backup.cli.ts',
  'backup/restore.cli.ts',
  'devices/pki/broker-config.cli.ts',
];

describe('command-line entry points', () => {
  it.each(ENTRY_POINTS)('%s imports reflect-metadata first', (file) => {
    const firstImport = readFileSync(join(__dirname, '..', file), 'utf8')
      .split('\n')
      .find((l) => l.startsWith('import '));
    expect(firstImport).toBe("import 'reflect-metadata';");
  });
});
