/**
 * A hostile device against the real broker of the real server (issue 12), written from
 * docs/protocol.md: a bound chip asking for another chip's client id while that chip's agent is
 * live, connect-token replay, foreign topics, wrong credentials, an unknown chip, oversized CONNECTs.
 * The victim is a real device agent on a simulated machine with a permit in force: it must stay
 * online throughout, and the server must raise nothing against it. Counts per class go to
 * test-artifacts/security/hostile-client.json for SECURITY.md.
 */
import mqtt from 'mqtt';
import { SERVER_MQTT_USERNAME, serverMqttPassword } from '../../server/src/mqtt/mqtt-connection';
import { Bench, sleep, waitFor } from '../support/bench';
import {
  chipIdOf,
  ConnectOutcome,
  deviceOptions,
  HostileChip,
  mintConnectToken,
  newHostileChip,
  oversizedConnect,
  tryConnect,
  tryPublish,
  trySubscribe,
} from '../support/hostile-client';
import { MachineRig } from '../support/machine-rig';
import { bindChip } from '../support/platform-api';
import { writeSecurityArtifact } from '../../server/test-support/security-artifact';

interface ClassCount {
  class: string;
  tried: number;
  refused: number;
  notes: string;
}

describe('hostile device client against the broker', () => {
  let bench: Bench;
  let victim: MachineRig;
  let impostor: HostileChip;
  let root: string;
  let url: string;
  const counts = new Map<string, ClassCount>();
  const count = (cls: string, refused: boolean, notes: string) => {
    const c = counts.get(cls) ?? { class: cls, tried: 0, refused: 0, notes };
    c.tried++;
    if (refused) c.refused++;
    c.notes = notes;
    counts.set(cls, c);
    return refused;
  };
  const closeIfConnected = async (o: ConnectOutcome) => {
    if (o.kind === 'connected') await o.client.endAsync(true).catch(() => undefined);
  };
  /** Watches the victim's agent every 20 ms: samples taken and samples offline. */
  const watchVictim = () => {
    const w = { samples: 0, offline: 0 };
    const timer = setInterval(() => {
      w.samples++;
      if (!victim.agent.online) w.offline++;
    }, 20);
    return { w, stop: () => clearInterval(timer) };
  };
  const disconnects = () => victim.logs.filter((l) => l.includes('disconnected from the broker')).length;
  const alertsOf = (chip: string, type: string) => bench.alerts(chip, type);

  beforeAll(async () => {
    // The embedded broker's own hooks are under test here (an external broker delegates to the HTTP hooks, tested in the server).
    bench = await Bench.start({ broker: 'embedded' });
    root = bench.t.config.mqtt.topicRoot;
    url = bench.t.config.mqtt.url;
    victim = await bench.machine('hostile-victim', bench.ids.steelMachines[0]);
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [bench.ids.steelMachines[0]] });
    impostor = newHostileChip();
    await bindChip(bench.api, bench.ids.steelMachines[1], impostor);
  });

  afterAll(async () => {
    writeSecurityArtifact('hostile-client', 'Hostile device client against the broker', [...counts.values()]);
    await bench?.close();
  });

  it('derives chip ids as §2.2 says (checked against the §2.4 test vector)', () => {
    expect(chipIdOf(Buffer.from('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a', 'hex'))).toBe(
      'C47Z33QX1AJH62RKBZ1A0',
    );
  });

  it("client-id takeover: a bound chip asking for the live victim's client id is refused every time; the victim never drops, nothing is raised against it", async () => {
    const own = await tryConnect(url, deviceOptions(impostor, root));
    expect(own.kind).toBe('connected'); // the impostor is a legitimate device of its own
    await closeIfConnected(own);
    const before = disconnects();
    const watch = watchVictim();
    const LOOP = 25;
    try {
      for (let i = 0; i < LOOP; i++) {
        const o = await tryConnect(url, deviceOptions(impostor, root, { clientId: victim.chip }));
        await closeIfConnected(o);
        count(
          'client-id takeover',
          o.kind !== 'connected',
          "a bound chip connecting with a live device's client id (loop against a real agent)",
        );
        expect(o).toMatchObject({ kind: 'refused', returnCode: 2 });
      }
      // The empty client id (broker-assigned with clean session) and the victim's id in other spellings.
      for (const clientId of ['', victim.chip.toLowerCase(), `${victim.chip} `]) {
        const o = await tryConnect(url, deviceOptions(impostor, root, { clientId, clean: true }));
        await closeIfConnected(o);
        expect(
          count(
            'client-id takeover',
            o.kind !== 'connected',
            "a bound chip connecting with a live device's client id (loop against a real agent)",
          ),
        ).toBe(true);
      }
      await sleep(500);
    } finally {
      watch.stop();
    }
    expect(watch.w.samples).toBeGreaterThan(10);
    expect(watch.w.offline).toBe(0);
    expect(disconnects()).toBe(before);
    const [chipRow] = await bench.t.ds.query('SELECT online FROM chips WHERE chip_id = $1', [victim.chip]);
    expect(chipRow.online).toBe(true);
    for (const type of ['DEVICE_OFFLINE_DURING_PERMIT', 'DEVICE_OFFLINE_ARMED', 'DEVICE_IMPERSONATION'])
      expect(await alertsOf(victim.chip, type)).toEqual([]);
    const alert = await bench.raisedAlert(impostor.chip, 'DEVICE_IMPERSONATION');
    expect(alert).toMatchObject({ severity: 'critical', machineId: bench.ids.steelMachines[1] });
    expect(alert.evidence).toMatchObject({
      chipId: impostor.chip,
      claimedClientId: victim.chip,
      claimedIsBoundChip: true,
    });
  });

  it('token replay: a connect token is good for one CONNECT, whether the first session is still up or gone', async () => {
    const token = mintConnectToken(impostor.privateKey, impostor.chip);
    const first = await tryConnect(url, deviceOptions(impostor, root, { password: token }));
    expect(first.kind).toBe('connected');
    // Replayed while the first session is live (it would take that session over) ...
    const live = await tryConnect(url, deviceOptions(impostor, root, { password: token }));
    await closeIfConnected(live);
    expect(
      count(
        'connect-token replay',
        live.kind !== 'connected',
        'the same connect token presented again within its 5-minute window',
      ),
    ).toBe(true);
    expect(first.kind === 'connected' && first.client.connected).toBe(true);
    await closeIfConnected(first);
    // ... and after it ended, several times.
    for (let i = 0; i < 3; i++) {
      const o = await tryConnect(url, deviceOptions(impostor, root, { password: token }));
      await closeIfConnected(o);
      expect(
        count(
          'connect-token replay',
          o.kind !== 'connected',
          'the same connect token presented again within its 5-minute window',
        ),
      ).toBe(true);
      expect(o).toMatchObject({ kind: 'refused', returnCode: 4 });
    }
    // A fresh token still works.
    const fresh = await tryConnect(url, deviceOptions(impostor, root));
    expect(fresh.kind).toBe('connected');
    await closeIfConnected(fresh);
  });

  it('foreign topics: subscriptions outside the own down/ topics get SUBACK 0x80; a publish outside the own up/ and status topics drops the session; nothing reaches the victim or the server', async () => {
    const v = `${root}/d/${victim.chip}`;
    const filters = [
      `${v}/down/#`,
      `${v}/down/arm.grant`,
      `${v}/up/#`,
      `${v}/status`,
      `${root}/#`,
      `${root}/d/+/down/#`,
      `${root}/d/+/status`,
      '#',
      '+/+/+/+',
      '$SYS/#',
      '$SYS/+/new/clients',
      `$share/arcgate-server/${root}/d/+/up/#`,
    ];
    const conn = await tryConnect(url, deviceOptions(impostor, root));
    if (conn.kind !== 'connected') throw new Error(`impostor could not connect: ${JSON.stringify(conn)}`);
    for (const f of filters) {
      const r = await trySubscribe(conn.client, f);
      expect({ f, r }).toEqual({ f, r: 'refused' });
      count(
        'foreign topics',
        r === 'refused',
        "subscribe/publish outside the chip's own topics, wildcards, $SYS, $share, retained forgeries, foreign wills",
      );
    }
    expect(await trySubscribe(conn.client, `${root}/d/${impostor.chip}/down/#`)).toBe('granted');
    await conn.client.endAsync(true);

    const eventsBefore = (await bench.events(victim.chip)).length;
    const forged = JSON.stringify({
      v: 1,
      type: 'status',
      chip: victim.chip,
      body: { online: false, reason: 'shutdown' },
      hostile: true,
    });
    const publishes: { topic: string; retain: boolean; payload: string }[] = [
      { topic: `${v}/status`, retain: true, payload: forged },
      { topic: `${v}/status`, retain: false, payload: forged },
      { topic: `${v}/up/events`, retain: false, payload: '{"v":1,"type":"events","hostile":true}' },
      { topic: `${v}/up/arm.request`, retain: false, payload: '{"v":1,"type":"arm.request","hostile":true}' },
      { topic: `${v}/down/arm.grant`, retain: false, payload: '{"hostile":true}' },
      { topic: `${root}/d/${impostor.chip}/down/arm.grant`, retain: false, payload: '{"hostile":true}' },
      { topic: `${root}/d/${impostor.chip}/up/events`, retain: true, payload: '{"hostile":true}' },
      { topic: `$SYS/hostile`, retain: true, payload: '{"hostile":true}' },
    ];
    for (const p of publishes) {
      const c = await tryConnect(url, deviceOptions(impostor, root));
      if (c.kind !== 'connected') throw new Error('impostor could not connect');
      const r = await tryPublish(c.client, p.topic, p.payload, p.retain);
      await c.client.endAsync(true).catch(() => undefined);
      expect({ topic: p.topic, retain: p.retain, r }).toEqual({ topic: p.topic, retain: p.retain, r: 'dropped' });
      count(
        'foreign topics',
        r === 'dropped',
        "subscribe/publish outside the chip's own topics, wildcards, $SYS, $share, retained forgeries, foreign wills",
      );
    }
    // A last will on the victim's status topic: the broker would publish it unasked when the session ends.
    const will = await tryConnect(
      url,
      deviceOptions(impostor, root, {
        will: { topic: `${v}/status`, payload: Buffer.from(forged), qos: 1, retain: true },
      }),
    );
    if (will.kind === 'connected') await will.client.endAsync(false);
    expect(
      count(
        'foreign topics',
        will.kind !== 'connected',
        "subscribe/publish outside the chip's own topics, wildcards, $SYS, $share, retained forgeries, foreign wills",
      ),
    ).toBe(true);
    expect(will).toMatchObject({ kind: 'refused', returnCode: 5 });
    // The victim's retained status is still its own, and it is still online.
    const observer = await mqtt.connectAsync(url, {
      clientId: `observer-${Date.now()}`,
      username: SERVER_MQTT_USERNAME,
      password: serverMqttPassword(bench.t.config),
      reconnectPeriod: 0,
    });
    const retained: string[] = [];
    observer.on('message', (_t, payload) => retained.push(payload.toString('utf8')));
    await observer.subscribeAsync(`${v}/status`, { qos: 1 });
    await waitFor('the retained status', () => retained.length > 0, 3_000);
    await observer.endAsync(true);
    expect(retained.join('')).not.toContain('hostile');
    expect(JSON.parse(retained[0])).toMatchObject({ chip: victim.chip, body: { online: true } });
    await sleep(300);
    expect(victim.agent.online).toBe(true);
    expect((await bench.events(victim.chip)).length).toBeGreaterThanOrEqual(eventsBefore);
    expect(await bench.t.ds.query(`SELECT 1 FROM rejected_messages WHERE chip_id = $1`, [victim.chip])).toEqual([]);
    expect(await alertsOf(victim.chip, 'DEVICE_OFFLINE_DURING_PERMIT')).toEqual([]);
  });

  it('wrong user name or password: every variant is refused and nobody gets in', async () => {
    const other = newHostileChip();
    const now = Date.now();
    const attempts: { label: string; opts: Parameters<typeof deviceOptions>[2] }[] = [
      { label: 'random password', opts: { password: 'x'.repeat(40) } },
      { label: 'no password', opts: { password: undefined } },
      { label: 'token signed by another key', opts: { password: mintConnectToken(other.privateKey, impostor.chip) } },
      { label: 'token of another chip', opts: { password: mintConnectToken(other.privateKey, other.chip) } },
      {
        label: 'token 10 minutes old',
        opts: { password: mintConnectToken(impostor.privateKey, impostor.chip, new Date(now - 10 * 60_000)) },
      },
      {
        label: 'token 10 minutes ahead',
        opts: { password: mintConnectToken(impostor.privateKey, impostor.chip, new Date(now + 10 * 60_000)) },
      },
      {
        label: 'token with a 15-byte nonce',
        opts: {
          password: mintConnectToken(
            impostor.privateKey,
            impostor.chip,
            new Date(),
            Buffer.alloc(15, 1).toString('base64url'),
          ),
        },
      },
      { label: "victim user name with the impostor's token", opts: { username: victim.chip, clientId: victim.chip } },
      { label: 'user name not a chip id', opts: { username: 'admin', clientId: 'admin' } },
      {
        label: 'server user name, wrong password',
        opts: { username: SERVER_MQTT_USERNAME, clientId: 'arcgate-server-x', password: 'guess' },
      },
      { label: 'no user name', opts: { username: undefined } },
      { label: 'a 600-character password', opts: { password: 'a'.repeat(300) + '.' + 'b'.repeat(299) } },
    ];
    for (const a of attempts) {
      const o = await tryConnect(url, deviceOptions(impostor, root, a.opts));
      await closeIfConnected(o);
      // Refused with a CONNACK code, or (a password without a user name is a protocol error) dropped.
      expect({ label: a.label, in: o.kind === 'connected' }).toEqual({ label: a.label, in: false });
      if (a.label !== 'no user name')
        expect({ label: a.label, kind: o.kind }).toEqual({ label: a.label, kind: 'refused' });
      count(
        'wrong credentials',
        o.kind !== 'connected',
        'bad, foreign, stale, future, short-nonce or missing tokens; foreign or missing user names',
      );
    }
    expect(victim.agent.online).toBe(true);
  });

  it('unknown chip: refused with "not authorized" and reported as an unregistered device', async () => {
    const strangers = [newHostileChip(), newHostileChip(), newHostileChip()];
    for (const s of strangers) {
      const o = await tryConnect(url, deviceOptions(s, root));
      await closeIfConnected(o);
      expect(o).toMatchObject({ kind: 'refused', returnCode: 5 });
      count(
        'unknown chip',
        o.kind !== 'connected',
        'a chip that is not bound to any machine, with a valid token for its own key',
      );
    }
    await bench.raisedAlert(strangers[0].chip, 'UNREGISTERED_DEVICE');
  });

  it('oversized CONNECT: dropped at the fixed header, before the broker buffers it; the broker keeps serving', async () => {
    for (const [announced, sent] of [
      [200 * 1024 * 1024, 256 * 1024],
      [1024 * 1024, 64 * 1024],
      [5_000, 5_000],
    ] as const) {
      const closedAfter = await oversizedConnect(url, announced, sent);
      expect({ announced, closedAfter: closedAfter !== null && closedAfter < 2_000 }).toEqual({
        announced,
        closedAfter: true,
      });
      count(
        'oversized CONNECT',
        closedAfter !== null,
        'CONNECT packets announcing 5 KB to 200 MB (raw TCP) or carrying a 60 KB will',
      );
    }
    // Through mqtt.js: a will payload of 60 KB (MQTT strings stop at 64 KB).
    const o = await tryConnect(
      url,
      deviceOptions(impostor, root, {
        will: {
          topic: `${root}/d/${impostor.chip}/status`,
          payload: Buffer.alloc(60 * 1024, 0x41),
          qos: 1,
          retain: true,
        },
      }),
    );
    await closeIfConnected(o);
    expect(
      count(
        'oversized CONNECT',
        o.kind !== 'connected',
        'CONNECT packets announcing 5 KB to 200 MB (raw TCP) or carrying a 60 KB will',
      ),
    ).toBe(true);
    const ok = await tryConnect(url, deviceOptions(impostor, root));
    expect(ok.kind).toBe('connected');
    await closeIfConnected(ok);
    expect(victim.agent.online).toBe(true);
  });
});
