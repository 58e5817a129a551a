import { PreparedStatement } from './prepared-statement';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { HotPathPool } from './hot-path-pool';
import { ReportingPool } from './reporting-pool';

const JIT = new PreparedStatement(`SELECT current_setting('jit') AS jit`);

/** Every pool of the app opens its connections without JIT compilation (common/cpu/session-options.ts). */
describe('session options of the app’s connections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
    t.app.get(HotPathPool).register(JIT);
  });
  afterAll(() => t.close());

  it('turns JIT off on the main, reporting and hot-path pools', async () => {
    expect(await t.ds.query(`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
    expect(await t.app.get(ReportingPool).query(`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
    expect(await t.app.get(HotPathPool).query(JIT, [])).toEqual([{ jit: 'off' }]);
  });
});
