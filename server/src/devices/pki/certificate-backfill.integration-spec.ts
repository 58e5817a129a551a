import { createTestApp, TestApp } from '../../../test-support/test-app';
import { bindNewChip } from '../../authorization/testing/arm-test-kit';
import { Client } from 'pg';
import { DeviceCertificatesRepository } from './device-certificates.repository';
import { DevicePki } from './device-pki.service';

/**
 * The start-up backfill (issue 17 §1): chips bound without a device certificate get one, many per
 * transaction; a chip whose stored key cannot be certified is skipped without costing the others in
 * its transaction theirs, and a chip no machine holds gets none.
 */
describe('device certificate backfill (real database)', () => {
  let t: TestApp;
  let pki: DevicePki;

  beforeAll(async () => {
    t = await createTestApp({});
    pki = t.app.get(DevicePki);
    await pki.backfill(); // whatever the seed left uncertified
  });
  afterAll(() => t.close());

  const current = async (chipId: string): Promise<number> =>
    (
      await t.ds.query(`SELECT count(*)::int AS n FROM device_certificates WHERE chip_id = $1 AND revoked_at IS NULL`, [
        chipId,
      ])
    )[0].n;

  it('certifies every bound chip left without a certificate, skips a bad key and an unbound chip', async () => {
    const machines: { id: string }[] = await t.ds.query(
      `SELECT m.id FROM machines m JOIN users u ON u.enterprise_id = m.enterprise_id
        WHERE u.username = 'hengda.admin' AND m.chip_id IS NULL AND m.status <> 'retired' ORDER BY m.serial_number LIMIT 3`,
    );
    expect(machines).toHaveLength(3);
    const ids: string[] = [];
    for (const m of machines) ids.push((await bindNewChip(t, m.id)).chip);
    // As before the CA existed: bound, no certificate. One key is not an Ed25519 key; one chip's machine let it go.
    await t.ds.query(`DELETE FROM device_certificates WHERE chip_id = ANY($1)`, [ids]);
    await t.ds.query(`UPDATE chips SET public_key = 'bm90LWEta2V5' WHERE chip_id = $1`, [ids[1]]);
    await t.ds.query(`UPDATE machines SET chip_id = NULL WHERE chip_id = $1`, [ids[2]]);

    expect(await pki.backfill()).toBe(1);
    expect(await current(ids[0])).toBe(1);
    expect(await current(ids[1])).toBe(0);
    expect(await current(ids[2])).toBe(0);
    // Nothing left to do: a second run issues nothing more (and tries the bad key once again only).
    expect(await pki.backfill()).toBe(0);
    expect(await current(ids[0])).toBe(1);
  });

  // After the test above: its first chip is bound and certified.
  it('holds a machine against unbinding while certifying it, without holding up a grant for it', async () => {
    const [m]: { id: string; chip_id: string }[] = await t.ds.query(
      `SELECT id, chip_id FROM machines WHERE chip_id IS NOT NULL ORDER BY serial_number LIMIT 1`,
    );
    const other = new Client({ connectionString: t.config.databaseUrl });
    await other.connect();
    try {
      await t.ds.transaction(async (em) => {
        // Certified already, so nothing to issue; the row is held all the same.
        expect(await t.app.get(DeviceCertificatesRepository).lockUncertifiedBoundChip(em, m.chip_id)).toBe(false);
        // What a grant's foreign key takes on its machine: granted at once.
        await other.query('BEGIN');
        await expect(
          other.query(`SELECT 1 FROM machines WHERE id = $1 FOR KEY SHARE NOWAIT`, [m.id]),
        ).resolves.toBeTruthy();
        await other.query('ROLLBACK');
        // What bind/unbind/retire take: refused while the certificate is being issued.
        await other.query('BEGIN');
        await expect(
          other.query(`SELECT 1 FROM machines WHERE id = $1 FOR UPDATE NOWAIT`, [m.id]),
        ).rejects.toMatchObject({
          code: '55P03',
        });
        await other.query('ROLLBACK');
      });
    } finally {
      await other.end();
    }
  });
  it('when a group fails together, certifies its chips one by one: one chip’s failure costs the others nothing', async () => {
    const [{ enterprise_id }] = await t.ds.query(`SELECT enterprise_id FROM users WHERE username = 'hengda.admin'`);
    const machines: { id: string }[] = await t.ds.query(
      `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
       SELECT $1, '补发证书测试焊机' || g, 'electric_arc', '测试厂', 'T-1', 'SN-BACKFILL-' || g, 'registered'
         FROM generate_series(1, 3) g RETURNING id`,
      [enterprise_id],
    );
    const ids: string[] = [];
    for (const m of machines) ids.push((await bindNewChip(t, m.id)).chip);
    await t.ds.query(`DELETE FROM device_certificates WHERE chip_id = ANY($1)`, [ids]);
    // A failure the key check cannot foresee (the database refuses one chip's certificate): its whole group rolls back.
    await t.ds.query(`CREATE FUNCTION backfill_refuses() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.chip_id = '${ids[1]}' THEN RAISE EXCEPTION 'refused for the test'; END IF; RETURN NEW; END $$`);
    await t.ds.query(
      `CREATE TRIGGER backfill_refuses BEFORE INSERT ON device_certificates FOR EACH ROW EXECUTE FUNCTION backfill_refuses()`,
    );
    try {
      expect(await pki.backfill()).toBe(2);
    } finally {
      await t.ds.query(`DROP TRIGGER backfill_refuses ON device_certificates`);
      await t.ds.query(`DROP FUNCTION backfill_refuses()`);
    }
    expect(await current(ids[0])).toBe(1);
    expect(await current(ids[1])).toBe(0);
    expect(await current(ids[2])).toBe(1);
  });
  it('two replicas backfilling at once issue one certificate per chip', async () => {
    const [{ enterprise_id }] = await t.ds.query(`SELECT enterprise_id FROM users WHERE username = 'hengda.admin'`);
    const machines: { id: string }[] = await t.ds.query(
      `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
       SELECT $1, '并发补发测试焊机' || g, 'electric_arc', '测试厂', 'T-1', 'SN-BACKFILL-RACE-' || g, 'registered'
         FROM generate_series(1, 4) g RETURNING id`,
      [enterprise_id],
    );
    const ids: string[] = [];
    for (const m of machines) ids.push((await bindNewChip(t, m.id)).chip);
    await t.ds.query(`DELETE FROM device_certificates WHERE chip_id = ANY($1)`, [ids]);
    // Both replicas list the same chips, then queue on the first chip's machine behind a held lock.
    const first = [...ids].sort()[0];
    const holder = new Client({ connectionString: t.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM machines WHERE chip_id = $1 FOR UPDATE`, [first]);
      const total = async (): Promise<number> =>
        (await t.ds.query(`SELECT count(*)::int AS n FROM device_certificates`))[0].n;
      const before = await total();
      const runs = [pki.backfill(), pki.backfill()];
      const waiting = async (): Promise<number> =>
        (
          await t.ds.query(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
          )
        )[0].n;
      for (let i = 0; i < 200 && (await waiting()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(2);
      await holder.query('COMMIT');
      const [a, b] = await Promise.all(runs);
      // Each run counts what it issued; together they issued what was stored, no chip twice.
      expect(await total()).toBe(before + a + b);
      expect(a + b).toBeGreaterThanOrEqual(ids.length);
    } finally {
      await holder.end();
    }
    for (const chip of ids) expect(await current(chip)).toBe(1);
  });
});
