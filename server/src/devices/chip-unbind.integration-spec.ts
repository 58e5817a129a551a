import { formatChipLabel, generateChipKeyPair, makeConnectToken, parseChipLabel } from '@arcgate/protocol';
import mqtt, { IClientOptions, MqttClient } from 'mqtt';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { at9, bindNewChip, waitUntil } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { BrokerAuth } from './broker-auth';
import { ChipUnboundListener } from './chip-unbound-listener';
import { ChipsService } from './chips.service';
import { DeviceGateway } from './device-gateway';

type FieldErr = { field: string; code: string };
const fieldCodes = (body: { error?: { fields?: FieldErr[] } }) =>
  (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);

/**
 * Unbinding and replacing a chip (issue 14 §3): a reason is required and audited, and the old chip's
 * credentials stop working at once, on this replica, on others (the unbind NOTIFY), and for a
 * session that is already connected to the embedded broker.
 */
describe('chip unbind and replace', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let chips: ChipsService;
  const clients: MqttClient[] = [];

  beforeAll(async () => {
    t = await createTestApp({ clock, broker: 'embedded' });
    ids = await demoIds(t.ds);
    chips = t.app.get(ChipsService);
    await t.app.get(DeviceGateway).ready();
    await waitUntil(async () => t.app.get(ChipUnboundListener).listening, 5000, 'unbind listener');
  });
  afterAll(async () => {
    for (const c of clients) await c.endAsync(true).catch(() => undefined);
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.endAsync(true).catch(() => undefined);
    for (const m of [ids.steelMachine1, ids.steelMachine2]) {
      const res = await unbind('hengda.admin', m, { reason: 'other', note: '测试清理' });
      if (res.status !== 204) throw new Error(`unbind: ${res.status}`);
    }
  });

  const unbind = async (user: string, machineId: string, body: object) =>
    t.http
      .post(`/api/machines/${machineId}/chip/unbind`)
      .set(await t.auth(user))
      .send(body);
  const replace = async (user: string, machineId: string, body: object) =>
    t.http
      .post(`/api/machines/${machineId}/chip/replace`)
      .set(await t.auth(user))
      .send(body);
  const connect = async (chip: ReturnType<typeof generateChipKeyPair>, opts: IClientOptions = {}) => {
    const c = await mqtt.connectAsync(t.config.mqtt.url, {
      reconnectPeriod: 0,
      connectTimeout: 5000,
      clientId: chip.chip,
      username: chip.chip,
      password: makeConnectToken(chip.privateKey, clock.now()),
      ...opts,
    });
    clients.push(c);
    return c;
  };
  const audit = (machineId: string, action: string) =>
    t.ds.query(
      `SELECT before, after FROM audit_log WHERE entity_id = $1 AND action = $2 ORDER BY occurred_at DESC, id DESC`,
      [machineId, action],
    );

  it('requires a reason from the list, and a note when the reason is "other"', async () => {
    await bindNewChip(t, ids.steelMachine1);
    const none = await unbind('hengda.admin', ids.steelMachine1, {});
    expect(none.status).toBe(400);
    expect(fieldCodes(none.body)).toContain('reason:isIn');
    const unknown = await unbind('hengda.admin', ids.steelMachine1, { reason: 'bored' });
    expect(fieldCodes(unknown.body)).toContain('reason:isIn');
    const bare = await unbind('hengda.admin', ids.steelMachine1, { reason: 'other', note: '   ' });
    expect(bare.status).toBe(400);
    expect(fieldCodes(bare.body)).toContain('note:isNotEmpty');
    const long = await unbind('hengda.admin', ids.steelMachine1, { reason: 'chip_lost', note: '长'.repeat(501) });
    expect(fieldCodes(long.body)).toContain('note:maxLength');
    const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [ids.steelMachine1]);
    expect(m.chip_id).not.toBeNull();
  });

  it('unbinds with the reason and note in the audit trail, readable by the enterprise as the machine history', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const res = await unbind('hengda.safety', ids.steelMachine1, { reason: 'chip_damaged', note: '外壳破裂' });
    expect(res.status).toBe(204);
    const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [ids.steelMachine1]);
    expect(m.chip_id).toBeNull();
    const [c] = await t.ds.query('SELECT machine_id, unbound_at FROM chips WHERE chip_id = $1', [chip.chip]);
    expect(c.machine_id).toBeNull();
    expect(c.unbound_at).not.toBeNull();
    const [entry] = await audit(ids.steelMachine1, 'machine.chip.unbind');
    expect(entry).toMatchObject({
      before: { chipId: chip.chip },
      after: { chipId: null, reason: 'chip_damaged', note: '外壳破裂' },
    });
    const history = await t.http
      .get('/api/audit')
      .query({ entityType: 'machine', entityId: ids.steelMachine1 })
      .set(await t.auth('hengda.admin'));
    expect(history.status).toBe(200);
    expect(history.body.items.map((i: { action: string }) => i.action)).toEqual(
      expect.arrayContaining(['machine.chip.unbind', 'machine.chip.bind']),
    );
  });

  it('replaces a chip in one step: old unbound with its reason, new bound; both audited', async () => {
    const old = await bindNewChip(t, ids.steelMachine1);
    const next = generateChipKeyPair();
    const res = await replace('hengda.admin', ids.steelMachine1, {
      chipId: next.chip,
      publicKey: next.publicKeyRaw,
      reason: 'chip_faulty',
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ chipId: next.chip, publicKey: next.publicKeyRaw });
    const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [ids.steelMachine1]);
    expect(m.chip_id).toBe(next.chip);
    const [unbound] = await audit(ids.steelMachine1, 'machine.chip.unbind');
    expect(unbound).toMatchObject({
      before: { chipId: old.chip },
      after: { chipId: null, reason: 'chip_faulty', note: null, replacedBy: next.chip },
    });
    const [bound] = await audit(ids.steelMachine1, 'machine.chip.bind');
    expect(bound).toMatchObject({ before: { chipId: null }, after: { chipId: next.chip } });
    // The old chip can be bound elsewhere now; the new one cannot.
    const elsewhere = await t.http
      .post(`/api/machines/${ids.steelMachine2}/chip`)
      .set(await t.auth('hengda.admin'))
      .send({ chipId: next.chip, publicKey: next.publicKeyRaw });
    expect(elsewhere.body.error?.code).toBe('CHIP_BOUND_ELSEWHERE');
    const oldElsewhere = await t.http
      .post(`/api/machines/${ids.steelMachine2}/chip`)
      .set(await t.auth('hengda.admin'))
      .send({ chipId: old.chip, publicKey: old.publicKeyRaw });
    expect(oldElsewhere.status).toBe(200);
  });

  it('refuses replacing where there is nothing to replace, with the same chip, a label whose halves differ, or a chip in use', async () => {
    const next = generateChipKeyPair();
    const nothing = await replace('hengda.admin', ids.steelMachine1, {
      chipId: next.chip,
      publicKey: next.publicKeyRaw,
      reason: 'chip_faulty',
    });
    expect(nothing.status).toBe(409);
    expect(nothing.body.error.code).toBe('MACHINE_HAS_NO_CHIP');
    const cur = await bindNewChip(t, ids.steelMachine1);
    const same = await replace('hengda.admin', ids.steelMachine1, {
      chipId: cur.chip,
      publicKey: cur.publicKeyRaw,
      reason: 'chip_faulty',
    });
    expect(fieldCodes(same.body)).toEqual(['chipId:sameChip']);
    const other = generateChipKeyPair();
    const mixed = await replace('hengda.admin', ids.steelMachine1, {
      chipId: other.chip,
      publicKey: next.publicKeyRaw,
      reason: 'chip_faulty',
    });
    expect(fieldCodes(mixed.body)).toEqual(['chipId:chipIdMismatch']);
    const inUse = await bindNewChip(t, ids.steelMachine2);
    const taken = await replace('hengda.admin', ids.steelMachine1, {
      chipId: inUse.chip,
      publicKey: inUse.publicKeyRaw,
      reason: 'chip_faulty',
    });
    expect(taken.body.error.code).toBe('CHIP_BOUND_ELSEWHERE');
    // Nothing changed by the refusals.
    const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [ids.steelMachine1]);
    expect(m.chip_id).toBe(cur.chip);
  });

  it('keeps other enterprises (404), regulators and welders (403) away from unbinding and replacing', async () => {
    // 宏远's machine, chipped by the platform admin: 恒达 must not see it.
    const foreign = generateChipKeyPair();
    const bound = await t.http
      .post(`/api/machines/${ids.machineryMachine}/chip`)
      .set(await t.auth('admin'))
      .send({ chipId: foreign.chip, publicKey: foreign.publicKeyRaw });
    expect(bound.status).toBe(200);
    const chip = await bindNewChip(t, ids.steelMachine1);
    const next = generateChipKeyPair();
    const body = { chipId: next.chip, publicKey: next.publicKeyRaw, reason: 'chip_faulty' };
    try {
      expect((await unbind('hengda.admin', ids.machineryMachine, { reason: 'chip_faulty' })).status).toBe(404);
      expect((await replace('hengda.admin', ids.machineryMachine, body)).status).toBe(404);
      for (const user of ['xiayi.regulator', 'welder.zhang']) {
        expect((await unbind(user, ids.steelMachine1, { reason: 'chip_faulty' })).status).toBe(403);
        expect((await replace(user, ids.steelMachine1, body)).status).toBe(403);
      }
      const rows = await t.ds.query('SELECT id, chip_id FROM machines WHERE id = ANY($1) ORDER BY id', [
        [ids.steelMachine1, ids.machineryMachine],
      ]);
      expect(Object.fromEntries(rows.map((r: { id: string; chip_id: string }) => [r.id, r.chip_id]))).toEqual({
        [ids.steelMachine1]: chip.chip,
        [ids.machineryMachine]: foreign.chip,
      });
    } finally {
      await unbind('admin', ids.machineryMachine, { reason: 'other', note: '测试清理' });
    }
  });

  it('binds from a scanned label as the protocol reads it', async () => {
    const chip = generateChipKeyPair();
    const label = parseChipLabel(formatChipLabel(chip.publicKey));
    if (!label.ok) throw new Error('label');
    const res = await t.http
      .post(`/api/machines/${ids.steelMachine1}/chip`)
      .set(await t.auth('hengda.admin'))
      .send({ chipId: label.chipId, publicKey: label.publicKey });
    expect(res.status).toBe(200);
    expect(res.body.chipId).toBe(chip.chip);
  });

  it('shuts the old chip out at once: cached binding dropped, live session closed, next CONNECT refused', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const session = await connect(chip);
    const closed = new Promise<void>((resolve) => session.once('close', () => resolve()));
    // Warm the cache the broker and the gateway read.
    expect(await chips.findBoundByChipId(chip.chip)).toMatchObject({ machineId: ids.steelMachine1 });
    expect(await unbind('hengda.admin', ids.steelMachine1, { reason: 'chip_lost' })).toMatchObject({ status: 204 });
    expect(await chips.findBoundByChipId(chip.chip)).toBeNull();
    await Promise.race([
      closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('session not closed')), 3000)),
    ]);
    const refused = await connect(chip).then(
      () => null,
      (e: Error) => e,
    );
    expect(refused).not.toBeNull();
    const auth = await t.app.get(BrokerAuth).authenticate({
      clientId: chip.chip,
      username: chip.chip,
      password: makeConnectToken(chip.privateKey, clock.now()),
      via: 'http',
    });
    expect(auth).toMatchObject({ ok: false, reason: 'unregistered_chip' });
  });

  it('an unbind written elsewhere (another replica, SQL) reaches the cache by NOTIFY long before it would expire', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const warmedAt = Date.now();
    expect(await chips.findBoundByChipId(chip.chip)).not.toBeNull();
    // Not through this replica's service: only the trigger's NOTIFY can tell the cache.
    await t.ds.query(`UPDATE machines SET chip_id = NULL WHERE id = $1`, [ids.steelMachine1]);
    await waitUntil(async () => (await chips.findBoundByChipId(chip.chip)) === null, 1500, 'cache dropped');
    // While listening the cache keeps a binding for minutes (and at most 2 s otherwise): seen as unbound
    // before 2 s, so it was the NOTIFY.
    expect(Date.now() - warmedAt).toBeLessThan(2000);
  });

  it('a bound machine moved to another enterprise elsewhere (SQL) reaches the cache by NOTIFY; the chip stays connected', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const unbound: string[] = [];
    chips.onUnbound((c) => unbound.push(c));
    expect(await chips.findBoundByChipId(chip.chip)).toMatchObject({ enterpriseId: ids.steel });
    await t.ds.query(`UPDATE machines SET enterprise_id = $2 WHERE id = $1`, [ids.steelMachine1, ids.machinery]);
    try {
      await waitUntil(
        async () => (await chips.findBoundByChipId(chip.chip))?.enterpriseId === ids.machinery,
        1500,
        'cached binding moved',
      );
      // A move is not an unbind: no session ended, no CRL entry.
      expect(unbound).toEqual([]);
    } finally {
      await t.ds.query(`UPDATE machines SET enterprise_id = $2 WHERE id = $1`, [ids.steelMachine1, ids.steel]);
    }
  });
});
