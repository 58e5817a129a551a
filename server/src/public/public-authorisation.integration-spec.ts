import { createTestApp, TestApp } from '../../test-support/test-app';
import { activeCode, approvedPermit, at9, bindNewChip } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, demoIds, DemoIds } from '../permits/testing/permit-fixtures';

describe('public scan: is the machine authorised to weld right now?', () => {
  let t: TestApp;
  let ids: DemoIds;
  const clock = new FakeClock(new Date(at9()));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
  });
  afterAll(async () => {
    await t.close();
  });

  const scan = async (machineId: string) =>
    (await t.http.get(`/api/public/codes/${await activeCode(t, machineId)}`)).body.authorisation;

  it('says no without a chip or a permit, yes inside an approved permit window, and no again after it', async () => {
    clock.set(at9());
    expect(await scan(ids.steelMachine1)).toEqual({ authorisedNow: false, permitInForce: false, unlockedNow: false });
    await bindNewChip(t, ids.steelMachine1);
    expect(await scan(ids.steelMachine1)).toEqual({ authorisedNow: false, permitInForce: false, unlockedNow: false });

    await approvedPermit(t, clock, ids);
    clock.set(cst(5, '10:00'));
    expect(await scan(ids.steelMachine1)).toEqual({ authorisedNow: true, permitInForce: true, unlockedNow: false });
    // The permit names machine 1 only.
    expect((await scan(ids.steelMachine2)).authorisedNow).toBe(false);

    clock.set(cst(5, '17:00'));
    expect((await scan(ids.steelMachine1)).authorisedNow).toBe(false);
  });

  it('says no while the enterprise is suspended, even inside the window', async () => {
    clock.set(cst(5, '10:00'));
    const res = await t.http
      .post(`/api/enterprises/${ids.steel}/status`)
      .set(await t.auth('xiayi.regulator'))
      .send({ status: 'suspended', reason: '停产整顿' });
    expect(res.status).toBe(200);
    expect(await scan(ids.steelMachine1)).toMatchObject({ authorisedNow: false, permitInForce: true });
  });
});
