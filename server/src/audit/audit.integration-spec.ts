import { Response } from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { encodeCursor } from '../common/http/keyset-cursor';
import { verifyAuditChain } from './audit-chain';
import { AuditService } from './audit.service';
import { SYSTEM_ACTOR } from '../access/actor';

describe('audit chain', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('records every write with before/after and verifies the chain', async () => {
    const res = await t.http
      .post('/api/regions')
      .set(await t.auth('admin'))
      .send({ code: '411426111', name: '测试乡', level: 'township', parentCode: '411426' });
    expect(res.status).toBe(201);
    const [entry] = await t.ds.query(
      `SELECT * FROM audit_log WHERE entity_type = 'region' AND entity_id = '411426111'`,
    );
    expect(entry.action).toBe('region.create');
    expect(entry.after.name).toBe('测试乡');
    expect(entry.actor_role).toBe('platform_admin');
    const report = await verifyAuditChain(t.ds);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(10);
  });

  it('never appends from a snapshot older than the chain lock: such a transaction is refused, the chain stays whole', async () => {
    const audit = t.app.get(AuditService);
    const entry = (entityId: string) => ({ action: 'region.create' as const, entityType: 'region' as const, entityId });
    const stale = t.ds.createQueryRunner();
    await stale.connect();
    try {
      // A REPEATABLE READ transaction takes its snapshot at its first statement…
      await stale.startTransaction('REPEATABLE READ');
      await stale.query('SELECT 1');
      // …then another transaction appends and commits…
      await t.ds.transaction((em) => audit.record(em, SYSTEM_ACTOR, entry('after-the-snapshot')));
      // …so the newest entry its snapshot shows is not the chain's head: appending would fork the chain.
      await expect(audit.record(stale.manager, SYSTEM_ACTOR, entry('from-the-old-snapshot'))).rejects.toThrow(
        /READ COMMITTED/,
      );
    } finally {
      if (stale.isTransactionActive) await stale.rollbackTransaction();
      await stale.release();
    }
    const report = await verifyAuditChain(t.ds);
    expect(report.ok).toBe(true);
  });

  it('refuses to edit or delete log rows', async () => {
    await expect(t.ds.query(`UPDATE audit_log SET action = 'x' WHERE id = 1`)).rejects.toThrow(/append-only/);
    await expect(t.ds.query(`DELETE FROM audit_log WHERE id = 1`)).rejects.toThrow(/append-only/);
  });

  it('names the first broken link when a row was tampered with behind the trigger', async () => {
    await t.ds.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update');
    const [{ id }] = await t.ds.query(`SELECT id FROM audit_log ORDER BY id OFFSET 3 LIMIT 1`);
    await t.ds.query(`UPDATE audit_log SET after = '{"forged":true}' WHERE id = $1`, [id]);
    await t.ds.query('ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update');
    const report = await verifyAuditChain(t.ds);
    expect(report).toMatchObject({ ok: false, firstBrokenId: String(id), checked: 3 });
  });
});

describe('audit log API', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows each actor only entries within its scope', async () => {
    const [steel] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%恒达%'`);
    const [machinery] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%宏远%'`);
    const all = await t.http.get('/api/audit?pageSize=200').set(await t.auth('admin'));
    expect(all.status).toBe(200);
    const ent = (r: { body: { items: { enterprise_id?: string; enterpriseId?: string }[] } }) =>
      new Set(r.body.items.map((i) => i.enterpriseId ?? null));
    expect(ent(all).has(machinery.id)).toBe(true);

    const township = await t.http.get('/api/audit?pageSize=200').set(await t.auth('huiting.regulator'));
    expect(township.status).toBe(200);
    expect(ent(township).has(steel.id)).toBe(true);
    expect(ent(township).has(machinery.id)).toBe(false);

    const company = await t.http.get('/api/audit?pageSize=200').set(await t.auth('hengda.admin'));
    expect([...ent(company)]).toEqual([steel.id]);

    // Entries of an enterprise that carry no region path of their own are reached through the enterprise
    // (the regulators' second arm), and only by the regulators above that enterprise.
    for (const e of [steel, machinery])
      await t.ds.transaction((em) =>
        t.app.get(AuditService).record(em, SYSTEM_ACTOR, {
          action: 'enterprise.update',
          entityType: 'enterprise',
          entityId: e.id,
          enterpriseId: e.id,
          regionPath: null,
        }),
      );
    const sees = async (user: string, e: { id: string }) => {
      const r = await t.http.get('/api/audit?pageSize=5&entityType=enterprise').set(await t.auth(user));
      expect(r.status).toBe(200);
      return (r.body.items as { entityId: string; action: string }[]).some(
        (i) => i.entityId === e.id && i.action === 'enterprise.update',
      );
    };
    expect(await sees('huiting.regulator', steel)).toBe(true);
    expect(await sees('huiting.regulator', machinery)).toBe(false);
    expect(await sees('xiayi.regulator', machinery)).toBe(true);

    const filtered = await t.http.get(`/api/audit?enterpriseId=${machinery.id}`).set(await t.auth('hengda.admin'));
    expect(filtered.body.total).toBe(0);
  });

  it('names the people and records an entry mentions, so the console never shows their ids', async () => {
    const res = await t.http.get('/api/audit?pageSize=200').set(await t.auth('hengda.admin'));
    type Item = {
      actorUserId: string | null;
      actorName: string | null;
      action: string;
      entityType: string;
      entityId: string;
      names: Record<string, string>;
    };
    const items = res.body.items as Item[];
    const machine = items.find((i) => i.entityType === 'machine' && i.action === 'machine.create');
    expect(machine).toBeDefined();
    const [row] = await t.ds.query('SELECT name, serial_number FROM machines WHERE id = $1', [machine!.entityId]);
    expect(machine!.names[machine!.entityId]).toBe(`${row.name}（${row.serial_number}）`);
    const welder = items.find((i) => i.entityType === 'welder');
    expect(welder!.names[welder!.entityId]).toMatch(/^\S+（\d{4}\*+\d{3}[\dX]）$/);
    // The seeding system has no name; a person who acted has theirs.
    for (const i of items) if (!i.actorUserId) expect(i.actorName).toBeNull();
    const patched = await t.http
      .patch(`/api/machines/${machine!.entityId}`)
      .set(await t.auth('hengda.admin'))
      .send({ name: `${row.name}（已改名）` });
    expect(patched.body.error ?? null).toBeNull();
    const [user] = await t.ds.query(`SELECT id, display_name FROM users WHERE username = 'hengda.admin'`);
    const mine = await t.http.get(`/api/audit?actorUserId=${user.id}`).set(await t.auth('hengda.admin'));
    expect(mine.body.items.length).toBeGreaterThan(0);
    for (const i of mine.body.items as Item[]) expect(i.actorName).toBe(user.display_name);
  });

  it('refuses welders and bad filters', async () => {
    expect((await t.http.get('/api/audit').set(await t.auth('welder.zhang'))).status).toBe(403);
    const bad = await t.http.get('/api/audit?from=yesterday&pageSize=1000').set(await t.auth('admin'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['from', 'pageSize']);
  });

  it('pages by cursor: the same entries as one big page, each once, within the scope on every page', async () => {
    for (const user of ['admin', 'huiting.regulator', 'hengda.admin']) {
      const auth = await t.auth(user);
      const whole = await t.http.get('/api/audit?pageSize=200').set(auth);
      expect(whole.body.nextCursor).toBeNull();
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await t.http.get(`/api/audit?pageSize=3${cursor ? `&cursor=${cursor}` : ''}`).set(auth);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        ids.push(...res.body.items.map((e: { id: string }) => e.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(ids).toEqual(whole.body.items.map((e: { id: string }) => e.id));
      expect(ids.length).toBeGreaterThan(3);
    }
    // A cursor past every entry still shows 恒达's admin only 恒达's.
    const [steel] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%恒达%'`);
    const forged = await t.http
      .get(`/api/audit?pageSize=200&cursor=${encodeCursor({ id: '9223372036854775807' })}`)
      .set(await t.auth('hengda.admin'));
    expect(new Set(forged.body.items.map((e: { enterpriseId: string }) => e.enterpriseId))).toEqual(
      new Set([steel.id]),
    );
    for (const bad of [
      'x',
      encodeCursor({ id: '-1' }),
      encodeCursor({ id: '9223372036854775808' }),
      encodeCursor({ at: '1' }),
    ]) {
      const res = await t.http.get(`/api/audit?cursor=${bad}`).set(await t.auth('admin'));
      expect(res.status).toBe(400);
      expect(res.body.error.fields).toEqual([expect.objectContaining({ field: 'cursor', code: 'isCursor' })]);
    }
  });

  it('verifies the chain over HTTP', async () => {
    const res = await t.http.get('/api/audit/verify').set(await t.auth('xiayi.regulator'));
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect((await t.http.get('/api/audit/verify').set(await t.auth('hengda.admin'))).status).toBe(403);
  });
});
