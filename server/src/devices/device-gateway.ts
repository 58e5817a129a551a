import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { runsDevicePlane } from '../config/server-role';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import {
  armDeniedBody,
  ArmRequestBody,
  CertRenewBody,
  DeviceEvent,
  EVENT_BATCH_MAX_EVENTS,
  EventBatchBody,
  isFresh,
  isPlainObject,
  MAX_MESSAGE_BYTES,
  MESSAGE_ID_PATTERN,
  MessageType,
  OnlineStatusMessage,
  openDeviceMessage,
  Problem,
  ReasonCode,
  StatusMessage,
  validateEvent,
  verifyEnvelope,
} from '@arcgate/protocol';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { InboundDeviceMessage } from '../mqtt/device-traffic';
import { MqttConnection } from '../mqtt/mqtt-connection';
import { TelemetryIngest } from '../telemetry/telemetry-ingest';
import {
  ARM_REQUEST_HANDLER,
  ArmRequestHandler,
  DEVICE_OUTBOX,
  DeviceOutbox,
  VerifiedDeviceMessage,
} from '../device-core/device-ports';
import { BoundChip, ChipsRepository } from './chips.repository';
import { ChipsService } from './chips.service';
import { DeviceAlerts } from '../device-core/device-alerts';
import { DevicePresence } from './device-presence';
import { FloodWatch } from './flood-watch';
import { MessageSeqRecorder } from './message-seq-recorder';
import { MessageSeqWindow } from './message-seq-window';
import { DeviceRateLimiter } from './rate-limiter';
import { RejectionReason } from './rejected-message.entity';
import { payloadExcerpt, RejectedMessagesRepository } from './rejected-messages.repository';
import { CertificateRenewal } from './pki/certificate-renewal';
import { KeyedSerial } from '../common/concurrency/keyed-serial';

const SAID_EXCERPT = 1024;
/**
 * A chip whose last message was recorded this recently is being heard by another replica (or was, just
 * before a restart): seeding a window then leaves room for its messages still in flight (MessageSeqWindow.seed).
 * Well above the recorder's 1 s flush plus the lag between two replicas handling the same status.
 */
const OTHER_REPLICA_ACTIVE_MS = 10_000;

/** Evidence of what a device said: parsed JSON when small and valid, else a text excerpt. */
function whatItSaid(payload: Buffer): unknown {
  const text = payloadExcerpt(payload);
  if (payload.length <= SAID_EXCERPT) {
    try {
      return JSON.parse(payload.toString('utf8'));
    } catch {
      return text;
    }
  }
  return `${text.slice(0, SAID_EXCERPT)}…`;
}

function isOfflineStatus(payload: Buffer): boolean {
  try {
    const v = JSON.parse(payload.toString('utf8')) as { type?: unknown; body?: { online?: unknown } };
    return v?.type === 'status' && v.body?.online === false;
  } catch {
    return false;
  }
}

/** Denials answered to a rate-limited chip: a few per second at most, so the answers cannot become the flood. */
const RATE_LIMITED_ANSWERS = { capacity: 3, perSecond: 1 };

/** The message id of an unverified payload, when it has a well-formed one (to answer a rate-limited request). */
function claimedId(payload: Buffer): string | null {
  try {
    const id = (JSON.parse(payload.toString('utf8')) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && MESSAGE_ID_PATTERN.test(id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * Every device message enters here, handed over by MqttConnection.subscribeToDevices with its topic
 * parsed: per-chip rate limit → size → chip known and bound → signature with the bound key, topic
 * chip = envelope chip, validation, freshness (every type; only a retained status delivered on
 * subscribe is exempt) → envelope seq (each seq once, §5.3) → dispatch. Whatever fails is written to
 * rejected_messages; bad signatures also raise FORGED_MESSAGE, unknown chips UNREGISTERED_DEVICE,
 * signed but malformed messages DEVICE_MESSAGE_REJECTED (an events batch gets a negative ack), floods
 * DEVICE_FLOOD. An offline catch-up is fresh: the envelope `ts` is the send time, only the events inside are old.
 */
@Injectable()
export class DeviceGateway implements OnModuleInit {
  private readonly logger = new Logger('DeviceGateway');
  private subscribed!: Promise<void>;
  private markSubscribed!: () => void;
  /** Bounds the RATE_LIMITED answers themselves (same clock as the limiter). */
  private readonly answerLimiter: DeviceRateLimiter;
  /**
   * A chip's statuses, handled one after another in arrival order. Messages are otherwise handled
   * concurrently, and a reconnecting device's last will (offline) and its new online status arrive
   * milliseconds apart: under load the online write could finish first and the will's then undo it.
   */
  private readonly statusOrder = new KeyedSerial();

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly chips: ChipsService,
    private readonly chipsRepo: ChipsRepository,
    private readonly rejected: RejectedMessagesRepository,
    private readonly alerts: DeviceAlerts,
    private readonly ingest: TelemetryIngest,
    private readonly presence: DevicePresence,
    private readonly seqs: MessageSeqRecorder,
    private readonly seqWindow: MessageSeqWindow,
    private readonly limiter: DeviceRateLimiter,
    private readonly flood: FloodWatch,
    private readonly clock: Clock,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
    /** The arm decision (bound at the composition root, see DevicesModule.withArmRequestsFrom). */
    @Inject(ARM_REQUEST_HANDLER) private readonly armRequests: ArmRequestHandler,
    private readonly renewal: CertificateRenewal,
    /** SERVER_ROLE (config/server-role.ts): absent in unit tests, which run every role. */
    @Optional() @Inject(APP_CONFIG) private readonly roleConfig: AppConfig | null = null,
  ) {
    this.subscribed = new Promise((resolve) => (this.markSubscribed = resolve));
    this.answerLimiter = new DeviceRateLimiter(limiter.clockForAnswers);
    this.answerLimiter.limits = { arm: RATE_LIMITED_ANSWERS, other: RATE_LIMITED_ANSWERS };
  }

  onModuleInit(): void {
    if (!runsDevicePlane(this.roleConfig ?? {})) return;
    void this.mqtt.subscribeToDevices((m) => this.handle(m)).then(this.markSubscribed);
  }

  /** Resolves once the device topics are subscribed (tests wait for it). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  async handle(inbound: InboundDeviceMessage): Promise<void> {
    const receivedAt = this.clock.now();
    const { payload, chip: chipId, type } = inbound;
    // Only a status is retained by design. A request or batch a device published with retain set is
    // checked like any other message when the broker re-delivers it (stale, seq used: refused).
    const retained = inbound.retained && type === 'status';
    // First, before any database work or signature check: a flood costs a map lookup per message.
    // A retained status delivered on (re)subscribe is the broker's copy, not the chip speaking now.
    if (!retained) {
      const cls = type === 'arm.request' ? 'arm' : 'other';
      const verdict = this.limiter.take(chipId, cls);
      if (!verdict.ok) return this.onRateLimited(chipId, type, cls, payload, verdict.retryAfterS);
    }
    // After the limiter: a flooding chip's statuses are refused, not queued.
    if (type === 'status')
      return this.statusOrder.run(chipId, () => this.checkAndDispatch(inbound, receivedAt, retained));
    return this.checkAndDispatch(inbound, receivedAt, retained);
  }

  private async checkAndDispatch(inbound: InboundDeviceMessage, receivedAt: Date, retained: boolean): Promise<void> {
    const { topic, payload, chip: chipId, type } = inbound;
    const reject = (reason: RejectionReason, detail: Record<string, unknown>) =>
      this.rejected.record({ receivedAt, topic, chipId, reason, detail, payload });
    if (payload.length > MAX_MESSAGE_BYTES)
      return reject('malformed', { problem: `payload exceeds ${MAX_MESSAGE_BYTES} bytes`, bytes: payload.length });

    const bound = await this.chips.findBoundByChipId(chipId);
    if (!bound) return this.fromUnboundChip(chipId, topic, type, payload, receivedAt, reject);
    if (!this.seqWindow.has(chipId)) {
      const last = await this.chipsRepo.lastMessageSeq(chipId);
      const othersActive = !!last.seenAt && receivedAt.getTime() - last.seenAt.getTime() < OTHER_REPLICA_ACTIVE_MS;
      this.seqWindow.seed(chipId, last.seq, othersActive);
    }

    const opened = openDeviceMessage(payload, {
      chip: chipId,
      type,
      publicKey: this.chips.keyOf(bound) ?? bound.publicKey,
      now: receivedAt,
      checkFreshness: !retained,
    });
    if (!opened.ok) {
      const reason: RejectionReason =
        opened.reason === ReasonCode.BAD_SIGNATURE
          ? 'bad_signature'
          : opened.reason === ReasonCode.REQUEST_EXPIRED
            ? 'expired'
            : 'malformed';
      if (reason === 'malformed' && opened.answerable && type === 'events')
        return this.rejectBatch(bound, payload, opened.problems, receivedAt, reject);
      await reject(reason, { reason: opened.reason, problems: opened.problems.slice(0, 10) });
      if (reason === 'bad_signature') {
        this.logger.warn(`forged message on ${topic}`);
        // Not awaited: DeviceAlerts never throws, and a flood of forgeries must not queue behind alert writes.
        void this.alerts.raise({
          type: AlertType.FORGED_MESSAGE,
          enterpriseId: bound.enterpriseId,
          machineId: bound.machineId,
          chipId,
          occurredAt: receivedAt,
          evidence: { chipId, topic, said: whatItSaid(payload) },
          dedupeKey: `device:forged:${chipId}`,
        });
      } else if (reason === 'malformed' && opened.answerable) {
        this.malformedAlert(bound, type, opened.problems, payload, receivedAt);
      } else if (reason === 'expired') {
        this.logger.warn(`stale ${type} from ${chipId} refused`);
        // Connected (its token was fresh enough) but its messages are not: its events wait in its journal
        // until someone sets its clock, so someone must be told. One alert per chip, repeats counted.
        this.staleAlert(bound, type, payload, receivedAt);
      }
      if (opened.answerable && opened.messageId && type === 'arm.request')
        await this.deny(chipId, opened.messageId, opened.reason);
      if (opened.answerable && opened.messageId && type === 'cert.renew')
        await this.renewal.deny(chipId, opened.messageId, opened.reason);
      return;
    }

    const message = opened.message;
    // The offline status is unsigned and has no seq: it can only mark the chip offline. A retained status is an old copy.
    const seq = (message as { seq?: number }).seq;
    let duplicate = false;
    if (!retained && seq !== undefined) {
      const verdict = this.seqWindow.check(chipId, seq, (message as { id: string }).id);
      if (verdict === 'replayed') {
        this.logger.warn(`${type} from ${chipId} reuses seq ${seq}: refused`);
        await reject('replayed', { reason: ReasonCode.SEQ_REPLAYED, seq, id: (message as { id: string }).id });
        // A replayed capture, or a device that lost its counter: either way someone must look. One alert per chip, counted.
        void this.alerts.raise({
          type: AlertType.DEVICE_MESSAGE_REJECTED,
          enterpriseId: bound.enterpriseId,
          machineId: bound.machineId,
          chipId,
          occurredAt: receivedAt,
          evidence: { chipId, type, reason: ReasonCode.SEQ_REPLAYED, seq, id: (message as { id: string }).id },
          dedupeKey: `device:replayed:${chipId}`,
        });
        if (type === 'arm.request') await this.deny(chipId, (message as { id: string }).id, ReasonCode.SEQ_REPLAYED);
        if (type === 'cert.renew')
          await this.renewal.deny(chipId, (message as { id: string }).id, ReasonCode.SEQ_REPLAYED);
        return;
      }
      duplicate = verdict === 'duplicate';
      if (!duplicate) this.seqs.record(chipId, seq, receivedAt);
    }
    if (type === 'status') {
      // A QoS 1 re-delivery of a status already applied says nothing new.
      if (duplicate) return;
      return this.onStatus(bound, message as StatusMessage, receivedAt, retained);
    }
    const envelope = message as VerifiedDeviceMessage<unknown>['envelope'];
    const verified = { chipId, machineId: bound.machineId, envelope, receivedAt };
    if (type === 'events') {
      // A duplicate is stored idempotently (event seqs) and acknowledged again.
      await this.ingest
        .accept({ ...(verified as VerifiedDeviceMessage<EventBatchBody>), enterpriseId: bound.enterpriseId })
        .catch((e: Error) => {
          // Not stored, so not acked: the device re-sends after EVENTS_ACK_TIMEOUT_MS.
          this.logger.warn(`events from ${chipId} not stored yet: ${e.message}`);
        });
      return;
    }
    // A duplicate arm.request (the device's identical retry) is answered from the decision already taken.
    if (type === 'arm.request') return this.onArmRequest(verified as VerifiedDeviceMessage<ArmRequestBody>);
    // A renewal's identical retry is answered with the certificate already issued for it (§3.4).
    if (type === 'cert.renew') return this.renewal.handle(bound, verified as VerifiedDeviceMessage<CertRenewBody>);
  }

  /**
   * A correctly signed events batch that breaks the body rules (§11.6): the raw message is kept,
   * DEVICE_MESSAGE_REJECTED raised, the events that pass on their own are stored, and the ack names
   * the seqs of those that do not in `rejected`, so the device stops re-sending them.
   */
  private async rejectBatch(
    bound: BoundChip,
    payload: Buffer,
    problems: Problem[],
    receivedAt: Date,
    reject: (r: RejectionReason, d: Record<string, unknown>) => Promise<void>,
  ): Promise<void> {
    const value = JSON.parse(payload.toString('utf8')) as { id: string; seq: number; ts: string; body?: unknown };
    // The body rules come before freshness in openDeviceMessage; a broken batch must still be fresh to be acted on.
    if (!isFresh(value.ts, receivedAt)) {
      await reject('expired', { reason: ReasonCode.REQUEST_EXPIRED, problems: problems.slice(0, 10) });
      return this.staleAlert(bound, 'events', payload, receivedAt);
    }
    if (this.seqWindow.check(bound.chipId, value.seq, value.id) === 'replayed') {
      return reject('replayed', { reason: ReasonCode.SEQ_REPLAYED, seq: value.seq, id: value.id });
    }
    const raw = isPlainObject(value.body) && Array.isArray(value.body.events) ? (value.body.events as unknown[]) : [];
    const good: DeviceEvent[] = [];
    const goodSeqs = new Set<number>();
    const badSeqs = new Set<number>();
    raw.forEach((e, i) => {
      const seq = isPlainObject(e) && Number.isSafeInteger(e.seq) && (e.seq as number) >= 1 ? (e.seq as number) : null;
      if (seq !== null && !goodSeqs.has(seq) && validateEvent(e, `$.body.events[${i}]`).length === 0) {
        good.push(e as DeviceEvent);
        goodSeqs.add(seq);
      } else if (seq !== null) badSeqs.add(seq);
    });
    const rejected = [...badSeqs]
      .filter((s) => !goodSeqs.has(s))
      .sort((a, b) => a - b)
      .slice(0, EVENT_BATCH_MAX_EVENTS);
    await reject('malformed', {
      reason: ReasonCode.MALFORMED,
      problems: problems.slice(0, 10),
      storedSeqs: good.length,
      rejectedSeqs: rejected,
    });
    this.malformedAlert(bound, 'events', problems, payload, receivedAt, rejected);
    this.logger.warn(
      `events ${value.id} from ${bound.chipId} break the body rules: ${rejected.length} event(s) rejected, ${good.length} stored`,
    );
    const envelope = {
      ...value,
      body: { events: good },
    } as unknown as VerifiedDeviceMessage<EventBatchBody>['envelope'];
    await this.ingest
      .accept({
        chipId: bound.chipId,
        machineId: bound.machineId,
        enterpriseId: bound.enterpriseId,
        envelope,
        receivedAt,
        rejected,
      })
      .catch((e: Error) => {
        this.logger.warn(`events from ${bound.chipId} not stored yet: ${e.message}`);
      });
  }

  private malformedAlert(
    bound: BoundChip,
    type: MessageType,
    problems: Problem[],
    payload: Buffer,
    receivedAt: Date,
    rejectedSeqs?: number[],
  ): void {
    void this.alerts.raise({
      type: AlertType.DEVICE_MESSAGE_REJECTED,
      enterpriseId: bound.enterpriseId,
      machineId: bound.machineId,
      chipId: bound.chipId,
      occurredAt: receivedAt,
      evidence: {
        chipId: bound.chipId,
        type,
        problems: problems.slice(0, 5),
        ...(rejectedSeqs ? { rejectedSeqs } : {}),
        said: whatItSaid(payload),
      },
      dedupeKey: `device:malformed:${bound.chipId}`,
    });
  }

  private staleAlert(bound: BoundChip, type: MessageType, payload: Buffer, receivedAt: Date): void {
    let ts: unknown;
    try {
      ts = (JSON.parse(payload.toString('utf8')) as { ts?: unknown }).ts;
    } catch {
      return;
    }
    const deviceMs = typeof ts === 'string' ? Date.parse(ts) : NaN;
    if (!Number.isFinite(deviceMs)) return;
    void this.alerts.clockSkew(bound, {
      event: 'message',
      messageType: type,
      deviceTime: new Date(deviceMs).toISOString(),
      serverTime: receivedAt.toISOString(),
      skewMs: deviceMs - receivedAt.getTime(),
    });
  }

  /** Over the chip's budget: counted for the flood alert; an arm.request is told to come back later (a few answers a second at most). */
  private async onRateLimited(
    chipId: string,
    type: MessageType,
    cls: 'arm' | 'other',
    payload: Buffer,
    retryAfterS: number,
  ): Promise<void> {
    this.flood.refused(chipId, type, cls);
    if (type !== 'arm.request' || payload.length > MAX_MESSAGE_BYTES || !this.answerLimiter.take(chipId, 'arm').ok)
      return;
    const id = claimedId(payload);
    if (id) await this.deny(chipId, id, ReasonCode.RATE_LIMITED, retryAfterS);
  }

  private async onArmRequest(msg: VerifiedDeviceMessage<ArmRequestBody>): Promise<void> {
    try {
      await this.armRequests.handleArmRequest(msg);
    } catch (e) {
      // The device never arms by default: an engine failure is answered with a retryable denial.
      this.logger.error(`arm request ${msg.envelope.id} of ${msg.chipId} failed: ${(e as Error).message}`);
      await this.deny(msg.chipId, msg.envelope.id, ReasonCode.SERVER_ERROR);
    }
  }

  private async deny(chipId: string, requestId: string, reason: ReasonCode, retryAfterS?: number): Promise<void> {
    await this.outbox
      .send(chipId, 'arm.denied', armDeniedBody(requestId, reason, { retryAfterS }))
      .catch((e: Error) => this.logger.error(`arm.denied to ${chipId} not sent: ${e.message}`));
  }

  private async onStatus(chip: BoundChip, status: StatusMessage, receivedAt: Date, retained: boolean): Promise<void> {
    if (status.body.online === false) {
      // Unsigned by nature (a last will), so it may only ever mark the topic's own chip offline.
      const was = await this.chipsRepo.markOffline(chip.chipId, receivedAt);
      if (was)
        await this.presence.wentOffline(chip, status.body.reason === 'shutdown' ? 'shutdown' : 'will', was.state);
      return;
    }
    const online = status as OnlineStatusMessage;
    // A retained status replayed on (re)subscribe says nothing about now; heartbeats will.
    if (retained) return;
    const faults = online.body.faults ?? [];
    const before = await this.chipsRepo.markOnline(chip.chipId, receivedAt, {
      state: online.body.state,
      stateAt: new Date(online.ts),
      firmware: online.body.firmware,
      msgSeq: online.seq,
      faults,
    });
    // The status is re-published on every change of the fault set: a journal newly unwritable is raised once per report of it.
    if (faults.includes('journal_unwritable') && !before?.faults.includes('journal_unwritable')) {
      await this.alerts.raise({
        type: AlertType.DEVICE_JOURNAL_FAILED,
        enterpriseId: chip.enterpriseId,
        machineId: chip.machineId,
        chipId: chip.chipId,
        occurredAt: new Date(online.ts),
        evidence: {
          chipId: chip.chipId,
          faults,
          state: online.body.state,
          at: online.ts,
          firmware: online.body.firmware,
        },
        dedupeKey: `device:journal-failed:${chip.chipId}`,
      });
    }
  }

  /** Unknown chip, or a known chip not bound to any machine: evidence and an alert, never processing. */
  private async fromUnboundChip(
    chipId: string,
    topic: string,
    type: MessageType,
    payload: Buffer,
    receivedAt: Date,
    reject: (r: RejectionReason, d: Record<string, unknown>) => Promise<void>,
  ) {
    const known = await this.chips.findKnownChip(chipId);
    if (type === 'status' && isOfflineStatus(payload)) {
      if (known) await this.chipsRepo.markOffline(chipId, receivedAt);
      return;
    }
    await reject('unregistered', { knownButUnbound: !!known, type });
    await this.alerts.unregistered(chipId, {
      event: 'publish',
      topic,
      type,
      knownButUnbound: !!known,
      said: whatItSaid(payload),
    });
    // A chip we know (it was bound once) can be told why, provided it really is that chip.
    if (known && (type === 'arm.request' || type === 'cert.renew')) {
      try {
        const v = JSON.parse(payload.toString('utf8')) as { id?: unknown };
        if (typeof v.id === 'string' && verifyEnvelope(known.publicKey, v)) {
          if (type === 'cert.renew') await this.renewal.deny(chipId, v.id, ReasonCode.CHIP_NOT_BOUND);
          else await this.deny(chipId, v.id, ReasonCode.CHIP_NOT_BOUND);
        }
      } catch {
        /* not JSON: nothing to answer */
      }
    }
  }
}
