import { generateChipKeyPair, makeConnectToken, statusTopic } from '@arcgate/protocol';
import mqtt, { IClientOptions } from 'mqtt';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertType } from '../alerts/alert-type';
import { approvedPermit, at9, bindNewChip, FakeDevice, waitUntil } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../mqtt/mqtt-connection';
import { cst, DemoIds, demoIds } from '../permits/testing/permit-fixtures';
import { brokerHookSecret, BrokerAuth } from './broker-auth';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DeviceGateway } from './device-gateway';
import { EMBEDDED_BROKER } from '../mqtt/mqtt.module';
import type Aedes from 'aedes';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

/**
 * Device identity at CONNECT (issue 12): client id = user name = chip id on the embedded broker and
 * through the HTTP hooks of external brokers; one use per connect token across both paths.
 */
describe('broker identity: client id and one-use connect tokens', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let secret: string;
  const open: FakeDevice[] = [];
  // Counts for SECURITY.md (test-artifacts/security/broker-identity.json), tallied as the attempts run.
  const classes = new Map<string, { class: string; tried: number; refused: number; notes: string }>();
  const NOTES: Record<string, string> = {
    'client-id takeover (embedded broker)':
      "a bound chip with a valid token asking for another chip's, an empty or a re-cased client id",
    'connect-token replay (embedded + HTTP hooks)': 'a used token presented again on the same or the other path',
    'client-id mismatch (HTTP hooks)':
      'EMQX and mosquitto-go-auth auth and ACL calls with a foreign, empty or missing clientid',
    'malformed hook bodies': 'text/plain, arrays, strings and null sent to every broker hook',
    'server identity under a chip id': "the server's own credentials with a chip-shaped client id",
    'NUL and lone surrogates at CONNECT':
      'client ids, will topics and token claims with U+0000 or lone surrogates (the alert must still be stored)',
    'foreign will':
      "a last will on another chip's status topic or a non-status topic, at CONNECT and as an orphaned will",
  };
  const tally = (cls: string, refused: boolean) => {
    const c = classes.get(cls) ?? { class: cls, tried: 0, refused: 0, notes: NOTES[cls] };
    c.tried++;
    if (refused) c.refused++;
    classes.set(cls, c);
    return refused;
  };
  const refusedConnect = async (opts: IClientOptions, cls: string): Promise<Error> => {
    const outcome = await raw(opts).then(
      async (c) => {
        await c.endAsync(true);
        return null;
      },
      (e: Error) => e,
    );
    tally(cls, outcome !== null);
    if (!outcome) throw new Error(`${cls}: connection accepted`);
    return outcome;
  };

  beforeAll(async () => {
    t = await createTestApp({ clock, broker: 'embedded' });
    ids = await demoIds(t.ds);
    secret = brokerHookSecret(t.config);
    await t.app.get(DeviceGateway).ready();
  });
  afterAll(async () => {
    writeSecurityArtifact('broker-identity', 'Device identity at broker CONNECT (embedded broker and HTTP hooks)', [
      ...classes.values(),
    ]);
    for (const d of open) await d.close();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));
  afterEach(async () => {
    for (const d of open.splice(0)) await d.close();
    for (const m of [ids.steelMachine1, ids.steelMachine2]) {
      const res = await t.http
        .post(`/api/machines/${m}/chip/unbind`)
        .set(await t.auth('hengda.admin'))
        .send({ reason: 'chip_faulty' });
      if (res.status >= 300 && res.status !== 404) throw new Error(`unbind: ${res.status}`);
    }
  });

  const hook = (path: string, body: unknown, type = 'application/json') =>
    t.http
      .post(`/api/broker/${path}`)
      .set('X-Broker-Secret', secret)
      .set('Content-Type', type)
      .send(typeof body === 'string' ? body : JSON.stringify(body));
  const raw = (opts: IClientOptions) =>
    mqtt.connectAsync(t.config.mqtt.url, { reconnectPeriod: 0, connectTimeout: 5000, ...opts });
  const tokenNow = (key: Parameters<typeof makeConnectToken>[0]) => makeConnectToken(key, clock.now());
  const alertsOf = (type: AlertType, chip: string) =>
    t.ds.query(`SELECT * FROM alerts WHERE type = $1 AND chip_id = $2`, [type, chip]);
  const refusals = async () =>
    (await t.http.get('/api/broker/refusals').set(await t.auth('admin'))).body.refused as Record<string, number>;

  it("refuses a bound chip that asks for another chip's client id: the victim stays connected and online, no offline alert", async () => {
    const permit = await approvedPermit(t, clock, ids);
    const victim = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    open.push(victim);
    await victim.online();
    await waitUntil(
      async () => (await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [victim.chip.chip]))[0]?.online,
      5000,
      'victim online',
    );
    let victimClosed = 0;
    victim.client.on('close', () => victimClosed++);
    const impostor = await bindNewChip(t, ids.steelMachine2);
    const before = await refusals();

    const ATTEMPTS = 6;
    for (let i = 0; i < ATTEMPTS; i++) {
      expect(
        (
          await refusedConnect(
            { clientId: victim.chip.chip, username: impostor.chip, password: tokenNow(impostor.privateKey) },
            'client-id takeover (embedded broker)',
          )
        ).message,
      ).toMatch(/Identifier rejected/i);
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(victimClosed).toBe(0);
    expect(victim.client.connected).toBe(true);
    expect((await t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [victim.chip.chip]))[0].online).toBe(true);
    expect(await alertsOf(AlertType.DEVICE_OFFLINE_DURING_PERMIT, victim.chip.chip)).toHaveLength(0);
    expect(
      await t.ds.query(`SELECT * FROM alerts WHERE permit_id = $1 AND type = 'DEVICE_OFFLINE_DURING_PERMIT'`, [permit]),
    ).toHaveLength(0);

    // One alert against the impostor; the repeats are counted into it.
    await t.app.get(DeviceAlerts).flushRepeats();
    const [alert] = await alertsOf(AlertType.DEVICE_IMPERSONATION, impostor.chip);
    expect(alert).toMatchObject({
      machine_id: ids.steelMachine2,
      enterprise_id: ids.steel,
      severity: 'critical',
      count: ATTEMPTS,
    });
    expect(alert.evidence).toMatchObject({
      chipId: impostor.chip,
      claimedClientId: victim.chip.chip,
      claimedIsBoundChip: true,
      via: 'embedded',
    });
    expect(await alertsOf(AlertType.DEVICE_IMPERSONATION, victim.chip.chip)).toHaveLength(0);
    expect((await refusals()).client_id_mismatch - before.client_id_mismatch).toBe(ATTEMPTS);
  });

  it('refuses an empty client id (a broker-assigned one would hide who is connected) and a chip id in another case', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    expect(
      (
        await refusedConnect(
          { clientId: '', clean: true, username: chip.chip, password: tokenNow(chip.privateKey) },
          'client-id takeover (embedded broker)',
        )
      ).message,
    ).toMatch(/Identifier rejected/i);
    expect(
      (
        await refusedConnect(
          { clientId: chip.chip.toLowerCase(), username: chip.chip, password: tokenNow(chip.privateKey) },
          'client-id takeover (embedded broker)',
        )
      ).message,
    ).toMatch(/Identifier rejected/i);
    const c = await raw({ clientId: chip.chip, username: chip.chip, password: tokenNow(chip.privateKey) });
    expect(c.connected).toBe(true);
    await c.endAsync(true);
  });

  it('a device reconnecting with its own client id takes over its own stale session', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const will = {
      topic: statusTopic(t.config.mqtt.topicRoot, chip.chip),
      payload: Buffer.from(
        JSON.stringify({ v: 1, type: 'status', chip: chip.chip, body: { online: false, reason: 'will' } }),
      ),
      qos: 1 as const,
      retain: true,
    };
    const stale = await raw({ clientId: chip.chip, username: chip.chip, password: tokenNow(chip.privateKey), will });
    const staleClosed = new Promise<void>((resolve) => stale.once('close', () => resolve()));
    const fresh = await raw({ clientId: chip.chip, username: chip.chip, password: tokenNow(chip.privateKey), will });
    await staleClosed;
    expect(fresh.connected).toBe(true);
    await fresh.endAsync(true);
  });

  it('accepts each connect token once, across the embedded broker and the HTTP hooks', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const token = tokenNow(chip.privateKey);
    const first = await raw({ clientId: chip.chip, username: chip.chip, password: token });
    await first.endAsync(true);
    expect(
      (
        await refusedConnect(
          { clientId: chip.chip, username: chip.chip, password: token },
          'connect-token replay (embedded + HTTP hooks)',
        )
      ).message,
    ).toMatch(/Bad username or password/i);
    const emqx = (await hook('auth', { clientid: chip.chip, username: chip.chip, password: token })).body;
    expect(tally('connect-token replay (embedded + HTTP hooks)', emqx.result === 'deny') && emqx).toEqual({
      result: 'deny',
      is_superuser: false,
    });
    expect(
      tally(
        'connect-token replay (embedded + HTTP hooks)',
        (await hook('mosquitto/user', { clientid: chip.chip, username: chip.chip, password: token })).status === 403,
      ),
    ).toBe(true);

    // And the other way round: used through the hook first, refused on the embedded broker.
    const second = tokenNow(chip.privateKey);
    expect((await hook('auth', { clientid: chip.chip, username: chip.chip, password: second })).body.result).toBe(
      'allow',
    );
    expect(
      tally(
        'connect-token replay (embedded + HTTP hooks)',
        (await hook('auth', { clientid: chip.chip, username: chip.chip, password: second })).body.result === 'deny',
      ),
    ).toBe(true);
    expect(
      (
        await refusedConnect(
          { clientId: chip.chip, username: chip.chip, password: second },
          'connect-token replay (embedded + HTTP hooks)',
        )
      ).message,
    ).toMatch(/Bad username or password/i);
    // A fresh token still gets in.
    const again = await raw({ clientId: chip.chip, username: chip.chip, password: tokenNow(chip.privateKey) });
    await again.endAsync(true);
  });

  it('forgets used nonces once their token has expired (bounded), without letting the token back in', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const token = tokenNow(chip.privateKey);
    expect((await hook('auth', { clientid: chip.chip, username: chip.chip, password: token })).body.result).toBe(
      'allow',
    );
    expect(
      (await t.ds.query('SELECT count(*)::int AS n FROM connect_token_uses WHERE chip_id = $1', [chip.chip]))[0].n,
    ).toBe(1);
    clock.set(new Date(clock.now().getTime() + 5 * 60_000 + 1));
    expect(
      (await hook('auth', { clientid: chip.chip, username: chip.chip, password: tokenNow(chip.privateKey) })).body
        .result,
    ).toBe('allow');
    expect(
      (await t.ds.query('SELECT count(*)::int AS n FROM connect_token_uses WHERE chip_id = $1', [chip.chip]))[0].n,
    ).toBe(1);
    expect(
      tally(
        'connect-token replay (embedded + HTTP hooks)',
        (await hook('auth', { clientid: chip.chip, username: chip.chip, password: token })).body.result === 'deny',
      ),
    ).toBe(true);
  });

  it('HTTP hooks: a device is denied without its own chip id as clientid, at auth and at every ACL check', async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const other = await bindNewChip(t, ids.steelMachine2);
    const own = `${t.config.mqtt.topicRoot}/d/${chip.chip}`;
    const before = await refusals();
    for (const clientid of [other.chip, '', undefined, `x-${chip.chip}`]) {
      const body = {
        ...(clientid === undefined ? {} : { clientid }),
        username: chip.chip,
        password: tokenNow(chip.privateKey),
      };
      const emqx = (await hook('auth', body)).body.result;
      const gauth = (await hook('mosquitto/user', { ...body, password: tokenNow(chip.privateKey) })).status;
      const acl = (await hook('acl', { clientid, username: chip.chip, topic: `${own}/up/events`, action: 'publish' }))
        .body.result;
      const gacl = (await hook('mosquitto/acl', { clientid, username: chip.chip, topic: `${own}/down/#`, acc: 4 }))
        .status;
      for (const refused of [emqx === 'deny', gauth === 403, acl === 'deny', gacl === 403])
        tally('client-id mismatch (HTTP hooks)', refused);
      expect({ clientid, emqx, gauth, acl, gacl }).toEqual({
        clientid,
        emqx: 'deny',
        gauth: 403,
        acl: 'deny',
        gacl: 403,
      });
    }
    expect((await refusals()).client_id_mismatch - before.client_id_mismatch).toBe(8);
    expect(
      (await hook('acl', { clientid: chip.chip, username: chip.chip, topic: `${own}/up/events`, action: 'publish' }))
        .body.result,
    ).toBe('allow');
    await t.app.get(DeviceAlerts).flushRepeats();
    const [alert] = await alertsOf(AlertType.DEVICE_IMPERSONATION, chip.chip);
    expect(alert.count).toBe(8);
    expect(alert.evidence).toMatchObject({ via: 'http' });
  });

  it('HTTP hooks: a body that is not a JSON object is denied, never a 500', async () => {
    for (const path of ['auth', 'acl', 'mosquitto/user', 'mosquitto/acl', 'mosquitto/superuser']) {
      for (const [body, type] of [
        ['clientid=a&username=b', 'text/plain'],
        ['[1,2]', 'application/json'],
        ['"x"', 'application/json'],
        ['null', 'application/json'],
      ]) {
        const res = await hook(path, body, type);
        // 415 for a media type the route does not read; a JSON non-object is read as no fields: denied.
        const denied = res.body?.result === 'deny' || (res.status >= 400 && res.status < 500);
        tally('malformed hook bodies', denied);
        expect({ path, body, status: res.status < 500, deny: denied }).toEqual({
          path,
          body,
          status: true,
          deny: true,
        });
      }
    }
  });

  it("the server's own identity keeps working with its own client ids, but never under a chip id", async () => {
    const chip = await bindNewChip(t, ids.steelMachine1);
    const server = await raw({
      clientId: 'arcgate-server-spec',
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(t.config),
    });
    await server.endAsync(true);
    expect(
      (
        await refusedConnect(
          { clientId: chip.chip, username: SERVER_MQTT_USERNAME, password: serverMqttPassword(t.config) },
          'server identity under a chip id',
        )
      ).message,
    ).toMatch(/Identifier rejected/i);
    expect(
      tally(
        'server identity under a chip id',
        (
          await hook('auth', {
            clientid: chip.chip,
            username: SERVER_MQTT_USERNAME,
            password: serverMqttPassword(t.config),
          })
        ).body.result === 'deny',
      ),
    ).toBe(true);
    expect(
      (
        await hook('auth', {
          clientid: 'arcgate-server-2',
          username: SERVER_MQTT_USERNAME,
          password: serverMqttPassword(t.config),
        })
      ).body,
    ).toEqual({ result: 'allow', is_superuser: true });
    expect(t.app.get(BrokerAuth).refusalCounts().server_client_id).toBeGreaterThanOrEqual(2);
  });

  it('refuses a last will on a topic the device may not publish to (it would be published unasked when the session ends)', async () => {
    const victim = await bindNewChip(t, ids.steelMachine1);
    const chip = await bindNewChip(t, ids.steelMachine2);
    const root = t.config.mqtt.topicRoot;
    const offline = (c: string) =>
      Buffer.from(JSON.stringify({ v: 1, type: 'status', chip: c, body: { online: false, reason: 'shutdown' } }));
    for (const topic of [
      `${root}/d/${victim.chip}/status`,
      `${root}/d/${chip.chip}/up/events`,
      `${root}/d/${chip.chip}/down/arm.grant`,
      '$SYS/x',
    ]) {
      const err = await refusedConnect(
        {
          clientId: chip.chip,
          username: chip.chip,
          password: tokenNow(chip.privateKey),
          will: { topic, payload: offline(victim.chip), qos: 1, retain: true },
        },
        'foreign will',
      );
      expect({ topic, message: err.message }).toEqual({ topic, message: expect.stringMatching(/Not authorized/i) });
    }
    // The own status topic is the will the protocol prescribes.
    const ok = await raw({
      clientId: chip.chip,
      username: chip.chip,
      password: tokenNow(chip.privateKey),
      will: { topic: `${root}/d/${chip.chip}/status`, payload: offline(chip.chip), qos: 1, retain: true },
    });
    await ok.endAsync(true);
    // An orphaned will (its broker stopped heart-beating) is judged by its own client id, never waved through.
    const broker = t.app.get<Aedes>(EMBEDDED_BROKER);
    const orphan = (clientId: string, topic: string) =>
      new Promise<boolean>((resolve) =>
        broker.authorizePublish(
          null,
          { topic, clientId, payload: offline(clientId), qos: 1, retain: true, cmd: 'publish', dup: false } as never,
          (e) => resolve(!e),
        ),
      );
    expect(await orphan(chip.chip, `${root}/d/${chip.chip}/status`)).toBe(true);
    for (const [clientId, topic] of [
      [chip.chip, `${root}/d/${victim.chip}/status`],
      ['arcgate-server-x', `${root}/d/${victim.chip}/status`],
      ['', '$SYS/x'],
    ]) {
      expect(tally('foreign will', !(await orphan(clientId, topic)))).toBe(true);
    }
    expect(t.app.get(BrokerAuth).refusalCounts().foreign_will).toBeGreaterThanOrEqual(4);
  });

  it('NUL and lone surrogates in what a client says at CONNECT: still refused, and the alert about it is still stored', async () => {
    const auth = t.app.get(BrokerAuth);
    const chip = await bindNewChip(t, ids.steelMachine1);
    const bad = `X\u0000Y\uD800Z`;
    const r = await auth.authenticate({
      clientId: bad,
      username: chip.chip,
      password: tokenNow(chip.privateKey),
      remoteAddress: '10.6.6.6',
      via: 'embedded',
    });
    expect(tally('NUL and lone surrogates at CONNECT', !r.ok)).toBe(true);
    expect(r).toMatchObject({ ok: false, reason: 'client_id_mismatch' });
    await t.app.get(DeviceAlerts).flushRepeats();
    const [alert] = await alertsOf(AlertType.DEVICE_IMPERSONATION, chip.chip);
    expect(alert.evidence.claimedClientId).toBe('X\uFFFDY\uFFFDZ');

    const stranger = generateChipKeyPair();
    const u = await auth.authenticate({
      // Claims are kept unverified as evidence of what an unknown chip said, so the signature does not matter here.
      clientId: bad,
      username: stranger.chip,
      password: `${Buffer.from(JSON.stringify({ chip: stranger.chip, nonce: `${'A'.repeat(22)}\u0000\uDC00`, ts: clock.now().toISOString() })).toString('base64url')}.c2ln`,
      via: 'embedded',
      will: { topic: `t/\u0000`, payload: `\uD800${'p'.repeat(10)}` },
    });
    expect(tally('NUL and lone surrogates at CONNECT', !u.ok)).toBe(true);
    const [unregistered] = await waitUntil(
      async () => {
        const a = await alertsOf(AlertType.UNREGISTERED_DEVICE, stranger.chip);
        return a.length ? a : null;
      },
      5000,
      'unregistered alert',
    );
    expect(unregistered.evidence).toMatchObject({
      clientId: 'X\uFFFDY\uFFFDZ',
      will: { topic: 't/\uFFFD' },
      claims: { nonce: `${'A'.repeat(22)}\uFFFD\uFFFD` },
    });
    expect(JSON.stringify(unregistered.evidence)).not.toMatch(/\\u0000|\\ud800/i);
  });

  it('shows the refusal counts to platform admins only', async () => {
    expect((await t.http.get('/api/broker/refusals').set(await t.auth('hengda.admin'))).status).toBe(403);
    const res = await t.http.get('/api/broker/refusals').set(await t.auth('admin'));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.refused)).toEqual(
      expect.arrayContaining(['client_id_mismatch', 'token_replayed', 'bad_token', 'unregistered_chip']),
    );
  });
});
