/**
 * A bound device turned hostile (or broken), against a running platform and an honest machine next
 * to it: everything it does with its messages is refused and recorded, and the honest machine keeps
 * working. Written against docs/protocol.md (§5 envelope rules, §6.8 negative ack, §11 what the
 * server does). Counts per class go to test-artifacts/security/hostile-device-messages.json.
 */
import { ARM_REQUEST_RATE_BURST, MAX_MESSAGE_BYTES, ReasonCode } from '@arcgate/protocol';
import { DeviceAlerts, REPEAT_MS } from '../../server/src/device-core/device-alerts';
import { Bench, waitFor } from '../support/bench';
import { HostileDevice, UpType } from '../support/hostile-device';
import { MachineRig } from '../support/machine-rig';
import { activeCode, bindChip } from '../support/platform-api';
import { writeSecurityArtifact } from '../../server/test-support/security-artifact';

interface ClassCount {
  class: string;
  tried: number;
  refused: number;
  notes: string;
}

const nonce = (n: number) => `hostile${String(n).padStart(14, '0')}A`;
const armBody = (n: number) => ({
  nonce: nonce(n),
  credential: { kind: 'welder_code', code: 'W0123456789ABCDEFGHJKM' },
  position: null,
  machineKind: 'electric_arc',
});
const statusBody = (firmware = 'hostile 1.0') => ({
  online: true,
  state: 'locked',
  machineKind: 'electric_arc',
  firmware,
  protocol: 1,
});
const beat = (seq: number, at = new Date().toISOString()) => ({
  seq,
  type: 'heartbeat',
  at,
  position: null,
  relayClosed: false,
  state: 'locked',
});
const bodyOf = (type: UpType, n: number) =>
  type === 'status' ? statusBody() : type === 'arm.request' ? armBody(n) : { events: [beat(n)] };

describe('a hostile device and its messages', () => {
  let bench: Bench;
  let honest: MachineRig;
  let evil: HostileDevice;
  let eventSeq = 0;
  const counts: ClassCount[] = [];
  const rejectedRows = async (reason: string): Promise<number> =>
    (
      await bench.t.ds.query(`SELECT count(*)::int AS n FROM rejected_messages WHERE chip_id = $1 AND reason = $2`, [
        evil.chip,
        reason,
      ])
    )[0].n;
  const storedSeqs = async (): Promise<number[]> => (await bench.events(evil.chip)).map((e) => e.seq);

  beforeAll(async () => {
    // The embedded broker: its ACL is under test (an external broker's is issue 17's production topology).
    bench = await Bench.start({ broker: 'embedded' });
    const honestMachine = bench.ids.steelMachines[0];
    honest = await bench.machine('honest', honestMachine);
    await bench.permit({ welderIds: [bench.ids.zhang], machineIds: [honestMachine] });
    evil = new HostileDevice(bench.t.config.mqtt.url, bench.t.config.mqtt.topicRoot);
    await bindChip(bench.api, bench.ids.steelMachines[1], { chip: evil.chip, publicKey: evil.key.publicKeyRaw });
    await evil.connect();
  });

  afterAll(async () => {
    await evil?.close();
    await bench?.close();
    writeSecurityArtifact('hostile-device-messages', 'Hostile device messages (bound chip, valid signatures)', counts);
  });

  it('a reused seq is refused (SEQ_REPLAYED) for every message type', async () => {
    const types: UpType[] = ['status', 'arm.request', 'events'];
    let tried = 0;
    for (const type of types) {
      const first = evil.message(type, bodyOf(type, ++eventSeq));
      await evil.publish(type, first);
      // Same seq, another message (a captured envelope re-used with new content).
      await evil.publish(type, evil.message(type, bodyOf(type, ++eventSeq), { seq: first.seq }));
      tried++;
    }
    const refused = await waitFor('replays recorded', async () => {
      const n = await rejectedRows('replayed');
      return n >= tried ? n : null;
    });
    const denied = evil.received.filter(
      (r) =>
        r.message.type === 'arm.denied' && (r.message.body as { reason: string }).reason === ReasonCode.SEQ_REPLAYED,
    );
    expect(denied).toHaveLength(1);
    expect(refused).toBe(tried);
    counts.push({
      class: 'replayed message seq',
      tried,
      refused,
      notes: 'same seq, another id, for status, arm.request and events: SEQ_REPLAYED, raw kept',
    });
  });

  it('a stale or future ts is refused for every message type; an old event in a fresh envelope is not', async () => {
    const before = await rejectedRows('expired');
    let tried = 0;
    for (const type of ['status', 'arm.request', 'events'] as UpType[]) {
      for (const offset of [-10 * 60_000, +10 * 60_000]) {
        await evil.publish(type, evil.message(type, bodyOf(type, ++eventSeq), { ts: new Date(Date.now() + offset) }));
        tried++;
      }
    }
    const refused = await waitFor('stale messages recorded', async () => {
      const n = (await rejectedRows('expired')) - before;
      return n >= tried ? n : null;
    });
    expect(refused).toBe(tried);
    expect(
      (await bench.t.ds.query(`SELECT firmware FROM chips WHERE chip_id = $1`, [evil.chip]))[0].firmware ?? '',
    ).not.toBe('stale');
    // Offline catch-up is legitimate: days-old events inside an envelope sent now.
    const catchUp = evil.message('events', {
      events: [beat(++eventSeq, new Date(Date.now() - 2 * 86_400_000).toISOString())],
    });
    await evil.publish('events', catchUp);
    await waitFor('catch-up acknowledged', () => evil.answersTo(catchUp.id).length > 0);
    counts.push({
      class: 'stale or future ts',
      tried,
      refused,
      notes: '±10 min on status, arm.request and events; refused, raw kept, DEVICE_CLOCK_SKEW raised',
    });
  });

  it('NUL-bearing events: a negative ack names them, the rest is stored, the alert is raised', async () => {
    const good = ++eventSeq;
    const bad = [++eventSeq, ++eventSeq];
    const batch = evil.message('events', {
      events: [
        beat(good),
        { seq: bad[0], type: 'boot', at: new Date().toISOString(), reason: 'power_on', firmware: 'evil\u0000' },
        {
          seq: bad[1],
          type: 'security.rejected',
          at: new Date().toISOString(),
          messageType: '\u0000',
          reason: 'bad_signature',
        },
      ],
    });
    await evil.publish('events', batch);
    const ack = await waitFor('negative ack', () => evil.answersTo(batch.id)[0]);
    const rejected = (ack.message.body as { rejected?: number[] }).rejected ?? [];
    expect(rejected).toEqual(bad);
    expect(await storedSeqs()).toContain(good);
    expect(await storedSeqs()).not.toEqual(expect.arrayContaining([bad[0]]));
    await bench.raisedAlert(evil.chip, 'DEVICE_MESSAGE_REJECTED');
    // Another NUL, in an arm.request: denied MALFORMED, no decision taken.
    const arm = evil.message('arm.request', { ...armBody(++eventSeq), permitId: 'p\u0000' });
    await evil.publish('arm.request', arm);
    const denial = await waitFor('arm.request with NUL denied', () => evil.answersTo(arm.id)[0]);
    const armRefused = (denial.message.body as { reason: string }).reason === ReasonCode.MALFORMED ? 1 : 0;
    counts.push({
      class: 'NUL in signed text',
      tried: bad.length + 1,
      refused: rejected.length + armRefused,
      notes: 'events named in events.ack rejected (kept raw, DEVICE_MESSAGE_REJECTED); arm.request denied MALFORMED',
    });
  });

  it('oversized and malformed payloads are refused and recorded, never processed', async () => {
    const before = await rejectedRows('malformed');
    const payloads: (string | Buffer)[] = [
      JSON.stringify(evil.message('events', { events: [beat(++eventSeq)] })) + ' '.repeat(MAX_MESSAGE_BYTES),
      'not json at all',
      Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
      '[]',
      JSON.stringify({ v: 1, type: 'events' }),
      '{"a":'.repeat(3000) + '1' + '}'.repeat(3000),
      JSON.stringify({ ...evil.message('events', { events: [beat(++eventSeq)] }), extra: true }),
      JSON.stringify(evil.message('events', { events: 'many' })),
    ];
    for (const p of payloads) await evil.publish('events', p);
    const refused = await waitFor('malformed recorded', async () => {
      const n = (await rejectedRows('malformed')) + (await rejectedRows('bad_signature')) - before;
      return n >= payloads.length ? n : null;
    });
    expect(refused).toBe(payloads.length);
    expect(evil.connected).toBe(true);
    counts.push({
      class: 'oversized or malformed payload',
      tried: payloads.length,
      refused,
      notes:
        '>16 KiB, not JSON, not UTF-8, wrong shape, 3 000-deep nesting, unknown field, bad body: raw kept, nothing stored',
    });
  });

  it('publishing to topics that are not its own is refused by the broker and never reaches the server', async () => {
    const root = bench.t.config.mqtt.topicRoot;
    const targets = [
      evil.topicOf('events', honest.chip),
      evil.topicOf('status', honest.chip),
      `${root}/d/${evil.chip}/down/arm.grant`,
      `${root}/d/${evil.chip}/up/config`,
      `${root}/d/+/up/events`,
      `$SYS/broker`,
    ];
    let refused = 0;
    const reachedServer = async (id: string) =>
      (await bench.t.ds.query(`SELECT 1 FROM rejected_messages WHERE payload_excerpt LIKE $1`, [`%${id}%`])).length > 0;
    for (const topic of targets) {
      const m = evil.message('events', { events: [beat(++eventSeq)] });
      const { stillConnected } = await evil.publishTo(topic, JSON.stringify(m));
      await new Promise((r) => setTimeout(r, 200));
      // Had it reached the gateway it would be on record (rejected as a foreign chip's, forged or unknown).
      if (!stillConnected && !(await reachedServer(m.id))) refused++;
      await evil.connect();
    }
    const filters = [`${root}/d/${honest.chip}/down/#`, `${root}/#`, '#', `$share/x/${root}/d/+/up/#`];
    for (const f of filters) if (!(await evil.trySubscribe(f))) refused++;
    expect(refused).toBe(targets.length + filters.length);
    counts.push({
      class: 'foreign topic',
      tried: targets.length + filters.length,
      refused,
      notes:
        'publish to another chip, to own down topics, wildcards, $SYS; subscribe beyond own down topics: broker drops or refuses',
    });
  });

  it('an arm.request flood is rate limited without slowing the honest machine, and raises one DEVICE_FLOOD', async () => {
    await evil.connect();
    const n = 400;
    const flood = Array.from({ length: n }, () => evil.message('arm.request', armBody(++eventSeq)));
    const decisionsBefore = (await bench.decisions(evil.chip)).length;
    // The earlier hostile tests may already have tripped the chip's message limit on a fast machine:
    // count only what this flood adds to the chip's DEVICE_FLOOD.
    const deviceAlerts = bench.t.app.get(DeviceAlerts);
    await deviceAlerts.flushRepeats();
    const floodCountBefore = (await bench.alerts(evil.chip, 'DEVICE_FLOOD'))[0]?.count ?? 0;
    const sending = Promise.all(flood.map((m) => evil.publish('arm.request', m)));
    // The honest welder scans during the flood and is armed as usual.
    const scannedAt = Date.now();
    await honest.machine.scanBadge((await activeCode(bench.api, 'welders', bench.ids.zhang)).url);
    await waitFor(
      'honest machine armed during the flood',
      () => honest.relayClosed() && honest.agent.state === 'armed',
      10_000,
    );
    const honestLatencyMs = Date.now() - scannedAt;
    await sending;
    const limited = await waitFor('RATE_LIMITED answers', () => {
      const l = evil.received.filter(
        (r) =>
          r.message.type === 'arm.denied' && (r.message.body as { reason: string }).reason === ReasonCode.RATE_LIMITED,
      );
      return l.length ? l : null;
    });
    expect((limited[0].message.body as { retryAfterS?: number }).retryAfterS).toBeGreaterThanOrEqual(1);
    // Every request ends either as a decision or as a refusal counted in the one DEVICE_FLOOD; on a
    // loaded machine both may still be landing, so wait until they add up (flushing the counted repeats).
    let last = '';
    const { decided, alerts } = await waitFor(
      'every request decided or counted in DEVICE_FLOOD',
      async () => {
        await deviceAlerts.flushRepeats();
        const d = (await bench.decisions(evil.chip)).length - decisionsBefore;
        const a = await bench.alerts(evil.chip, 'DEVICE_FLOOD');
        last = `decided ${d}, DEVICE_FLOOD alerts ${a.length}, counted ${(a[0]?.count ?? 0) - floodCountBefore} of ${n}, evidence ${JSON.stringify(a[0]?.evidence ?? null)}`;
        return a.length === 1 && d + a[0].count - floodCountBefore === n ? { decided: d, alerts: a } : null;
      },
      // A stalled write is still counted when its window's timer fires (REPEAT_MS): only a lost one fails.
      REPEAT_MS + 10_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message} (last seen: ${last})`);
    });
    expect(decided).toBeGreaterThan(0);
    expect(decided).toBeLessThanOrEqual(ARM_REQUEST_RATE_BURST + 5);
    expect(alerts).toHaveLength(1);
    expect(honestLatencyMs).toBeLessThan(5_000);
    counts.push({
      class: 'arm.request flood',
      tried: n,
      refused: n - decided,
      notes: `rate limited (RATE_LIMITED + retryAfterS), one DEVICE_FLOOD; honest machine armed in ${honestLatencyMs} ms meanwhile`,
    });
  });

  it('through it all the honest agent was never refused: its journal drains', async () => {
    await waitFor('honest journal acknowledged', () => honest.agent.journal.pending().length === 0, 20_000);
    const honestRefused = await bench.t.ds.query(`SELECT reason FROM rejected_messages WHERE chip_id = $1`, [
      honest.chip,
    ]);
    expect(honestRefused).toEqual([]);
  });
});
