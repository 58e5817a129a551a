import { createTestApp, TestApp } from '../../test-support/test-app';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';

describe('arcs timeline API', () => {
  let t: TestApp;
  let ids: DemoIds;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t.ds);
    const insert = (
      chip: string,
      seq: number,
      machineId: string,
      welderId: string | null,
      startedAt: string,
      authorized: boolean | null,
    ) =>
      t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, welder_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, authorized, flags)
         VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '90 seconds', 90000, '{"mean":121}', '{"mean":24.8}', 900, 10, $6, $7)`,
        [chip, seq, machineId, welderId, startedAt, authorized, authorized === false ? ['no_grant'] : []],
      );
    await insert('CSTEEL00000000000001', 1, ids.steelMachine1, ids.zhang, '2026-01-05T01:00:00Z', true);
    await insert('CSTEEL00000000000001', 2, ids.steelMachine1, null, '2026-01-05T02:00:00Z', false);
    await insert('CMACH000000000000001', 1, ids.machineryMachine, ids.chen, '2026-01-05T03:00:00Z', true);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (user: string, query = '') => t.http.get(`/api/arcs${query}`).set(await t.auth(user));

  it("lists a machine's arcs newest first with their statistics", async () => {
    const res = await list('hengda.admin', `?machineId=${ids.steelMachine1}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items[0]).toMatchObject({
      machineName: '1号车间氩弧焊机',
      authorized: false,
      flags: ['no_grant'],
      durationMs: 90000,
      current: { mean: 121 },
    });
    expect(res.body.items[1]).toMatchObject({ authorized: true, welderId: ids.zhang, welderName: '张伟' });
    expect(res.body.items[0]).toMatchObject({ welderName: null });
  });

  it('keeps each actor to its scope', async () => {
    const machines = async (user: string) =>
      new Set((await list(user, '?pageSize=200')).body.items.map((a: { machineId: string }) => a.machineId));
    expect(await machines('xiayi.regulator')).toEqual(new Set([ids.steelMachine1, ids.machineryMachine]));
    expect(await machines('huiting.regulator')).toEqual(new Set([ids.steelMachine1]));
    expect(await machines('hengda.admin')).toEqual(new Set([ids.steelMachine1]));
    expect((await list('hengda.admin', `?machineId=${ids.machineryMachine}`)).body.total).toBe(0);
    const own = await list('welder.zhang');
    expect(own.body.items.map((a: { welderId: string }) => a.welderId)).toEqual([ids.zhang]);
  });

  it('answers bad filters with field codes', async () => {
    const res = await list('admin', '?machineId=nope&from=yesterday&extra=1');
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`).sort()).toEqual([
      'extra:unknownField',
      'from:isInstant',
      'machineId:isUuid',
    ]);
  });
});
