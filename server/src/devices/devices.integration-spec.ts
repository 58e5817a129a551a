import { chipIdFromPublicKey, generateChipKeyPair, publicKeyToBase64Url } from '@arcgate/protocol';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { DEMO_ENTERPRISES, DEMO_MACHINES } from '../seed/demo-data';
import { brokerHookSecret } from './broker-auth';

type FieldErr = { field: string; code: string };
const fieldCodes = (body: { error?: { fields?: FieldErr[] } }) =>
  (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);

describe('devices: chip binding and broker HTTP hooks', () => {
  let t: TestApp;
  const mach: Record<string, string> = {};
  const STEEL_ARC = DEMO_MACHINES[0].serialNumber;
  const STEEL_CO2 = DEMO_MACHINES[1].serialNumber;
  const STEEL_GAS = DEMO_MACHINES[2].serialNumber;
  const MACHINERY_SPOT = DEMO_MACHINES[3].serialNumber;

  beforeAll(async () => {
    t = await createTestApp();
    for (const m of await t.ds.query('SELECT id, serial_number FROM machines')) mach[m.serial_number] = m.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const bind = async (user: string, machineId: string, body: object) =>
    t.http
      .post(`/api/machines/${machineId}/chip`)
      .set(await t.auth(user))
      .send(body);
  const unbind = async (user: string, machineId: string) =>
    t.http
      .post(`/api/machines/${machineId}/chip/unbind`)
      .set(await t.auth(user))
      .send({ reason: 'chip_faulty' });

  describe('binding', () => {
    const chip = generateChipKeyPair();

    it('binds a chip to a machine of the own enterprise, audited, and shows it as the device', async () => {
      const res = await bind('hengda.admin', mach[STEEL_ARC], { chipId: chip.chip, publicKey: chip.publicKeyRaw });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        machineId: mach[STEEL_ARC],
        chipId: chip.chip,
        publicKey: chip.publicKeyRaw,
        online: false,
        lastSeq: 0,
        recentEvents: [],
      });
      const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [mach[STEEL_ARC]]);
      expect(m.chip_id).toBe(chip.chip);
      const [c] = await t.ds.query('SELECT machine_id, public_key, bound_by FROM chips WHERE chip_id = $1', [
        chip.chip,
      ]);
      expect(c).toMatchObject({ machine_id: mach[STEEL_ARC], public_key: chip.publicKeyRaw });
      expect(c.bound_by).toBeTruthy();
      const audit = await t.ds.query(
        `SELECT action, before, after FROM audit_log WHERE entity_id = $1 AND action = 'machine.chip.bind'`,
        [mach[STEEL_ARC]],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].after).toMatchObject({ chipId: chip.chip });

      const device = await t.http.get(`/api/machines/${mach[STEEL_ARC]}/device`).set(await t.auth('huiting.regulator'));
      expect(device.status).toBe(200);
      expect(device.body.chipId).toBe(chip.chip);
      // Out of scope: 404, not 403, so existence does not leak.
      expect(
        (await t.http.get(`/api/machines/${mach[MACHINERY_SPOT]}/device`).set(await t.auth('hengda.admin'))).status,
      ).toBe(404);
    });

    it('binding the same chip to the same machine again changes nothing', async () => {
      const res = await bind('hengda.admin', mach[STEEL_ARC], { chipId: chip.chip, publicKey: chip.publicKeyRaw });
      expect(res.status).toBe(200);
      expect(
        (
          await t.ds.query(
            `SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'machine.chip.bind'`,
            [mach[STEEL_ARC]],
          )
        )[0].n,
      ).toBe(1);
    });

    it('refuses a chip id that does not belong to the public key, and malformed keys', async () => {
      const other = generateChipKeyPair();
      const res = await bind('hengda.admin', mach[STEEL_CO2], { chipId: other.chip, publicKey: chip.publicKeyRaw });
      expect(res.status).toBe(400);
      expect(fieldCodes(res.body)).toEqual(['chipId:chipIdMismatch']);
      const bad = await bind('hengda.admin', mach[STEEL_CO2], { chipId: 'X123', publicKey: 'not-a-key', extra: 1 });
      expect(bad.status).toBe(400);
      expect(fieldCodes(bad.body)).toEqual(
        expect.arrayContaining(['chipId:matches', 'publicKey:matches', 'extra:unknownField']),
      );
    });

    it('refuses a chip bound to another machine until it is unbound there', async () => {
      const res = await bind('hengda.admin', mach[STEEL_CO2], { chipId: chip.chip, publicKey: chip.publicKeyRaw });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('CHIP_BOUND_ELSEWHERE');
      // A machine holds one chip: a second chip needs an unbind first.
      const second = generateChipKeyPair();
      const replace = await bind('hengda.admin', mach[STEEL_ARC], {
        chipId: second.chip,
        publicKey: second.publicKeyRaw,
      });
      expect(replace.status).toBe(409);
      expect(replace.body.error.code).toBe('MACHINE_HAS_CHIP');

      expect((await unbind('hengda.admin', mach[STEEL_ARC])).status).toBe(204);
      const [m] = await t.ds.query('SELECT chip_id FROM machines WHERE id = $1', [mach[STEEL_ARC]]);
      expect(m.chip_id).toBeNull();
      const moved = await bind('hengda.admin', mach[STEEL_CO2], { chipId: chip.chip, publicKey: chip.publicKeyRaw });
      expect(moved.status).toBe(200);
      const [c] = await t.ds.query('SELECT machine_id FROM chips WHERE chip_id = $1', [chip.chip]);
      expect(c.machine_id).toBe(mach[STEEL_CO2]);
    });

    it("hides other enterprises' machines (404), keeps regulators out (403) and refuses retired machines", async () => {
      const c = generateChipKeyPair();
      expect(
        (await bind('hengda.admin', mach[MACHINERY_SPOT], { chipId: c.chip, publicKey: c.publicKeyRaw })).status,
      ).toBe(404);
      expect((await unbind('hengda.admin', mach[MACHINERY_SPOT])).status).toBe(404);
      expect(
        (await bind('xiayi.regulator', mach[STEEL_GAS], { chipId: c.chip, publicKey: c.publicKeyRaw })).status,
      ).toBe(403);

      const retire = await t.http
        .post(`/api/machines/${mach[STEEL_GAS]}/status`)
        .set(await t.auth('hengda.admin'))
        .send({ status: 'retired', reason: '报废' });
      expect(retire.status).toBe(200);
      const res = await bind('hengda.admin', mach[STEEL_GAS], { chipId: c.chip, publicKey: c.publicKeyRaw });
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('MACHINE_RETIRED');
    });

    it('gives logged-in users the server key devices verify with', async () => {
      const res = await t.http.get('/api/devices/server-key').set(await t.auth('hengda.admin'));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        algorithm: 'Ed25519',
        publicKey: publicKeyToBase64Url(t.config.secrets.deviceSigningKey),
      });
      expect((await t.http.get('/api/devices/server-key')).status).toBe(401);
    });
  });

  describe('HTTP hooks for external brokers', () => {
    const chip = generateChipKeyPair();
    let secret: string;
    const root = () => t.config.mqtt.topicRoot;

    beforeAll(async () => {
      secret = brokerHookSecret(t.config);
      const machineId = (
        await t.ds.query('SELECT id FROM machines WHERE serial_number = $1', [DEMO_MACHINES[4].serialNumber])
      )[0].id;
      await t.ds.query('UPDATE machines SET chip_id = NULL WHERE id = $1', [machineId]);
      const res = await t.http
        .post(`/api/machines/${machineId}/chip`)
        .set(await t.auth('admin'))
        .send({ chipId: chip.chip, publicKey: chip.publicKeyRaw });
      expect(res.status).toBe(200);
    });

    const hook = (path: string, body: object, s: string | null = secret) => {
      const req = t.http.post(`/api/broker/${path}`);
      return (s === null ? req : req.set('X-Broker-Secret', s)).send(body);
    };

    it('shows the hook secret to platform admins only', async () => {
      const res = await t.http.get('/api/broker/hook-secret').set(await t.auth('admin'));
      expect(res.body).toEqual({ header: 'X-Broker-Secret', value: secret });
      expect((await t.http.get('/api/broker/hook-secret').set(await t.auth('hengda.admin'))).status).toBe(403);
    });

    it('refuses callers without the broker secret', async () => {
      expect(
        (await hook('auth', { username: SERVER_MQTT_USERNAME, password: serverMqttPassword(t.config) }, null)).status,
      ).toBe(401);
      expect((await hook('acl', { username: chip.chip, topic: 'x', action: 'publish' }, 'wrong')).status).toBe(401);
      expect(
        (
          await hook(
            'mosquitto/user',
            { username: SERVER_MQTT_USERNAME, password: serverMqttPassword(t.config) },
            'wrong',
          )
        ).status,
      ).toBe(401);
    });

    it('EMQX format: authenticates the server as superuser and bound chips by connect token', async () => {
      const { makeConnectToken } = await import('@arcgate/protocol');
      expect(
        (await hook('auth', { clientid: 's', username: SERVER_MQTT_USERNAME, password: serverMqttPassword(t.config) }))
          .body,
      ).toEqual({ result: 'allow', is_superuser: true });
      expect((await hook('auth', { clientid: 's', username: SERVER_MQTT_USERNAME, password: 'guess' })).body).toEqual({
        result: 'deny',
        is_superuser: false,
      });
      const ok = await hook('auth', {
        clientid: chip.chip,
        username: chip.chip,
        password: makeConnectToken(chip.privateKey, new Date()),
        peerhost: '10.1.2.3',
      });
      expect(ok.status).toBe(200);
      expect(ok.body).toEqual({ result: 'allow', is_superuser: false });
      const intruder = generateChipKeyPair();
      expect(
        (
          await hook('auth', {
            clientid: chip.chip,
            username: chip.chip,
            password: makeConnectToken(intruder.privateKey, new Date()),
          })
        ).body.result,
      ).toBe('deny');
      const stale = makeConnectToken(chip.privateKey, new Date(Date.now() - 10 * 60_000));
      expect((await hook('auth', { clientid: chip.chip, username: chip.chip, password: stale })).body.result).toBe(
        'deny',
      );
    });

    it('EMQX format: an unknown chip is denied and raises an unregistered-device alert with what it said', async () => {
      const { makeConnectToken } = await import('@arcgate/protocol');
      const stranger = generateChipKeyPair();
      const res = await hook('auth', {
        clientid: stranger.chip,
        username: stranger.chip,
        password: makeConnectToken(stranger.privateKey, new Date()),
        peerhost: '10.9.9.9',
      });
      expect(res.body.result).toBe('deny');
      const [alert] = await t.ds.query(`SELECT type, chip_id, enterprise_id, evidence FROM alerts WHERE chip_id = $1`, [
        stranger.chip,
      ]);
      expect(alert).toMatchObject({ type: 'UNREGISTERED_DEVICE', chip_id: stranger.chip, enterprise_id: null });
      expect(alert.evidence).toMatchObject({
        chipId: stranger.chip,
        event: 'connect',
        via: 'http',
        clientId: stranger.chip,
        remoteAddress: '10.9.9.9',
        claims: { chip: stranger.chip },
      });
    });

    it('EMQX format ACL: a device only its own topics, the server anything', async () => {
      const own = `${root()}/d/${chip.chip}`;
      const other = `${root()}/d/${chipIdFromPublicKey(generateChipKeyPair().publicKey)}`;
      const acl = async (username: string, topic: string, action: string | number) =>
        (await hook('acl', { clientid: username, username, topic, action })).body.result;
      expect(await acl(chip.chip, `${own}/up/events`, 'publish')).toBe('allow');
      expect(await acl(chip.chip, `${own}/status`, 'publish')).toBe('allow');
      expect(await acl(chip.chip, `${own}/down/#`, 'subscribe')).toBe('allow');
      expect(await acl(chip.chip, `${own}/down/arm.grant`, '1')).toBe('allow');
      expect(await acl(chip.chip, `${own}/down/arm.grant`, 'publish')).toBe('deny');
      expect(await acl(chip.chip, `${other}/up/events`, 'publish')).toBe('deny');
      expect(await acl(chip.chip, `${other}/down/#`, 'subscribe')).toBe('deny');
      expect(await acl(chip.chip, `${root()}/d/+/up/#`, 'subscribe')).toBe('deny');
      expect(await acl(chip.chip, `${own}/up/events`, 'delete')).toBe('deny');
      expect(await acl('someone', `${own}/up/events`, 'publish')).toBe('deny');
      expect(await acl(SERVER_MQTT_USERNAME, `$share/arcgate-server/${root()}/d/+/up/#`, 'subscribe')).toBe('allow');
    });

    it('mosquitto-go-auth format: 200 allows, 403 denies', async () => {
      const { makeConnectToken } = await import('@arcgate/protocol');
      const own = `${root()}/d/${chip.chip}`;
      expect(
        (
          await hook('mosquitto/user', {
            username: chip.chip,
            password: makeConnectToken(chip.privateKey, new Date()),
            clientid: chip.chip,
          })
        ).status,
      ).toBe(200);
      expect((await hook('mosquitto/user', { username: chip.chip, password: 'x.y', clientid: chip.chip })).status).toBe(
        403,
      );
      expect((await hook('mosquitto/superuser', { username: SERVER_MQTT_USERNAME })).status).toBe(200);
      expect((await hook('mosquitto/superuser', { username: chip.chip })).status).toBe(403);
      expect(
        (
          await hook('mosquitto/acl', {
            username: chip.chip,
            clientid: chip.chip,
            topic: `${own}/up/arm.request`,
            acc: 2,
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await hook('mosquitto/acl', {
            username: chip.chip,
            clientid: chip.chip,
            topic: `${own}/down/events.ack`,
            acc: 1,
          })
        ).status,
      ).toBe(200);
      expect(
        (await hook('mosquitto/acl', { username: chip.chip, clientid: chip.chip, topic: `${own}/down/#`, acc: 4 }))
          .status,
      ).toBe(200);
      expect(
        (
          await hook('mosquitto/acl', {
            username: chip.chip,
            clientid: chip.chip,
            topic: `${own}/down/events.ack`,
            acc: 3,
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await hook('mosquitto/acl', {
            username: chip.chip,
            clientid: chip.chip,
            topic: `${root()}/d/${DEMO_ENTERPRISES[0].key}/up/events`,
            acc: 2,
          })
        ).status,
      ).toBe(403);
    });
  });
});
