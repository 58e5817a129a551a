import { createTestApp, TestApp } from '../../test-support/test-app';
import { verifyAuditChain } from './audit-chain';

describe('audit chain', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  it('records every write with before/after and verifies the chain', async () => {
    const res = await t.http.post('/api/regions').set(await t.auth('admin')).send({ code: '411426111', name: '测试乡', level: 'township', parentCode: '411426' });
    expect(res.status).toBe(201);
    const [entry] = await t.ds.query(`SELECT * FROM audit_log WHERE entity_type = 'region' AND entity_id = '411426111'`);
    expect(entry.action).toBe('region.create');
    expect(entry.after.name).toBe('测试乡');
    expect(entry.actor_role).toBe('platform_admin');
    const report = await verifyAuditChain(t.ds);
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThan(10);
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
