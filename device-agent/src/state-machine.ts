/**
 * The agent's brain, with no I/O: (model, input) → (model, commands). It executes the protocol's
 * transition table (nextState) and adds what the table leaves to the device: which events to
 * journal, when the relay moves, timers driven by `tick`. Fail closed: the relay only closes on a
 * grant that passed verifyGrant here, and every other path that leaves armed/arcing opens it first.
 */
import {
  ArcInterruption,
  ARM_REQUEST_RETRIES,
  ARM_REQUEST_TIMEOUT_MS,
  CLOCK_SKEW_MS,
  DeviceFault,
  HARDWARE_WATCHDOG_TIMEOUT_MS,
  Credential,
  GAS_CLEAR_HOLD_MS,
  LocalizedText,
  GAS_READING_INTERVAL_S,
  OFFLINE_HEARTBEAT_JOURNAL_INTERVAL_S,
  PHONE_CONFIRM_TIMEOUT_MS,
  RELAY_FEEDBACK_SETTLE_MS,
  SafetyCutReason,
  Trigger,
  nextState,
  parseInstant,
  relayClosedIn,
  revokeAppliesTo,
  verifyGrant,
} from '@arcgate/protocol';
import { confirmPush, granted, LED_FOR_STATE, overCurrent, TEXT } from './display-texts';
import {
  AgentModel,
  ArcSummary,
  Command,
  EventDraft,
  FreshIds,
  Input,
  MachineOptions,
  StepResult,
} from './state-machine.types';

export * from './state-machine.types';

/** Backstop behind the link's own retries: an attempt never stays open longer than this. */
export const ARM_ATTEMPT_LIMIT_MS = ARM_REQUEST_TIMEOUT_MS * (ARM_REQUEST_RETRIES + 1) + 1_000;
/** A software watchdog fault clears once the loop has run normally this long. */
export const WATCHDOG_RECOVERY_MS = 5_000;

const CUT_REASON: Partial<Record<Trigger, SafetyCutReason>> = {
  grant_expired: 'grant_expired',
  grant_revoked: 'grant_revoked',
  gas_over_limit: 'gas_over_limit',
  over_current: 'over_current',
  tamper_detected: 'tamper',
  current_without_relay: 'tamper',
  watchdog_timeout: 'watchdog',
  internal_error: 'fault',
  agent_stopped: 'agent_stopped',
  board_lost: 'board_lost',
};

/** A journal fault clears once the journal has stayed writable this long (no flapping on a failing disk). */
export const JOURNAL_RECOVERY_MS = 5_000;

/** The device's own health problems, for status.faults (published on every change). */
export function deviceFaults(m: AgentModel): DeviceFault[] {
  const faults: DeviceFault[] = [];
  if (!m.journal.ok) faults.push('journal_unwritable');
  if (m.board !== 'up') faults.push('board_lost');
  if (m.feedback.reported) faults.push('relay_fault');
  return faults;
}

interface FireOptions {
  /** The power.cut's evidence (over_current). */
  cutDetail?: { currentA?: number; limitA?: number };
  /** Events journaled after power.cut (an interrupted arc's arc.stop). */
  after?: EventDraft[];
  /** false: nobody can see the relay move (board lost), so no relay.change; the cut is the watchdog's. */
  observed?: boolean;
}

const iso = (ms: number): string => new Date(ms).toISOString();

class Step {
  readonly commands: Command[] = [];
  constructor(
    readonly m: AgentModel,
    readonly opts: MachineOptions,
    readonly now: number,
  ) {}

  journal(event: EventDraft): void {
    this.commands.push({ kind: 'journal', event });
  }
  display(text: LocalizedText): void {
    this.commands.push({ kind: 'display', text });
  }
  log(level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>): void {
    this.commands.push({ kind: 'log', level, msg, fields });
  }

  /**
   * Applies one trigger of the table. Opening: relay first (safety must not wait for the disk), then
   * `events` and the journal. Closing: journal first, relay last, so a failed write keeps it open.
   * `cutDetail` is the evidence the power.cut of a safety trigger carries.
   */
  fire(trigger: Trigger, events: EventDraft[] = [], options: FireOptions = {}): boolean {
    const { cutDetail = {}, after = [], observed = true } = options;
    const m = this.m;
    const from = m.state;
    const result = nextState(from, trigger, { offline: m.offline });
    if (!result.applied) {
      [...events, ...after].forEach((e) => this.journal(e));
      return false;
    }
    const at = iso(this.now);
    const grantId = m.grant?.body.grantId;
    const closing = result.relayClosed && !m.relayClosed;
    const opening = !result.relayClosed && m.relayClosed;
    if (opening) this.commands.push({ kind: 'relay', closed: false });
    events.forEach((e) => this.journal(e));
    if (result.state !== from) this.journal({ type: 'state.change', at, from, to: result.state, trigger });
    if ((opening && observed) || closing)
      this.journal({ type: 'relay.change', at, closed: result.relayClosed, trigger, ...(grantId ? { grantId } : {}) });
    const cut = CUT_REASON[trigger];
    if (opening && cut)
      this.journal({
        type: 'power.cut',
        at,
        reason: cut,
        ...(grantId ? { grantId } : {}),
        ...cutDetail,
        ...(observed ? {} : { by: 'hardware_watchdog' as const }),
      });
    after.forEach((e) => this.journal(e));
    if (closing) this.commands.push({ kind: 'relay', closed: true });
    if (opening || closing) m.relayChangedAtMs = this.now;

    m.state = result.state;
    m.relayClosed = result.relayClosed;
    if (m.state !== 'authorizing') m.pending = null;
    // Leaving armed/arcing for any reason discards the grant: a new authorization is needed.
    if (!relayClosedIn(m.state)) m.grant = null;
    if (result.state !== from) {
      this.commands.push({ kind: 'led', pattern: LED_FOR_STATE[m.state] });
      this.commands.push({ kind: 'publish_status' });
    }
    return true;
  }

  /**
   * The auxiliary contact must follow the command within RELAY_FEEDBACK_SETTLE_MS. Disagreeing longer
   * (welded or stuck contacts, a broken feedback wire) is an internal error: fault, relay commanded
   * open, reported once per episode, and not cleared by itself.
   */
  checkRelayFeedback(): void {
    const m = this.m;
    // Blind while the board link is down or not reporting yet: the last report is stale, not a fault.
    if (!this.opts.relayFeedback || m.board !== 'up') return;
    const fb = m.feedback;
    if (fb.closed === m.relayClosed) {
      if (fb.reported) m.feedback = { ...fb, reported: false };
      return;
    }
    if (fb.reported || this.now - Math.max(m.relayChangedAtMs, fb.changedAtMs) < RELAY_FEEDBACK_SETTLE_MS) return;
    m.feedback = { ...fb, reported: true };
    this.fire('internal_error', [
      { type: 'relay.fault', at: iso(this.now), commanded: m.relayClosed, feedback: fb.closed },
    ]);
    m.faultCause = 'internal';
    m.faultAtMs = this.now;
    this.display(TEXT.relayFault);
    this.commands.push({ kind: 'beep', ms: 1_000 });
    this.log('error', 'relay feedback disagrees with the command: relay opened, fault', {
      commanded: m.relayClosed,
      feedback: fb.closed,
    });
  }

  /**
   * The arc.stop of an arc cut off by a stop or a lost board: the sampler's statistics so far, or
   * none (samples 0) when it had none. Clears the open arc so no second arc.stop follows.
   */
  interruptedArc(summary: ArcSummary | null, why: ArcInterruption): EventDraft[] {
    const arc = this.m.arc;
    if (!arc) return [];
    this.m.arc = null;
    const grantId = arc.grantId;
    const stats: ArcSummary = summary ?? {
      startedAt: iso(arc.startedAtMs),
      endedAt: iso(Math.max(this.now, arc.startedAtMs)),
      durationMs: Math.max(0, this.now - arc.startedAtMs),
      samples: 0,
      sampleRateHz: this.m.settings.sampleRateHz,
    };
    return [{ type: 'arc.stop', at: stats.endedAt, ...(grantId ? { grantId } : {}), ...stats, interrupted: why }];
  }

  startRequest(fresh: FreshIds, credential: Credential, permitId?: string): void {
    const m = this.m;
    if (m.state !== 'locked') return this.display(TEXT.busy);
    if (!this.opts.serverPublicKey) return this.display(TEXT.unprovisioned);
    // Fail closed on the device's own health: nothing may be granted that could not be recorded or enforced.
    if (!m.journal.ok) return this.display(TEXT.journalUnwritable);
    if (m.board !== 'up') return this.display(TEXT.boardLost);
    if (m.offline) return this.display(TEXT.offline);
    if (!this.fire('arm_requested')) return this.display(TEXT.busy);
    m.pending = { ...fresh, startedAtMs: this.now, credential, ...(permitId ? { permitId } : {}) };
    m.push = null;
    this.commands.push({ kind: 'arm_request', ...fresh, credential, ...(permitId ? { permitId } : {}) });
    this.display(TEXT.authorizing);
  }
}

function cloneModel(model: AgentModel): AgentModel {
  return {
    ...model,
    gas: { ...model.gas },
    settings: { ...model.settings },
    feedback: { ...model.feedback },
    journal: { ...model.journal },
  };
}

export function step(opts: MachineOptions, model: AgentModel, input: Input): StepResult {
  const s = new Step(cloneModel(model), opts, input.now);
  HANDLERS[input.type](s, input as never);
  return { model: s.m, commands: s.commands };
}

type Handler<T extends Input['type']> = (s: Step, input: Extract<Input, { type: T }>) => void;
type HandlerTable = { [T in Input['type']]: Handler<T> };

const HANDLERS: HandlerTable = {
  badge(s, { code, fresh }) {
    // A scan during a session is the welder ending it (the safe reading of an ambiguous scan).
    if (s.m.state === 'armed' || s.m.state === 'arcing') {
      if (s.fire('session_ended')) s.display(TEXT.sessionEnded);
      return;
    }
    s.startRequest(fresh, { kind: 'welder_code', code });
  },

  trigger(s, { pressed, fresh }) {
    const push = s.m.push;
    if (!pressed || !push) return;
    if (s.now > push.confirmByMs) {
      s.m.push = null;
      return;
    }
    s.startRequest(fresh, { kind: 'phone_session', sessionId: push.sessionId }, push.permitId);
  },

  grant_push(s, { message }) {
    const m = s.m;
    const expires = parseInstant(message.body.expiresAt);
    if (m.state !== 'locked' || m.offline || !s.opts.serverPublicKey || !(expires > s.now)) {
      s.log('info', 'grant.push ignored', { state: m.state, offline: m.offline, messageId: message.id });
      return;
    }
    m.push = {
      sessionId: message.body.sessionId,
      permitId: message.body.permitId,
      welderName: message.body.welderName,
      confirmByMs: Math.min(expires, s.now + PHONE_CONFIRM_TIMEOUT_MS),
    };
    s.display(confirmPush(message.body.welderName));
    s.commands.push({ kind: 'beep', ms: 100 });
  },

  grant(s, { envelope }) {
    const m = s.m;
    const pending = m.pending;
    const messageId = (envelope as { id?: unknown } | null)?.id;
    if (m.state !== 'authorizing' || !pending || !s.opts.serverPublicKey) {
      s.log('warn', 'arm.grant while not authorizing ignored', { state: m.state, messageId });
      return;
    }
    const check = verifyGrant(envelope, {
      serverPublicKey: s.opts.serverPublicKey,
      chip: s.opts.chip,
      expectedNonce: pending.nonce,
      expectedRequestId: pending.requestId,
      now: new Date(s.now),
    });
    if (!check.ok) {
      const rejected: EventDraft = {
        type: 'security.rejected',
        at: iso(s.now),
        messageType: 'arm.grant',
        reason: check.failure,
        ...(typeof messageId === 'string' && messageId.length > 0 && messageId.length <= 64 ? { messageId } : {}),
      };
      s.fire('grant_rejected', [rejected]);
      s.display(TEXT.badGrant);
      s.commands.push({ kind: 'beep', ms: 600 });
      return;
    }
    m.grant = check.grant;
    s.fire('grant_verified');
    s.display(granted(check.grant.body.welderName));
    s.commands.push({ kind: 'beep', ms: 100 });
  },

  denied(s, { message }) {
    if (s.m.state !== 'authorizing' || s.m.pending?.requestId !== message.body.requestId) return;
    s.fire('arm_denied');
    s.display(message.body.message);
    s.commands.push({ kind: 'beep', ms: 600 });
  },

  arm_timeout(s, { requestId }) {
    if (s.m.state !== 'authorizing' || s.m.pending?.requestId !== requestId) return;
    s.fire('arm_timeout');
    s.display(TEXT.timeout);
  },

  revoke(s, { message }) {
    const m = s.m;
    const applies =
      revokeAppliesTo(message, m.grant) ||
      // No grant held yet: a revoke-all issued after this attempt began ends the attempt too.
      (m.state === 'authorizing' &&
        !m.grant &&
        message.body.grantId === undefined &&
        !!m.pending &&
        parseInstant(message.ts) >= m.pending.startedAtMs - CLOCK_SKEW_MS);
    if (!applies) {
      s.log('info', 'grant.revoke does not apply to the current grant', {
        messageId: message.id,
        grantId: message.body.grantId,
      });
      return;
    }
    s.fire('grant_revoked');
    s.display(message.body.message);
    s.commands.push({ kind: 'beep', ms: 600 });
  },

  server_rejected(s, { messageType, messageId, reason }) {
    const rejected: EventDraft = {
      type: 'security.rejected',
      at: iso(s.now),
      messageType: messageType.slice(0, 32) || 'unknown',
      reason,
      ...(messageId ? { messageId } : {}),
    };
    // §10 "Bad grant": a grant failing any check ends the attempt.
    if (messageType === 'arm.grant' && s.m.state === 'authorizing') {
      s.fire('grant_rejected', [rejected]);
      s.display(TEXT.badGrant);
    } else {
      s.journal(rejected);
    }
  },

  arc_start(s, { atMs }) {
    const m = s.m;
    if (m.state !== 'armed' || m.arc) return;
    const grantId = m.grant?.body.grantId;
    m.arc = { ...(grantId ? { grantId } : {}), startedAtMs: atMs };
    s.fire('arc_detected', [{ type: 'arc.start', at: iso(atMs), ...(grantId ? { grantId } : {}) }]);
  },

  arc_stop(s, { summary }) {
    const m = s.m;
    if (!m.arc) return;
    const grantId = m.arc.grantId;
    m.arc = null;
    const stop: EventDraft = { type: 'arc.stop', at: summary.endedAt, ...(grantId ? { grantId } : {}), ...summary };
    s.fire('arc_ended', [stop]);
  },

  bypass(s, { active, currentA }) {
    const m = s.m;
    if (active === m.bypassActive) return;
    m.bypassActive = active;
    const at = iso(s.now);
    if (active) {
      const events: EventDraft[] = [];
      // Gas sets have no welding current; their flow-without-valve is reported as the tamper only.
      if (s.opts.machineKind !== 'gas')
        events.push({
          type: 'arc.unauthorized',
          at,
          currentA: Math.min(5_000, Math.round(currentA * 10) / 10),
          relayClosed: false,
        });
      events.push({ type: 'tamper', at, switch: 'bypass_suspected', open: true });
      s.fire('current_without_relay', events);
      s.display(TEXT.bypass);
      s.commands.push({ kind: 'beep', ms: 1_000 });
      return;
    }
    s.journal({ type: 'tamper', at, switch: 'bypass_suspected', open: false });
    if (m.state === 'tamper' && !m.enclosureOpen && s.fire('tamper_cleared')) s.display(TEXT.tamperCleared);
  },

  over_current(s, { currentA, limitA }) {
    // Only the limit of the grant in force counts: a late sample after the cut changes nothing.
    if (s.m.grant?.body.maxCurrentA !== limitA) return;
    const measured = Math.min(5_000, Math.round(currentA * 10) / 10);
    if (s.fire('over_current', [], { cutDetail: { currentA: measured, limitA } })) {
      s.display(overCurrent(measured, limitA));
      s.commands.push({ kind: 'beep', ms: 1_000 });
    }
  },

  relay_feedback(s, { closed }) {
    if (closed !== s.m.feedback.closed) s.m.feedback = { ...s.m.feedback, closed, changedAtMs: s.now };
    s.checkRelayFeedback();
  },

  enclosure(s, { open }) {
    const m = s.m;
    if (open === m.enclosureOpen) return;
    m.enclosureOpen = open;
    const event: EventDraft = { type: 'tamper', at: iso(s.now), switch: 'enclosure', open };
    if (open) {
      s.fire('tamper_detected', [event]);
      s.display(TEXT.tamper);
      s.commands.push({ kind: 'beep', ms: 1_000 });
      return;
    }
    s.journal(event);
    if (m.state === 'tamper' && !m.bypassActive && s.fire('tamper_cleared')) s.display(TEXT.tamperCleared);
  },

  gas(s, { percentLel }) {
    const m = s.m;
    const limit = m.grant?.body.gasLimitPercentLel ?? m.settings.gasLimitPercentLel;
    const above = percentLel >= limit;
    const crossed = above !== m.gas.above;
    const periodic =
      (m.state === 'armed' || m.state === 'arcing') &&
      (m.gas.lastJournaledAtMs === null || s.now - m.gas.lastJournaledAtMs >= GAS_READING_INTERVAL_S * 1_000);
    m.gas.percentLel = percentLel;
    m.gas.above = above;
    const events: EventDraft[] = [];
    if (crossed || periodic) {
      events.push({
        type: 'gas.reading',
        at: iso(s.now),
        percentLel: Math.min(100, Math.max(0, Math.round(percentLel * 10) / 10)),
        limitPercentLel: limit,
      });
      m.gas.lastJournaledAtMs = s.now;
    }
    if (!above) {
      if (m.gas.belowSinceMs === null) m.gas.belowSinceMs = s.now;
      events.forEach((e) => s.journal(e));
      return;
    }
    m.gas.belowSinceMs = null;
    if (s.fire('gas_over_limit', events)) {
      m.faultCause = 'gas';
      m.faultAtMs = s.now;
      s.display(TEXT.gas);
      s.commands.push({ kind: 'beep', ms: 1_000 });
    } else if (m.state === 'fault') {
      m.faultCause = m.faultCause === 'internal' ? 'internal' : 'gas';
    }
  },

  tick(s, { position }) {
    const m = s.m;
    const now = s.now;
    s.checkRelayFeedback();
    if (m.grant && now >= parseInstant(m.grant.body.expiresAt)) {
      if (!s.fire('grant_expired')) m.grant = null;
      s.display(TEXT.expired);
    }
    if (m.state === 'authorizing' && m.pending && now - m.pending.startedAtMs > ARM_ATTEMPT_LIMIT_MS) {
      s.fire('arm_timeout');
      s.display(TEXT.timeout);
    }
    if (m.push && now > m.push.confirmByMs) m.push = null;
    if (m.state === 'fault' && !m.gas.above) {
      const gasClear = m.gas.belowSinceMs !== null && now - m.gas.belowSinceMs >= GAS_CLEAR_HOLD_MS;
      const clear =
        (m.faultCause === 'gas' && gasClear) ||
        (m.faultCause === 'watchdog' && m.faultAtMs !== null && now - m.faultAtMs >= WATCHDOG_RECOVERY_MS) ||
        (m.faultCause === 'journal' &&
          m.journal.ok &&
          m.journal.okSinceMs !== null &&
          now - m.journal.okSinceMs >= JOURNAL_RECOVERY_MS &&
          m.board === 'up');
      if (clear && s.fire('fault_cleared')) {
        m.faultCause = null;
        m.faultAtMs = null;
        s.display(TEXT.faultCleared);
      }
    }
    const periodS = m.offline ? OFFLINE_HEARTBEAT_JOURNAL_INTERVAL_S : m.settings.heartbeatIntervalS;
    if (m.lastHeartbeatAtMs === null || now - m.lastHeartbeatAtMs >= periodS * 1_000) {
      m.lastHeartbeatAtMs = now;
      s.journal({ type: 'heartbeat', at: iso(now), position, relayClosed: m.relayClosed, state: m.state });
    }
  },

  watchdog(s, { stalledMs }) {
    const m = s.m;
    s.fire('watchdog_timeout');
    if (m.faultCause !== 'gas' && m.faultCause !== 'internal') m.faultCause = 'watchdog';
    m.faultAtMs = s.now;
    s.display(TEXT.watchdog);
    s.log('error', 'main loop stalled: relay opened', { stalledMs });
  },

  internal_error(s, { detail }) {
    s.fire('internal_error');
    s.m.faultCause = 'internal';
    s.m.faultAtMs = s.now;
    s.display(TEXT.internal);
    s.log('error', 'internal error: relay opened', { detail });
  },

  network(s, { up }) {
    const m = s.m;
    if (m.offline === !up) return;
    m.offline = !up;
    if (up) return;
    m.push = null;
    if (s.fire('connection_lost')) s.display(TEXT.offline);
  },

  board_lost(s, { cause, arc }) {
    const m = s.m;
    if (m.board === 'lost') return;
    m.board = 'lost';
    // Blind: readings from before the loss must not count toward clearing a gas fault, and the
    // auxiliary contact is unknown until the board reports it again (none counts as open).
    m.gas.belowSinceMs = null;
    m.feedback = { closed: false, changedAtMs: s.now, reported: false };
    const at = iso(s.now);
    const wasFault = m.state === 'fault';
    // The heartbeat stopped with the link, so the board's watchdog cuts power: journal what is known,
    // and no relay.change (nobody saw the relay move).
    s.fire('board_lost', [{ type: 'board.link', at, up: false, cause }], {
      observed: false,
      after: s.interruptedArc(arc, 'board_lost'),
    });
    // An earlier gas, internal or journal fault still in force keeps its (stricter) way out.
    if (!wasFault || (m.faultCause !== 'gas' && m.faultCause !== 'internal' && m.faultCause !== 'journal'))
      m.faultCause = 'board';
    m.faultAtMs = s.now;
    s.display(TEXT.boardLost);
    s.commands.push({ kind: 'publish_status' });
    s.log('error', 'board link lost: heartbeat stopped, the hardware watchdog cuts power; output state unknown', {
      cause,
    });
  },

  board_up(s) {
    const m = s.m;
    if (m.board !== 'lost') return;
    m.board = 'reopened';
    s.journal({ type: 'board.link', at: iso(s.now), up: true });
    s.log('info', 'board link up again (relay driven open); waiting for reports');
  },

  board_reporting(s) {
    const m = s.m;
    if (m.board !== 'reopened') return;
    m.board = 'up';
    s.commands.push({ kind: 'publish_status' });
    if (m.state !== 'fault' || m.faultCause !== 'board') return;
    if (!s.fire('board_recovered')) return;
    m.faultCause = null;
    m.faultAtMs = null;
    // The enclosure or a bypass seen while the board was away still stands.
    const tampered = m.enclosureOpen || m.bypassActive;
    if (tampered) s.fire('tamper_detected');
    s.display(tampered ? TEXT.tamper : TEXT.boardRecovered);
  },

  journal_health(s, { writable, detail }) {
    const m = s.m;
    if (writable) {
      if (m.journal.ok) return;
      m.journal = { ok: true, okSinceMs: s.now };
      s.commands.push({ kind: 'publish_status' });
      s.log('info', 'journal writable again');
      return;
    }
    if (!m.journal.ok) return;
    m.journal = { ok: false, okSinceMs: null };
    // Nothing may go on that cannot be recorded: an attempt ends, a session's power is cut.
    if (m.state === 'authorizing' || m.state === 'armed' || m.state === 'arcing') {
      s.fire('internal_error');
      m.faultCause = 'journal';
      m.faultAtMs = s.now;
    }
    s.display(TEXT.journalUnwritable);
    s.commands.push({ kind: 'publish_status' });
    s.log('error', 'journal cannot be written: no arm requests until it can', { detail });
  },

  stop(s, { arc }) {
    s.fire('agent_stopped', [], { after: s.interruptedArc(arc, 'agent_stopped') });
    s.display(TEXT.stopped);
  },

  restarted(s, { live }) {
    const m = s.m;
    if (!live.relayClosed || !s.fire('agent_restarted')) return;
    const at = iso(s.now);
    const grantId = live.grantId;
    const g = grantId ? { grantId } : {};
    // The opening at start-up is this boot's doing; the cut itself was the watchdog's, after the crash.
    s.journal({ type: 'relay.change', at, closed: false, trigger: 'agent_restarted', ...g });
    s.journal({ type: 'power.cut', at, reason: 'agent_crashed', by: 'hardware_watchdog', ...g });
    const startedMs = live.arcStartedAt ? parseInstant(live.arcStartedAt) : NaN;
    if (Number.isFinite(startedMs)) {
      // Whole milliseconds: durationMs is an integer on the wire, and a file's mtime is not.
      const endedMs = Math.round(Math.max(startedMs, Math.min(s.now, live.aliveAtMs + HARDWARE_WATCHDOG_TIMEOUT_MS)));
      const endedAt = iso(endedMs);
      s.journal({
        type: 'arc.stop',
        at: endedAt,
        ...g,
        startedAt: iso(startedMs),
        endedAt,
        durationMs: endedMs - startedMs,
        samples: 0,
        sampleRateHz: m.settings.sampleRateHz,
        interrupted: 'agent_crashed',
      });
    }
    s.log('warn', 'restarted after a crash that left the relay closed: the opening is journaled', {
      grantId,
      arcStartedAt: live.arcStartedAt,
    });
  },

  config(s, { message }) {
    const m = s.m;
    if (m.settings.configTs !== null && parseInstant(message.ts) < parseInstant(m.settings.configTs)) {
      s.log('info', 'older config ignored', { messageId: message.id });
      return;
    }
    const { heartbeatIntervalS, gasLimitPercentLel, arcCurrentThresholdA, sampleRateHz } = message.body;
    m.settings = {
      heartbeatIntervalS: heartbeatIntervalS ?? m.settings.heartbeatIntervalS,
      gasLimitPercentLel: gasLimitPercentLel ?? m.settings.gasLimitPercentLel,
      arcCurrentThresholdA: arcCurrentThresholdA ?? m.settings.arcCurrentThresholdA,
      sampleRateHz: sampleRateHz ?? m.settings.sampleRateHz,
      configTs: message.ts,
    };
    s.commands.push({ kind: 'save_settings', settings: m.settings });
  },
};
