import {
  chmodSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres';
import { packagedInstallation } from './postgres/binaries';
import { ensurePostgresUser, isRoot } from './postgres/run-as';

/**
 * Issue 12: as root in a home directory of mode 0700 (root's home on Debian, most containers) the
 * postgres OS user can reach neither the binaries under node_modules nor DATA_DIR. Reproduced for
 * real: a 0700 "home" holding DATA_DIR and (through a symbolic link) the binaries.
 */
const asRoot = isRoot() ? describe : describe.skip;

asRoot('embedded PostgreSQL as root in a 0700 home', () => {
  let home: string;
  let shared: string;

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'arcgate-home-'));
    chmodSync(home, 0o700);
    shared = mkdtempSync(join(tmpdir(), 'arcgate-shared-'));
    chmodSync(shared, 0o755);
  });

  afterEach(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(shared, { recursive: true, force: true });
  });

  it('starts, runs PostgreSQL as the postgres user, and starts again from the same DATA_DIR', async () => {
    const packaged = packagedInstallation();
    mkdirSync(join(home, 'checkout'));
    symlinkSync(packaged.root, join(home, 'checkout', 'native'));
    const installation = { root: join(home, 'checkout', 'native'), version: `${packaged.version}-test` };
    const dataDir = join(home, '.data', 'pg');
    const user = ensurePostgresUser();

    const db = await startEmbeddedPostgres(dataDir, 0, { installation, sharedRoot: shared });
    try {
      const status = readFileSync(`/proc/${db.pid}/status`, 'utf8');
      expect(status).toMatch(new RegExp(`^Uid:\\s+${user.uid}\\s`, 'm'));
      expect(lstatSync(dataDir).isSymbolicLink()).toBe(true); // the cluster lives where postgres can reach it
      expect(readlinkSync(dataDir).startsWith(join(shared, 'clusters'))).toBe(true);
      const c = new Client({ connectionString: db.url });
      await c.connect();
      await c.query('CREATE TABLE survives (v int); INSERT INTO survives VALUES (7)');
      await c.end();
    } finally {
      await db.stop();
    }

    const again = await startEmbeddedPostgres(dataDir, 0, { installation, sharedRoot: shared });
    try {
      const c = new Client({ connectionString: again.url });
      await c.connect();
      expect((await c.query('SELECT v FROM survives')).rows).toEqual([{ v: 7 }]);
      await c.end();
    } finally {
      await again.stop();
    }
  });

  it('says what to do when an existing cluster sits where the postgres user cannot reach it', async () => {
    const dataDir = join(home, '.data', 'pg');
    mkdirSync(dataDir, { recursive: true });
    // e.g. initialised by a non-root user before the home was closed to others
    writeFileSync(join(dataDir, 'PG_VERSION'), '18\n');
    await expect(startEmbeddedPostgres(dataDir, 0, { sharedRoot: shared })).rejects.toThrow(
      /cannot reach .*\.data\/pg \(a parent directory, e\.g\. root's home, is mode 0700\); move it .* set DATA_DIR there, or run as a non-root user/,
    );
  });
});
