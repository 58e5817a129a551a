import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { newNonce } from '@arcgate/protocol';
import { DataSource } from 'typeorm';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { verifyAuditChain } from '../audit/audit-chain';
import { AuthorizationService } from '../authorization/authorization.service';
import { activeCode, approvedPermit, at9, bindNewChip } from '../authorization/testing/arm-test-kit';
import { EmbeddedDatabase, startEmbeddedPostgres } from '../bootstrap/embedded-postgres';
import { FakeClock } from '../common/clock/clock';
import { AuditEntry } from '../audit/audit-entry.entity';
import { dataSourceOptions } from '../database/data-source';
import { cst, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { backupFileName, keyFingerprints } from './backup-format';
import { dumpDatabase } from './dump';
import { restoreDatabase } from './restore';

/** The legal records an inspection asks for, and the audit log that vouches for them. */
const LEGAL = ['audit_log', 'permits', 'decisions', 'grants', 'arcs', 'permit_trail'];

describe('backup and restore', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let work: string;
  let target: EmbeddedDatabase | undefined;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const ids = await demoIds(t.ds);
    const permit = await approvedPermit(t, clock, ids);
    const { chip } = await bindNewChip(t, ids.steelMachine1);
    const code = await activeCode(t, ids.zhang);
    clock.set(at9());
    const decisions = t.app.get(AuthorizationService);
    for (let i = 0; i < 3; i++) {
      const at = clock.now();
      const d = await decisions.decide({
        chipId: chip,
        machineId: ids.steelMachine1,
        credential: { kind: 'welder_code', code },
        permitId: permit,
        position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 5, fixAt: at.toISOString() },
        nonce: newNonce(),
        requestId: randomUUID(),
        at,
        source: 'device',
        requestTs: at,
      });
      await t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, welder_id, grant_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, authorized, flags)
         VALUES ($1, $2, $3, $4, $5, $6, $6::timestamptz + interval '90 seconds', 90000, '{"mean":121.5}', '{"mean":24.8}', 900, 10, true, '{}')`,
        [chip, i + 1, ids.steelMachine1, ids.zhang, d.grant!.grantId, at.toISOString()],
      );
      clock.advance(60_000);
    }
    work = mkdtempSync(join(tmpdir(), 'arcgate-backup-'));
  });

  afterAll(async () => {
    await target?.stop();
    await t?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  async function counts(ds: DataSource): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of LEGAL) out[table] = Number((await ds.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
    return out;
  }

  it('restores into a fresh embedded data directory with the audit chain intact and every legal record there', async () => {
    const source = await counts(t.ds);
    expect(source).toMatchObject({ decisions: 3, grants: 3, arcs: 3, permits: 1 });
    expect(source.audit_log).toBeGreaterThan(10);

    const file = join(work, 'backups', backupFileName(new Date()));
    const dumped = await dumpDatabase(t.config.databaseUrl, file, keyFingerprints(t.config.secrets));
    expect(dumped.rows).toMatchObject(source);

    target = await startEmbeddedPostgres(join(work, 'fresh', 'pg'), 0);
    const restored = await restoreDatabase(target.url, file);
    expect(restored.rows).toEqual(dumped.rows);

    const ds = new DataSource(dataSourceOptions(target.url, [AuditEntry]));
    await ds.initialize();
    try {
      expect(await counts(ds)).toEqual(source);
      expect(await verifyAuditChain(ds)).toEqual({ ok: true, checked: source.audit_log });
      // rows are the same rows, not just as many
      const digest = `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS h FROM (SELECT * FROM decisions) t`;
      expect((await ds.query(digest))[0].h).toBe((await t.ds.query(digest))[0].h);
      // sequences continue after the restored rows (no duplicate audit ids on the next write)
      const [{ next }] = await ds.query(`SELECT nextval(pg_get_serial_sequence('audit_log', 'id'))::bigint AS next`);
      const [{ max }] = await ds.query('SELECT max(id)::bigint AS max FROM audit_log');
      expect(Number(next)).toBeGreaterThan(Number(max));
    } finally {
      await ds.destroy();
    }
  });

  it('refuses to overwrite a database that holds data unless forced', async () => {
    const file = join(work, 'again.backup.gz');
    await dumpDatabase(t.config.databaseUrl, file, keyFingerprints(t.config.secrets));
    await expect(restoreDatabase(target!.url, file)).rejects.toThrow(
      /already holds \d+ tables; restoring replaces all of it: run again with --force/,
    );
    const forced = await restoreDatabase(target!.url, file, { force: true });
    expect(forced.rows.decisions).toBe(3);
  });

  it('names a file that is not a backup', async () => {
    const notBackup = join(work, 'not-a-backup.gz');
    writeFileSync(notBackup, gzipSync('{"hello":1}\n'));
    await expect(restoreDatabase(target!.url, notBackup, { force: true })).rejects.toThrow(
      `${notBackup} is not an ArcGate backup (its header has no format)`,
    );
  });
});
