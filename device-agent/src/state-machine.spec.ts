import { DEVICE_STATES, DeviceState, relayClosedIn, TRIGGERS } from '@arcgate/protocol';
import { FakeClock } from './clock';
import {
  AgentModel,
  ARM_ATTEMPT_LIMIT_MS,
  Command,
  deviceFaults,
  EventDraft,
  initialModel,
  Input,
  JOURNAL_RECOVERY_MS,
  MachineOptions,
  step,
  WATCHDOG_RECOVERY_MS,
} from './state-machine';
import { TEXT } from './display-texts';
import { configFor, deniedFor, grantFor, pushFor, revokeFor, testKeys } from './testing/fixtures';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const keys = testKeys();
const options: MachineOptions = { chip: keys.chip, serverPublicKey: keys.serverPublicKey, machineKind: 'electric_arc' };

class Harness {
  model: AgentModel = initialModel();
  last: Command[] = [];
  readonly all: Command[] = [];
  private n = 0;
  constructor(
    readonly clock = new FakeClock(),
    readonly opts: MachineOptions = options,
  ) {}

  send(input: DistributiveOmit<Input, 'now'>): Command[] {
    const result = step(this.opts, this.model, { ...input, now: this.clock.now() });
    this.model = result.model;
    this.last = result.commands;
    this.all.push(...result.commands);
    // Invariant after every step: the relay is closed exactly in armed and arcing.
    expect(this.model.relayClosed).toBe(relayClosedIn(this.model.state));
    return result.commands;
  }

  fresh() {
    this.n++;
    return { requestId: `req-${String(this.n).padStart(16, '0')}`, nonce: `nonce-${String(this.n).padStart(22, 'A')}` };
  }

  online(): this {
    this.send({ type: 'network', up: true });
    return this;
  }

  scan(code = 'W3F7K9M2QX4TB8N6RZ5HC1'): Command[] {
    return this.send({ type: 'badge', code, fresh: this.fresh() });
  }

  /** Scans and answers with a valid grant: state armed. */
  arm(extra: Partial<Parameters<typeof grantFor>[1]> = {}): Command[] {
    this.scan();
    const p = this.model.pending!;
    return this.send({
      type: 'grant',
      envelope: grantFor(keys, { requestId: p.requestId, nonce: p.nonce, now: this.clock.now(), ...extra }),
    });
  }

  events(commands = this.last): EventDraft[] {
    return commands.flatMap((c) => (c.kind === 'journal' ? [c.event] : []));
  }

  kinds(commands = this.last): string[] {
    return commands.map((c) =>
      c.kind === 'journal'
        ? `journal:${c.event.type}`
        : c.kind === 'relay'
          ? `relay:${c.closed ? 'closed' : 'open'}`
          : c.kind,
    );
  }
}

const only = <K extends Command['kind']>(commands: Command[], kind: K) =>
  commands.filter((c): c is Extract<Command, { kind: K }> => c.kind === kind);

describe('state machine: boot and arming', () => {
  it('starts locked, relay open, offline', () => {
    const m = initialModel();
    expect(m).toMatchObject({ state: 'locked', relayClosed: false, offline: true, grant: null });
  });

  it('refuses a new authorization offline and shows why', () => {
    const h = new Harness();
    const out = h.scan();
    expect(h.model.state).toBe('locked');
    expect(only(out, 'arm_request')).toHaveLength(0);
    expect(only(out, 'display')[0].text['zh-CN']).toBe('离线，无法授权');
  });

  it('stays locked without a provisioned server key', () => {
    const h = new Harness(new FakeClock(), { ...options, serverPublicKey: null }).online();
    const out = h.scan();
    expect(h.model.state).toBe('locked');
    expect(only(out, 'arm_request')).toHaveLength(0);
  });

  it('sends an arm.request with the fresh ids and the scanned code', () => {
    const h = new Harness().online();
    const out = h.scan();
    expect(h.model.state).toBe('authorizing');
    expect(only(out, 'arm_request')[0]).toMatchObject({
      requestId: h.model.pending!.requestId,
      nonce: h.model.pending!.nonce,
      credential: { kind: 'welder_code', code: 'W3F7K9M2QX4TB8N6RZ5HC1' },
    });
    expect(h.events(out)).toEqual([
      expect.objectContaining({ type: 'state.change', from: 'locked', to: 'authorizing', trigger: 'arm_requested' }),
    ]);
    expect(only(out, 'relay')).toHaveLength(0);
  });

  it('closes the relay on a verified grant, after journaling why', () => {
    const h = new Harness().online();
    const out = h.arm();
    expect(h.model.state).toBe('armed');
    expect(h.kinds(out).filter((k) => k.startsWith('journal') || k.startsWith('relay'))).toEqual([
      'journal:state.change',
      'journal:relay.change',
      'relay:closed',
    ]);
    expect(h.events(out)[1]).toMatchObject({
      type: 'relay.change',
      closed: true,
      trigger: 'grant_verified',
      grantId: 'grant-1',
    });
    expect(only(out, 'led')[0].pattern).toBe('on');
    expect(only(out, 'publish_status')).toHaveLength(1);
  });

  const failures: [string, (h: Harness) => unknown, string][] = [
    ['signed by another key', (h) => grantFor(keys, { ...ids(h), key: testKeys().server }), 'bad_signature'],
    ['for another chip', (h) => grantFor(keys, { ...ids(h), chip: testKeys().chip }), 'wrong_chip'],
    ['with another nonce', (h) => grantFor(keys, { ...ids(h), nonce: 'q1W8eR4tY7uI0oP3aS6dFg' }), 'nonce_mismatch'],
    [
      'answering another request',
      (h) => grantFor(keys, { ...ids(h), requestId: 'someOtherRequest0000' }),
      'request_mismatch',
    ],
    [
      'already expired',
      (h) => grantFor(keys, { ...ids(h), issuedAt: h.clock.now() - 7_200_000, lifetimeMs: 3_600_000 }),
      'expired',
    ],
    ['living longer than 8 h', (h) => grantFor(keys, { ...ids(h), lifetimeMs: 9 * 3_600_000 }), 'lifetime_too_long'],
    ['malformed', () => ({ v: 1, type: 'arm.grant' }), 'malformed'],
  ];
  function ids(h: Harness) {
    return { requestId: h.model.pending!.requestId, nonce: h.model.pending!.nonce, now: h.clock.now() };
  }
  it.each(failures)('rejects a grant %s: locked, relay open, security.rejected', (_what, make, reason) => {
    const h = new Harness().online();
    h.scan();
    const out = h.send({ type: 'grant', envelope: make(h) });
    expect(h.model.state).toBe('locked');
    expect(only(out, 'relay').filter((r) => r.closed)).toHaveLength(0);
    expect(h.events(out)[0]).toMatchObject({ type: 'security.rejected', messageType: 'arm.grant', reason });
    expect(h.events(out)[1]).toMatchObject({ type: 'state.change', trigger: 'grant_rejected' });
  });

  it('ignores a grant when it is not waiting for one', () => {
    const h = new Harness().online();
    const out = h.send({
      type: 'grant',
      envelope: grantFor(keys, { requestId: 'r'.repeat(22), nonce: 'n'.repeat(22), now: h.clock.now() }),
    });
    expect(h.model.state).toBe('locked');
    expect(only(out, 'relay')).toHaveLength(0);
  });

  it('ends the attempt on a denial for its request and shows the message; ignores others', () => {
    const h = new Harness().online();
    h.scan();
    h.send({ type: 'denied', message: deniedFor(keys, h.clock.now(), 'anotherRequestId0000') });
    expect(h.model.state).toBe('authorizing');
    const out = h.send({ type: 'denied', message: deniedFor(keys, h.clock.now(), h.model.pending!.requestId) });
    expect(h.model.state).toBe('locked');
    expect(only(out, 'display')[0].text['zh-CN']).toBe('特种作业操作证已过期');
  });

  it('gives up on timeout from the link, and by itself if the link never answers', () => {
    const h = new Harness().online();
    h.scan();
    h.send({ type: 'arm_timeout', requestId: h.model.pending!.requestId });
    expect(h.model.state).toBe('locked');
    h.scan();
    h.clock.advance(ARM_ATTEMPT_LIMIT_MS - 10);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('authorizing');
    h.clock.advance(20);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('locked');
    expect(h.model.pending).toBeNull();
  });

  it('drops an attempt when the connection is lost', () => {
    const h = new Harness().online();
    h.scan();
    h.send({ type: 'network', up: false });
    expect(h.model).toMatchObject({ state: 'locked', pending: null, offline: true });
  });
});

describe('state machine: armed and arcing', () => {
  it('reports arcs with the grant they ran under', () => {
    const h = new Harness().online();
    h.arm();
    const start = h.send({ type: 'arc_start', atMs: h.clock.now() });
    expect(h.model.state).toBe('arcing');
    expect(h.events(start)[0]).toMatchObject({ type: 'arc.start', grantId: 'grant-1' });
    const summary = {
      startedAt: new Date(h.clock.now()).toISOString(),
      endedAt: new Date(h.clock.now() + 1000).toISOString(),
      durationMs: 1000,
      current: { min: 1, max: 3, mean: 2, p95: 3 },
      voltage: { min: 20, max: 22, mean: 21, p95: 22 },
      samples: 10,
      sampleRateHz: 10,
    };
    const stop = h.send({ type: 'arc_stop', summary });
    expect(h.model.state).toBe('armed');
    expect(h.events(stop)[0]).toMatchObject({ type: 'arc.stop', grantId: 'grant-1', at: summary.endedAt, samples: 10 });
  });

  it('opens the relay at expiresAt, mid-arc and offline, relay first', () => {
    const h = new Harness().online();
    h.arm({ lifetimeMs: 60_000 });
    h.send({ type: 'arc_start', atMs: h.clock.now() });
    h.send({ type: 'network', up: false });
    expect(h.model.state).toBe('arcing'); // a valid grant is honoured offline
    h.clock.advance(59_999);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('arcing');
    h.clock.advance(1);
    const out = h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('locked');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).map((e) => e.type)).toEqual(
      expect.arrayContaining(['state.change', 'relay.change', 'power.cut']),
    );
    expect(h.events(out).find((e) => e.type === 'power.cut')).toMatchObject({
      reason: 'grant_expired',
      grantId: 'grant-1',
    });
    expect(h.model.grant).toBeNull();
  });

  it('opens at once on a revoke for its grant or for any grant, and ignores others', () => {
    const h = new Harness().online();
    h.arm();
    h.send({ type: 'revoke', message: revokeFor(keys, h.clock.now(), 'another-grant') });
    expect(h.model.state).toBe('armed');
    const old = revokeFor(keys, h.clock.now() - 10 * 60_000); // revoke-all from before this grant
    h.send({ type: 'revoke', message: old });
    expect(h.model.state).toBe('armed');
    const out = h.send({ type: 'revoke', message: revokeFor(keys, h.clock.now(), 'grant-1') });
    expect(h.model.state).toBe('locked');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).find((e) => e.type === 'power.cut')).toMatchObject({ reason: 'grant_revoked' });
    expect(only(out, 'display')[0].text['zh-CN']).toBe('动火作业许可已撤销');

    h.arm();
    h.send({ type: 'revoke', message: revokeFor(keys, h.clock.now()) });
    expect(h.model.state).toBe('locked');
  });

  it('ends a pending attempt on a revoke-all issued after it began', () => {
    const h = new Harness().online();
    h.scan();
    h.send({ type: 'revoke', message: revokeFor(keys, h.clock.now()) });
    expect(h.model.state).toBe('locked');
  });

  it('lets the welder end the session with a scan, without a power.cut', () => {
    const h = new Harness().online();
    h.arm();
    const out = h.scan();
    expect(h.model.state).toBe('locked');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).map((e) => e.type)).not.toContain('power.cut');
  });
});

describe('state machine: over-current', () => {
  it("cuts an arc over the grant's maxCurrentA, relay first, with the evidence in power.cut, into locked", () => {
    const h = new Harness().online();
    h.arm({ maxCurrentA: 160 });
    h.send({ type: 'arc_start', atMs: h.clock.now() });
    const out = h.send({ type: 'over_current', currentA: 212.34, limitA: 160 });
    expect(h.model.state).toBe('locked');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).find((e) => e.type === 'power.cut')).toEqual({
      type: 'power.cut',
      at: expect.any(String),
      reason: 'over_current',
      grantId: 'grant-1',
      currentA: 212.3,
      limitA: 160,
    });
    expect(h.events(out).find((e) => e.type === 'state.change')).toMatchObject({
      from: 'arcing',
      to: 'locked',
      trigger: 'over_current',
    });
    expect(only(out, 'display')[0].text['zh-CN']).toContain('超过额定 160 A');
    expect(h.model.grant).toBeNull();
  });

  it("ignores an over-current report for a limit other than the grant's (late sample, or no grant)", () => {
    const h = new Harness().online();
    h.arm({ maxCurrentA: 160 });
    expect(h.send({ type: 'over_current', currentA: 300, limitA: 250 })).toEqual([]);
    expect(h.model.state).toBe('armed');
    h.scan(); // session ended: locked, no grant
    expect(h.send({ type: 'over_current', currentA: 300, limitA: 160 })).toEqual([]);
    expect(h.model.state).toBe('locked');
  });
});

describe('state machine: relay feedback', () => {
  const withFeedback = () => new Harness(new FakeClock(), { ...options, relayFeedback: true }).online();

  it('accepts a contact that follows the command within the settle time', () => {
    const h = withFeedback();
    h.arm();
    h.clock.advance(40);
    h.send({ type: 'relay_feedback', closed: true });
    h.clock.advance(5_000);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('armed');
    h.scan(); // session ended: relay opens
    h.clock.advance(40);
    h.send({ type: 'relay_feedback', closed: false });
    h.clock.advance(5_000);
    expect(h.events(h.send({ type: 'tick', position: null })).filter((e) => e.type === 'relay.fault')).toEqual([]);
  });

  it('welded contacts (closed while commanded open): relay.fault, fault, once, and it does not clear by itself', () => {
    const h = withFeedback();
    h.clock.advance(1_000);
    h.send({ type: 'relay_feedback', closed: true });
    h.clock.advance(299);
    expect(
      h.send({ type: 'tick', position: null }).filter((c) => c.kind === 'journal' && c.event.type === 'relay.fault'),
    ).toEqual([]);
    h.clock.advance(1);
    const out = h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
    expect(h.events(out)[0]).toEqual({ type: 'relay.fault', at: expect.any(String), commanded: false, feedback: true });
    expect(only(out, 'display')[0].text['zh-CN']).toContain('触点粘连');
    h.clock.advance(60_000);
    expect(h.events(h.send({ type: 'tick', position: null })).filter((e) => e.type === 'relay.fault')).toEqual([]);
    expect(h.model.state).toBe('fault');
    h.scan();
    expect(h.model.state).toBe('fault');
  });

  it('contacts that never close (or a dead input) cut an armed session: relay first, power.cut fault', () => {
    const h = withFeedback();
    h.arm();
    h.clock.advance(300);
    const out = h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).find((e) => e.type === 'relay.fault')).toMatchObject({ commanded: true, feedback: false });
    expect(h.events(out).find((e) => e.type === 'power.cut')).toMatchObject({ reason: 'fault', grantId: 'grant-1' });
  });

  it('skips the check when the machine has no feedback contact', () => {
    const h = new Harness().online();
    h.arm();
    h.clock.advance(10_000);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('armed');
  });
});

describe('state machine: gas', () => {
  it('cuts at once at the limit, alerts, and clears only after 60 s below', () => {
    const h = new Harness().online();
    h.arm();
    h.send({ type: 'gas', percentLel: 3 });
    const out = h.send({ type: 'gas', percentLel: 10 });
    expect(h.model.state).toBe('fault');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).map((e) => e.type)).toEqual(['gas.reading', 'state.change', 'relay.change', 'power.cut']);
    expect(h.events(out)[3]).toMatchObject({ reason: 'gas_over_limit' });
    expect(only(out, 'beep')[0].ms).toBeGreaterThanOrEqual(1000);

    h.scan();
    expect(h.model.state).toBe('fault');
    const below = h.send({ type: 'gas', percentLel: 4 });
    expect(h.events(below)).toEqual([expect.objectContaining({ type: 'gas.reading', percentLel: 4 })]); // crossing back is reported at once
    h.clock.advance(59_000);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
    h.send({ type: 'gas', percentLel: 11 }); // back above: the hold restarts
    h.clock.advance(1_000);
    h.send({ type: 'gas', percentLel: 2 });
    h.clock.advance(59_999);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
    h.clock.advance(1);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('locked');
  });

  it('uses the grant limit over the configured one', () => {
    const h = new Harness().online();
    h.arm({ gasLimitPercentLel: 5 });
    h.send({ type: 'gas', percentLel: 6 });
    expect(h.model.state).toBe('fault');
  });

  it('faults from locked too, and journals readings every 10 s while armed', () => {
    const h = new Harness().online();
    h.send({ type: 'gas', percentLel: 2 });
    expect(h.events()).toEqual([]);
    h.arm();
    expect(h.events(h.send({ type: 'gas', percentLel: 2 }))).toHaveLength(1);
    h.clock.advance(5_000);
    expect(h.events(h.send({ type: 'gas', percentLel: 2 }))).toHaveLength(0);
    h.clock.advance(5_000);
    expect(h.events(h.send({ type: 'gas', percentLel: 2 }))).toHaveLength(1);
    const g = new Harness();
    g.send({ type: 'gas', percentLel: 50 });
    expect(g.model.state).toBe('fault');
  });
});

describe('state machine: tamper', () => {
  it('an open enclosure cuts and needs the enclosure closed to leave tamper', () => {
    const h = new Harness().online();
    h.arm();
    const out = h.send({ type: 'enclosure', open: true });
    expect(h.model.state).toBe('tamper');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out)[0]).toMatchObject({ type: 'tamper', switch: 'enclosure', open: true });
    expect(h.events(out).find((e) => e.type === 'power.cut')).toMatchObject({ reason: 'tamper' });
    h.scan();
    expect(h.model.state).toBe('tamper');
    const closed = h.send({ type: 'enclosure', open: false });
    expect(h.events(closed)[0]).toMatchObject({ type: 'tamper', switch: 'enclosure', open: false });
    expect(h.model.state).toBe('locked');
  });

  it('current with the relay open is arc.unauthorized + bypass tamper, once per episode', () => {
    const h = new Harness().online();
    const out = h.send({ type: 'bypass', active: true, currentA: 118.04 });
    expect(h.model.state).toBe('tamper');
    expect(h.events(out).slice(0, 2)).toEqual([
      expect.objectContaining({ type: 'arc.unauthorized', currentA: 118, relayClosed: false }),
      expect.objectContaining({ type: 'tamper', switch: 'bypass_suspected', open: true }),
    ]);
    expect(h.events(h.send({ type: 'bypass', active: true, currentA: 120 }))).toEqual([]);
    h.send({ type: 'enclosure', open: true });
    h.send({ type: 'bypass', active: false, currentA: 120 });
    expect(h.model.state).toBe('tamper'); // enclosure still open
    h.send({ type: 'enclosure', open: false });
    expect(h.model.state).toBe('locked');
  });

  it('gas sets report a bypass without arc events', () => {
    const h = new Harness(new FakeClock(), { ...options, machineKind: 'gas' });
    const out = h.send({ type: 'bypass', active: true, currentA: 8 });
    expect(h.events(out).map((e) => e.type)).toEqual(['tamper', 'state.change']);
  });
});

describe('state machine: watchdog, faults, heartbeats, config, phone', () => {
  it('a watchdog timeout opens the relay and recovers into locked', () => {
    const h = new Harness().online();
    h.arm();
    const out = h.send({ type: 'watchdog', stalledMs: 2500 });
    expect(h.model.state).toBe('fault');
    expect(h.kinds(out)[0]).toBe('relay:open');
    expect(h.events(out).find((e) => e.type === 'power.cut')).toMatchObject({ reason: 'watchdog' });
    h.clock.advance(WATCHDOG_RECOVERY_MS);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('locked');
  });

  it('an internal error is a fault that does not clear by itself', () => {
    const h = new Harness().online();
    h.arm();
    h.send({ type: 'internal_error', detail: 'journal: EIO' });
    expect(h.model.state).toBe('fault');
    h.clock.advance(3_600_000);
    h.send({ type: 'gas', percentLel: 1 });
    h.clock.advance(120_000);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
  });

  it('journals heartbeats every 30 s online and every 300 s offline', () => {
    const h = new Harness();
    const position = { lat: 34.2, lng: 116.1, accuracyM: 5, fixAt: new Date(h.clock.now()).toISOString() };
    const beats = () => h.events(h.send({ type: 'tick', position })).filter((e) => e.type === 'heartbeat');
    expect(beats()).toEqual([
      expect.objectContaining({ type: 'heartbeat', position, relayClosed: false, state: 'locked' }),
    ]);
    h.clock.advance(60_000);
    expect(beats()).toHaveLength(0); // offline: every 300 s
    h.clock.advance(240_000);
    expect(beats()).toHaveLength(1);
    h.online();
    h.clock.advance(29_000);
    expect(beats()).toHaveLength(0);
    h.clock.advance(1_000);
    expect(beats()).toHaveLength(1);
  });

  it('applies a config, persists it, and ignores an older one', () => {
    const h = new Harness().online();
    const out = h.send({
      type: 'config',
      message: configFor(keys, h.clock.now(), { gasLimitPercentLel: 5, heartbeatIntervalS: 60 }),
    });
    expect(only(out, 'save_settings')[0].settings).toMatchObject({ gasLimitPercentLel: 5, heartbeatIntervalS: 60 });
    h.send({ type: 'config', message: configFor(keys, h.clock.now() - 1000, { gasLimitPercentLel: 50 }) });
    expect(h.model.settings.gasLimitPercentLel).toBe(5);
    h.send({ type: 'gas', percentLel: 6 });
    expect(h.model.state).toBe('fault');
  });

  it('phone flow: a push waits for the trigger, then requests with the session and permit', () => {
    const h = new Harness().online();
    h.send({ type: 'grant_push', message: pushFor(keys, h.clock.now()) });
    expect(only(h.last, 'display')[0].text['zh-CN']).toContain('李*');
    h.send({ type: 'trigger', pressed: false, fresh: h.fresh() });
    expect(h.model.state).toBe('locked');
    const out = h.send({ type: 'trigger', pressed: true, fresh: h.fresh() });
    expect(h.model.state).toBe('authorizing');
    expect(only(out, 'arm_request')[0]).toMatchObject({
      credential: { kind: 'phone_session', sessionId: 'session-1' },
      permitId: 'permit-9',
    });
  });

  it('phone flow: ignores pushes while busy, offline or expired, and drops unconfirmed ones after 60 s', () => {
    const h = new Harness().online();
    h.send({ type: 'grant_push', message: pushFor(keys, h.clock.now(), -1) });
    expect(h.model.push).toBeNull();
    h.send({ type: 'grant_push', message: pushFor(keys, h.clock.now()) });
    h.clock.advance(60_001);
    h.send({ type: 'trigger', pressed: true, fresh: h.fresh() });
    expect(h.model.state).toBe('locked');
    h.arm();
    h.send({ type: 'grant_push', message: pushFor(keys, h.clock.now()) });
    expect(h.model.push).toBeNull();
    const off = new Harness();
    off.send({ type: 'grant_push', message: pushFor(keys, off.clock.now()) });
    expect(off.model.push).toBeNull();
  });

  it('a rejected server message is journaled; a rejected grant also ends the attempt', () => {
    const h = new Harness().online();
    const out = h.send({ type: 'server_rejected', messageType: 'grant.revoke', reason: 'bad_signature' });
    expect(h.events(out)).toEqual([
      expect.objectContaining({ type: 'security.rejected', messageType: 'grant.revoke', reason: 'bad_signature' }),
    ]);
    h.scan();
    h.send({
      type: 'server_rejected',
      messageType: 'arm.grant',
      messageId: 'forgedForgedForged00',
      reason: 'bad_signature',
    });
    expect(h.model.state).toBe('locked');
  });
});

describe('state machine: fail closed under any input sequence', () => {
  // A seeded random walk over every input kind; after each step the invariant in Harness.send holds,
  // and the only step that ever closes the relay is a verified grant in authorizing.
  it('never closes the relay except on a verified grant', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const h = new Harness().online();
    const seen = new Set<DeviceState>();
    const summary = () => ({
      startedAt: new Date(h.clock.now() - 1000).toISOString(),
      endedAt: new Date(h.clock.now()).toISOString(),
      durationMs: 1000,
      current: { min: 1, max: 1, mean: 1, p95: 1 },
      voltage: { min: 1, max: 1, mean: 1, p95: 1 },
      samples: 1,
      sampleRateHz: 10,
    });
    const makers: (() => DistributiveOmit<Input, 'now'>)[] = [
      () => ({ type: 'badge', code: 'W3F7K9M2QX4TB8N6RZ5HC1', fresh: h.fresh() }),
      () => ({
        type: 'grant',
        envelope: h.model.pending
          ? grantFor(keys, {
              requestId: h.model.pending.requestId,
              nonce: h.model.pending.nonce,
              now: h.clock.now(),
              lifetimeMs: 20_000,
              maxCurrentA: 160,
            })
          : {},
      }),
      () => ({
        type: 'grant',
        envelope: grantFor(keys, { requestId: 'x'.repeat(22), nonce: 'y'.repeat(22), now: h.clock.now() }),
      }),
      () => ({ type: 'denied', message: deniedFor(keys, h.clock.now(), h.model.pending?.requestId ?? 'z'.repeat(22)) }),
      () => ({ type: 'arm_timeout', requestId: h.model.pending?.requestId ?? '' }),
      () => ({ type: 'revoke', message: revokeFor(keys, h.clock.now()) }),
      () => ({ type: 'arc_start', atMs: h.clock.now() }),
      () => ({ type: 'arc_stop', summary: summary() }),
      () => ({ type: 'bypass', active: rnd() < 0.5, currentA: 50 }),
      () => ({ type: 'over_current', currentA: 200, limitA: h.model.grant?.body.maxCurrentA ?? 160 }),
      () => ({ type: 'relay_feedback', closed: rnd() < 0.5 }),
      () => ({ type: 'enclosure', open: rnd() < 0.3 }),
      () => ({ type: 'gas', percentLel: rnd() * 14 }),
      () => ({ type: 'tick', position: null }),
      () => ({ type: 'watchdog', stalledMs: 3000 }),
      () => ({ type: 'network', up: rnd() < 0.8 }),
      () => ({ type: 'trigger', pressed: rnd() < 0.5, fresh: h.fresh() }),
    ];
    for (let i = 0; i < 3000; i++) {
      const input = makers[Math.floor(rnd() * makers.length)]();
      const before = h.model.state;
      h.clock.advance(Math.floor(rnd() * 20_000));
      const out = h.send(input);
      seen.add(h.model.state);
      if (only(out, 'relay').some((r) => r.closed)) {
        expect(input.type).toBe('grant');
        expect(before).toBe('authorizing');
        expect(h.model.grant).not.toBeNull();
      }
    }
    expect([...seen].sort()).toEqual([...DEVICE_STATES].sort());
  });

  it('covers every trigger of the protocol table', () => {
    const h = new Harness().online();
    const triggers = new Set<string>();
    const record = () => h.events(h.all).forEach((e) => e.type === 'state.change' && triggers.add(e.trigger));
    h.arm();
    h.send({ type: 'arc_start', atMs: h.clock.now() });
    h.send({
      type: 'arc_stop',
      summary: {
        startedAt: new Date(h.clock.now()).toISOString(),
        endedAt: new Date(h.clock.now()).toISOString(),
        durationMs: 0,
        current: { min: 1, max: 1, mean: 1, p95: 1 },
        voltage: { min: 1, max: 1, mean: 1, p95: 1 },
        samples: 1,
        sampleRateHz: 10,
      },
    });
    h.scan(); // session_ended
    h.arm({ lifetimeMs: 1000 });
    h.clock.advance(1000);
    h.send({ type: 'tick', position: null }); // grant_expired
    h.arm();
    h.send({ type: 'revoke', message: revokeFor(keys, h.clock.now()) });
    h.arm({ maxCurrentA: 160 });
    h.send({ type: 'over_current', currentA: 200, limitA: 160 });
    h.scan();
    h.send({ type: 'grant', envelope: {} }); // grant_rejected
    h.scan();
    h.send({ type: 'denied', message: deniedFor(keys, h.clock.now(), h.model.pending!.requestId) });
    h.scan();
    h.send({ type: 'arm_timeout', requestId: h.model.pending!.requestId });
    h.scan();
    h.send({ type: 'network', up: false }); // connection_lost
    h.send({ type: 'gas', percentLel: 50 });
    h.send({ type: 'gas', percentLel: 1 });
    h.clock.advance(60_000);
    h.send({ type: 'tick', position: null }); // fault_cleared
    h.send({ type: 'watchdog', stalledMs: 3000 });
    h.send({ type: 'bypass', active: true, currentA: 30 }); // current_without_relay from fault
    h.send({ type: 'bypass', active: false, currentA: 30 }); // tamper_cleared
    h.send({ type: 'internal_error', detail: 'x' });
    h.send({ type: 'enclosure', open: true });
    h.send({ type: 'enclosure', open: false }); // tamper_cleared
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    h.send({ type: 'board_up' });
    h.send({ type: 'board_reporting' }); // board_recovered
    h.send({ type: 'restarted', live: { state: 'armed', relayClosed: true, aliveAtMs: h.clock.now() - 2_000 } }); // agent_restarted
    h.send({ type: 'network', up: true });
    h.arm();
    h.send({ type: 'stop', arc: null }); // agent_stopped
    record();
    h.events(h.all).forEach((e) => e.type === 'relay.change' && triggers.add(e.trigger));
    expect([...triggers].sort()).toEqual([...TRIGGERS].sort());
  });
});

describe('state machine: issue 18 fail-safe inputs', () => {
  const stats = { min: 100, max: 130, mean: 120, p95: 128 };
  const arcing = () => {
    const h = new Harness().online();
    h.arm();
    h.send({ type: 'arc_start', atMs: h.clock.now() });
    h.clock.advance(2_000);
    return h;
  };
  const summary = (h: Harness) => ({
    startedAt: new Date(h.clock.now() - 2_000).toISOString(),
    endedAt: new Date(h.clock.now()).toISOString(),
    durationMs: 2_000,
    current: stats,
    voltage: { min: 20, max: 26, mean: 24, p95: 25 },
    samples: 20,
    sampleRateHz: 10,
  });

  it('board lost while arcing: board.link, power.cut by the watchdog, the interrupted arc, no relay.change', () => {
    const h = arcing();
    const out = h.send({ type: 'board_lost', cause: 'reports_silent', arc: summary(h) });
    expect(out[0]).toEqual({ kind: 'relay', closed: false });
    expect(h.events().map((e) => e.type)).toEqual(['board.link', 'state.change', 'power.cut', 'arc.stop']);
    expect(h.events()).toEqual([
      expect.objectContaining({ type: 'board.link', up: false, cause: 'reports_silent' }),
      expect.objectContaining({ from: 'arcing', to: 'fault', trigger: 'board_lost' }),
      expect.objectContaining({ reason: 'board_lost', by: 'hardware_watchdog', grantId: 'grant-1' }),
      expect.objectContaining({
        type: 'arc.stop',
        interrupted: 'board_lost',
        samples: 20,
        current: stats,
        grantId: 'grant-1',
      }),
    ]);
    expect(h.model).toMatchObject({ state: 'fault', faultCause: 'board', board: 'lost', arc: null });
    expect(deviceFaults(h.model)).toEqual(['board_lost']);
    // A second report of the same loss changes nothing; a late arc_stop finds no arc.
    expect(h.send({ type: 'board_lost', cause: 'port_closed', arc: null })).toEqual([]);
    h.send({ type: 'arc_stop', summary: summary(h) });
    expect(h.events()).toEqual([]);
  });

  it('an arc cut off without samples is journaled with samples 0 and no statistics', () => {
    const h = arcing();
    h.send({ type: 'board_lost', cause: 'port_error', arc: null });
    const stop = h.events().find((e) => e.type === 'arc.stop')!;
    expect(stop).toMatchObject({ interrupted: 'board_lost', samples: 0, durationMs: 2_000 });
    expect(stop).not.toHaveProperty('current');
  });

  it('recovers a board fault into locked only once reports flow again, and refuses to arm meanwhile', () => {
    const h = arcing();
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    h.send({ type: 'tick', position: null });
    h.send({ type: 'board_up' });
    expect(h.events()).toEqual([expect.objectContaining({ type: 'board.link', up: true })]);
    expect(h.model.state).toBe('fault');
    h.send({ type: 'board_reporting' });
    expect(h.model).toMatchObject({ state: 'locked', board: 'up', faultCause: null });
    expect(h.events()).toEqual([expect.objectContaining({ type: 'state.change', trigger: 'board_recovered' })]);
  });

  it('a stale auxiliary-contact report is not a relay fault while the board is away (it used to latch one)', () => {
    const h = new Harness(new FakeClock(), { ...options, relayFeedback: true }).online();
    h.arm();
    h.send({ type: 'relay_feedback', closed: true });
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    h.events();
    for (let i = 0; i < 30; i++) {
      h.clock.advance(100);
      h.send({ type: 'tick', position: null });
    }
    expect(h.events().filter((e) => e.type === 'relay.fault')).toEqual([]);
    // Back: the board reports the contacts open (it reset with the relay open), and the fault clears.
    h.send({ type: 'board_up' });
    h.send({ type: 'relay_feedback', closed: false });
    h.send({ type: 'board_reporting' });
    h.clock.advance(1_000);
    h.send({ type: 'tick', position: null });
    expect(h.model).toMatchObject({ state: 'locked', faultCause: null });
    expect(h.events().filter((e) => e.type === 'relay.fault')).toEqual([]);
  });

  it('refuses to arm while the board is lost (display, no arm request)', () => {
    const h = new Harness().online();
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    h.send({ type: 'board_up' });
    h.send({ type: 'board_reporting' });
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    const out = h.scan();
    expect(out.some((c) => c.kind === 'arm_request')).toBe(false);
  });

  it('a board fault does not hide a gas fault', () => {
    const h = new Harness().online();
    h.send({ type: 'gas', percentLel: 50 });
    h.send({ type: 'board_lost', cause: 'port_closed', arc: null });
    h.send({ type: 'board_up' });
    h.send({ type: 'board_reporting' });
    expect(h.model).toMatchObject({ state: 'fault', faultCause: 'gas' });
  });

  it('journal unwritable: no arm request, reason shown, status faults; recovers after it stays writable', () => {
    const h = new Harness().online();
    const out = h.send({ type: 'journal_health', writable: false, detail: 'EROFS' });
    expect(out).toEqual(
      expect.arrayContaining([{ kind: 'display', text: TEXT.journalUnwritable }, { kind: 'publish_status' }]),
    );
    expect(deviceFaults(h.model)).toEqual(['journal_unwritable']);
    const scan = h.scan();
    expect(scan.some((c) => c.kind === 'arm_request')).toBe(false);
    expect(scan).toContainEqual({ kind: 'display', text: TEXT.journalUnwritable });
    h.send({ type: 'journal_health', writable: true });
    expect(h.scan().some((c) => c.kind === 'arm_request')).toBe(true);
  });

  it('journal unwritable while armed: relay open, fault, cleared after JOURNAL_RECOVERY_MS writable', () => {
    const h = new Harness().online();
    h.arm();
    const out = h.send({ type: 'journal_health', writable: false });
    expect(out[0]).toEqual({ kind: 'relay', closed: false });
    expect(h.model).toMatchObject({ state: 'fault', faultCause: 'journal' });
    h.send({ type: 'journal_health', writable: true });
    h.clock.advance(JOURNAL_RECOVERY_MS - 1);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('fault');
    h.clock.advance(1);
    h.send({ type: 'tick', position: null });
    expect(h.model.state).toBe('locked');
  });

  it('graceful stop: relay.change, power.cut agent_stopped and the interrupted arc with its statistics', () => {
    const h = arcing();
    const out = h.send({ type: 'stop', arc: summary(h) });
    expect(out[0]).toEqual({ kind: 'relay', closed: false });
    expect(h.events()).toEqual([
      expect.objectContaining({ type: 'state.change', from: 'arcing', to: 'locked', trigger: 'agent_stopped' }),
      expect.objectContaining({ type: 'relay.change', closed: false, trigger: 'agent_stopped' }),
      expect.objectContaining({ type: 'power.cut', reason: 'agent_stopped' }),
      expect.objectContaining({ type: 'arc.stop', interrupted: 'agent_stopped', samples: 20 }),
    ]);
    expect(h.events()[2]).not.toHaveProperty('by');
  });

  it('graceful stop while locked journals only the display', () => {
    const h = new Harness().online();
    h.send({ type: 'stop', arc: null });
    expect(h.events()).toEqual([]);
  });

  it('crash restart: journals the opening, the watchdog cut and the arc the crash cut off', () => {
    const h = new Harness();
    const aliveAtMs = h.clock.now() - 10_000;
    const arcStartedAt = new Date(aliveAtMs - 60_000).toISOString();
    h.send({
      type: 'restarted',
      live: { state: 'arcing', relayClosed: true, grantId: 'grant-9', arcStartedAt, aliveAtMs },
    });
    const endedAt = new Date(aliveAtMs + 500).toISOString();
    expect(h.events()).toEqual([
      expect.objectContaining({ type: 'relay.change', closed: false, trigger: 'agent_restarted', grantId: 'grant-9' }),
      expect.objectContaining({
        type: 'power.cut',
        reason: 'agent_crashed',
        by: 'hardware_watchdog',
        grantId: 'grant-9',
      }),
      {
        type: 'arc.stop',
        at: endedAt,
        grantId: 'grant-9',
        startedAt: arcStartedAt,
        endedAt,
        durationMs: 60_500,
        samples: 0,
        sampleRateHz: 10,
        interrupted: 'agent_crashed',
      },
    ]);
    expect(h.model.state).toBe('locked');
  });

  it('crash restart: a fractional liveness mark (a file mtime) still gives an arc.stop that validates', () => {
    const h = new Harness();
    const aliveAtMs = h.clock.now() - 10_000 + 0.759;
    h.send({
      type: 'restarted',
      live: {
        state: 'arcing',
        relayClosed: true,
        grantId: 'grant-9',
        arcStartedAt: new Date(h.clock.now() - 20_000).toISOString(),
        aliveAtMs,
      },
    });
    const stop = h.events().find((e) => e.type === 'arc.stop') as { durationMs: number } | undefined;
    // The wire format takes whole milliseconds; a fraction made the server refuse the whole batch.
    expect(Number.isInteger(stop?.durationMs)).toBe(true);
  });

  it('crash restart with the relay open journals nothing', () => {
    const h = new Harness();
    h.send({ type: 'restarted', live: { state: 'locked', relayClosed: false, aliveAtMs: h.clock.now() } });
    expect(h.events()).toEqual([]);
  });
});
