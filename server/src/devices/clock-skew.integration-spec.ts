import { generateChipKeyPair, makeConnectToken } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertType } from '../alerts/alert-type';
import { at9, bindNewChip } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, demoIds } from '../permits/testing/permit-fixtures';
import { BrokerAuth, ConnectAttempt } from './broker-auth';
import { DeviceAlerts } from '../device-core/device-alerts';

const MIN = 60_000;

/**
 * A bound device whose clock is off is refused at CONNECT (fail closed) and raises one aggregated
 * DEVICE_CLOCK_SKEW per chip saying how far off it is; other token failures raise nothing new.
 */
describe('device clock skew at connect', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let machineId: string;
  let auth: BrokerAuth;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    machineId = (await demoIds(t.ds)).steelMachine1;
    auth = t.app.get(BrokerAuth);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));
  afterEach(async () => {
    const res = await t.http
      .post(`/api/machines/${machineId}/chip/unbind`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: 'chip_faulty' });
    if (res.status >= 300 && res.status !== 404) throw new Error(`unbind: ${res.status}`);
  });

  const attempt = (username: string, password: string): ConnectAttempt => ({
    clientId: username,
    username,
    password,
    remoteAddress: '10.7.7.7',
    via: 'embedded',
  });
  const alertsOf = (chipId: string, type = AlertType.DEVICE_CLOCK_SKEW) =>
    t.ds.query(`SELECT * FROM alerts WHERE chip_id = $1 AND type = $2`, [chipId, type]);

  it('refuses tokens 10 min ahead and 10 min behind and raises one DEVICE_CLOCK_SKEW for the chip, counted twice', async () => {
    const chip = await bindNewChip(t, machineId);
    const now = clock.now().getTime();
    const ahead = await auth.authenticate(
      attempt(chip.chip, makeConnectToken(chip.privateKey, new Date(now + 10 * MIN))),
    );
    expect(ahead).toEqual({ ok: false, returnCode: 4, reason: 'bad_token' });
    const [first] = await alertsOf(chip.chip);
    expect(first).toMatchObject({ severity: 'warning', state: 'open', machine_id: machineId, count: 1 });
    expect(first.evidence).toEqual({
      chipId: chip.chip,
      failure: 'not_yet_valid',
      deviceTime: new Date(now + 10 * MIN).toISOString(),
      serverTime: new Date(now).toISOString(),
      skewMs: 10 * MIN,
      remoteAddress: '10.7.7.7',
    });

    const behind = await auth.authenticate(
      attempt(chip.chip, makeConnectToken(chip.privateKey, new Date(now - 10 * MIN))),
    );
    expect(behind).toMatchObject({ ok: false, reason: 'bad_token' });
    await t.app.get(DeviceAlerts).flushRepeats();
    const rows = await alertsOf(chip.chip);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ count: 2 });

    // A token within the window still connects.
    expect(
      await auth.authenticate(attempt(chip.chip, makeConnectToken(chip.privateKey, new Date(now + 4 * MIN)))),
    ).toMatchObject({ ok: true });
  });

  it('a bad signature, a wrong chip or a malformed token is refused without a clock-skew alert', async () => {
    const chip = await bindNewChip(t, machineId);
    const intruder = generateChipKeyPair();
    const skewed = new Date(clock.now().getTime() + 10 * MIN);
    for (const password of [
      makeConnectToken(intruder.privateKey, skewed),
      makeConnectToken(intruder.privateKey, clock.now()),
      'not-a-token',
    ]) {
      expect(await auth.authenticate(attempt(chip.chip, password))).toMatchObject({ ok: false, reason: 'bad_token' });
    }
    await t.app.get(DeviceAlerts).flushRepeats();
    expect(await alertsOf(chip.chip)).toEqual([]);
  });
});
