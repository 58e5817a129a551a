import { createTestApp, TestApp } from '../../test-support/test-app';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';

/**
 * 借用 under concurrency: a machine is lent to one borrower at a time, also when the lender's staff (or two
 * browser tabs) record overlapping loans at the same moment. Two stored loans would let both borrowers' welders
 * arm the machine.
 */
describe('machine loans at the same moment', () => {
  let t: TestApp;
  let ids: DemoIds;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t.ds);
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores one of several overlapping loans sent at once and refuses the others with overlapsLoan', async () => {
    const auth = await t.auth('admin');
    const borrowers = [ids.steel, ids.construction];
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        t.http
          .post('/api/machine-loans')
          .set(auth)
          .send({
            machineId: ids.machineryMachine,
            borrowerEnterpriseId: borrowers[i % 2],
            // Every pair overlaps: day 10 08:00 + i h to day 11 08:00 + i h.
            startsAt: cst(10, `${String(8 + i).padStart(2, '0')}:00`),
            endsAt: cst(11, `${String(8 + i).padStart(2, '0')}:00`),
          }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const a of answers.filter((x) => x.status === 409))
      expect(a.body.error.fields).toEqual([expect.objectContaining({ field: 'startsAt', code: 'overlapsLoan' })]);
    const [{ n }] = await t.ds.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM machine_loans WHERE machine_id = $1 AND revoked_at IS NULL`,
      [ids.machineryMachine],
    );
    expect(n).toBe(1);
  });
});
