import { createTestApp, TestApp } from '../../../test-support/test-app';
import { demoIds, DemoIds } from '../../permits/testing/permit-fixtures';
import { cappedCount, COUNT_CAP } from './capped-count';

/** Issue 19: lists count up to a cap (totalCapped), and decisions are scoped by their own region_path / enterprise_id. */
describe('capped counts and own-column scope', () => {
  let t: TestApp;
  let ids: DemoIds;
  const insertDecisions = async (machineId: string, n: number, tag: string) =>
    t.ds.query(
      `INSERT INTO decisions (id, at, source, chip_id, machine_id, enterprise_id, region_path, welder_id, allowed, reason, request_id, nonce, latency_ms)
       SELECT gen_random_uuid(), timestamptz '2026-01-05T01:00:00Z' + s * interval '1 second', 'device', NULL, m.id, e.id, e.region_path, NULL, false,
              'PERMIT_REQUIRED', $3 || s, md5($3 || s), 3
       FROM machines m JOIN enterprises e ON e.id = m.enterprise_id, generate_series(1, $2::int) s WHERE m.id = $1`,
      [machineId, n, tag],
    );

  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t.ds);
    await insertDecisions(ids.steelMachine1, 25, 'steel-');
    await insertDecisions(ids.machineryMachine, COUNT_CAP + 50, 'many-');
  });
  afterAll(async () => {
    await t.close();
  });

  const decisions = async (user: string, query: string) => t.http.get(`/api/decisions${query}`).set(await t.auth(user));

  it('counts exactly below the cap and stops at it above', async () => {
    const qb = () =>
      t.ds.createQueryBuilder().from('decisions', 'd').where("d.request_id LIKE 'steel-%'").orderBy('d.at', 'DESC');
    expect(await cappedCount(qb(), 100)).toEqual({ total: 25, capped: false });
    expect(await cappedCount(qb(), 25)).toEqual({ total: 25, capped: false });
    expect(await cappedCount(qb(), 24)).toEqual({ total: 24, capped: true });
    expect(await cappedCount(qb().offset(20).limit(5), 10)).toEqual({ total: 10, capped: true });
  });

  it('answers an exact total for a small list and a capped one for a large list, pages still distinct', async () => {
    const small = await decisions('admin', `?machineId=${ids.steelMachine1}`);
    expect(small.status).toBe(200);
    expect(small.body).toMatchObject({ total: 25, totalCapped: false });

    const first = await decisions('admin', `?machineId=${ids.machineryMachine}&pageSize=200`);
    expect(first.body).toMatchObject({ total: COUNT_CAP, totalCapped: true, page: 1, pageSize: 200 });
    const second = await decisions('admin', `?machineId=${ids.machineryMachine}&pageSize=200&page=2`);
    const at = (r: { body: { items: { at: string; id: string }[] } }) => r.body.items.map((d) => d.at);
    expect(first.body.items).toHaveLength(200);
    expect(second.body.items).toHaveLength(200);
    // Newest first across the page boundary, no row twice.
    const all = [...at(first), ...at(second)];
    expect([...all].sort().reverse()).toEqual(all);
    expect(new Set([...first.body.items, ...second.body.items].map((d: { id: string }) => d.id)).size).toBe(400);
  });

  it("scopes decisions by the row's own region_path and enterprise_id", async () => {
    const q = `?machineId=${ids.steelMachine1}`;
    expect((await decisions('xiayi.regulator', q)).body.total).toBe(25);
    expect((await decisions('huiting.regulator', q)).body.total).toBe(25);
    expect((await decisions('hengda.admin', q)).body.total).toBe(25);
    // 宏远 lies in 夏邑 outside 会亭镇: not the township's, and not 恒达's admin's.
    const other = `?machineId=${ids.machineryMachine}`;
    expect((await decisions('xiayi.regulator', other)).body).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect((await decisions('huiting.regulator', other)).body.total).toBe(0);
    expect((await decisions('hengda.admin', other)).body.total).toBe(0);
  });
});
