import { Inject, Injectable, Logger, OnModuleInit, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import {
  ArmRequestBody, EventBatchBody, MAX_MESSAGE_BYTES, MessageType, OnlineStatusMessage, openDeviceMessage, parseTopic, ReasonCode, reasonMessage,
  serverStatusFilter, serverUpFilter, StatusMessage, verifyEnvelope,
} from '@arcgate/protocol';
import type { IPublishPacket } from 'mqtt';
import { AlertType } from '../alerts/alert-type';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { MqttConnection } from '../mqtt/mqtt-connection';
import { TelemetryIngest } from '../telemetry/telemetry-ingest';
import { ARM_REQUEST_HANDLER, ArmRequestHandler, DEVICE_OUTBOX, DeviceOutbox, VerifiedDeviceMessage } from './arm-request-handler';
import { BoundChip, ChipsRepository } from './chips.repository';
import { ChipsService } from './chips.service';
import { DeviceAlerts } from './device-alerts';
import { DevicePresence } from './device-presence';
import { MessageSeqRecorder } from './message-seq-recorder';
import { RejectionReason } from './rejected-message.entity';
import { payloadExcerpt, RejectedMessagesRepository } from './rejected-messages.repository';

const SERVER_ERROR_RETRY_S = 5;
const SAID_EXCERPT = 1024;

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

/**
 * Every device message enters here: topic → size → chip known and bound → signature with the bound
 * key, topic chip = envelope chip, validation, freshness (arm requests) → dispatch. Whatever fails is
 * written to rejected_messages; bad signatures also raise FORGED_MESSAGE, unknown chips
 * UNREGISTERED_DEVICE. Events skip the freshness check on purpose: a device replaying a journal
 * after days offline is normal, and event seqs make replays harmless.
 */
@Injectable()
export class DeviceGateway implements OnModuleInit {
  private readonly logger = new Logger('DeviceGateway');
  private subscribed!: Promise<void>;
  private markSubscribed!: () => void;
  private handlerCache?: ArmRequestHandler | null;

  constructor(
    private readonly mqtt: MqttConnection,
    private readonly chips: ChipsService,
    private readonly chipsRepo: ChipsRepository,
    private readonly rejected: RejectedMessagesRepository,
    private readonly alerts: DeviceAlerts,
    private readonly ingest: TelemetryIngest,
    private readonly presence: DevicePresence,
    private readonly seqs: MessageSeqRecorder,
    private readonly clock: Clock,
    private readonly moduleRef: ModuleRef,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ARM_REQUEST_HANDLER) private readonly injectedHandler?: ArmRequestHandler,
  ) {
    this.subscribed = new Promise((resolve) => (this.markSubscribed = resolve));
  }

  onModuleInit(): void {
    const client = this.mqtt.raw;
    const root = this.config.mqtt.topicRoot;
    const filters = [serverUpFilter(root, { shared: !this.config.mqtt.embedded }), serverStatusFilter(root)];
    const subscribe = () =>
      client.subscribe(filters, { qos: 1 }, (err, granted) => {
        if (err || granted?.some((g) => g.qos === 128)) return this.logger.error(`device subscription failed: ${err?.message ?? 'refused by the broker'}`);
        this.markSubscribed();
      });
    client.on('connect', subscribe);
    if (client.connected) subscribe();
    client.on('message', (topic: string, payload: Buffer, packet: IPublishPacket) => {
      if (!topic.startsWith(`${root}/d/`)) return;
      this.handle(topic, payload, !!packet.retain).catch((e: Error) => this.logger.error(`device message on ${topic} failed: ${e.message}`));
    });
  }

  /** Resolves once the device topics are subscribed (tests wait for it). */
  ready(): Promise<void> {
    return this.subscribed;
  }

  async handle(topic: string, payload: Buffer, retained = false): Promise<void> {
    const receivedAt = this.clock.now();
    const parsed = parseTopic(this.config.mqtt.topicRoot, topic);
    if (!parsed.ok || parsed.direction === 'down') return;
    const chipId = parsed.chip;
    const reject = (reason: RejectionReason, detail: Record<string, unknown>) => this.rejected.record({ receivedAt, topic, chipId, reason, detail, payload });
    if (payload.length > MAX_MESSAGE_BYTES) return reject('malformed', { problem: `payload exceeds ${MAX_MESSAGE_BYTES} bytes`, bytes: payload.length });

    const bound = await this.chips.findBoundByChipId(chipId);
    if (!bound) return this.fromUnboundChip(chipId, topic, parsed.type, payload, receivedAt, reject);

    const opened = openDeviceMessage(payload, { chip: chipId, type: parsed.type, publicKey: this.chips.keyOf(bound) ?? bound.publicKey, now: receivedAt, checkFreshness: parsed.type === 'arm.request' });
    if (!opened.ok) {
      const reason: RejectionReason = opened.reason === ReasonCode.BAD_SIGNATURE ? 'bad_signature' : opened.reason === ReasonCode.REQUEST_EXPIRED ? 'expired' : 'malformed';
      await reject(reason, { reason: opened.reason, problems: opened.problems.slice(0, 10) });
      if (reason === 'bad_signature') {
        this.logger.warn(`forged message on ${topic}`);
        // Not awaited: DeviceAlerts never throws, and a flood of forgeries must not queue behind alert writes.
        void this.alerts.raise({
          type: AlertType.FORGED_MESSAGE, enterpriseId: bound.enterpriseId, machineId: bound.machineId, chipId, occurredAt: receivedAt,
          evidence: { chipId, topic, said: whatItSaid(payload) }, dedupeKey: `device:forged:${chipId}`,
        });
      }
      if (opened.answerable && opened.messageId && parsed.type === 'arm.request') await this.deny(chipId, opened.messageId, opened.reason);
      return;
    }

    const message = opened.message;
    if (parsed.type === 'status') return this.onStatus(bound, message as StatusMessage, receivedAt, retained);
    const envelope = message as VerifiedDeviceMessage<unknown>['envelope'];
    const verified = { chipId, machineId: bound.machineId, envelope, receivedAt };
    if (parsed.type === 'events') {
      await this.ingest.accept({ ...(verified as VerifiedDeviceMessage<EventBatchBody>), enterpriseId: bound.enterpriseId }).catch((e: Error) => {
        // Not stored, so not acked: the device re-sends after EVENTS_ACK_TIMEOUT_MS.
        this.logger.warn(`events from ${chipId} not stored yet: ${e.message}`);
      });
      return;
    }
    if (parsed.type === 'arm.request') {
      this.seqs.record(chipId, envelope.seq, receivedAt);
      return this.onArmRequest(verified as VerifiedDeviceMessage<ArmRequestBody>);
    }
  }

  private async onArmRequest(msg: VerifiedDeviceMessage<ArmRequestBody>): Promise<void> {
    const handler = this.armHandler();
    if (!handler) return this.deny(msg.chipId, msg.envelope.id, ReasonCode.SERVER_ERROR);
    try {
      await handler.handleArmRequest(msg);
    } catch (e) {
      // The device never arms by default: an engine failure is answered with a retryable denial.
      this.logger.error(`arm request ${msg.envelope.id} of ${msg.chipId} failed: ${(e as Error).message}`);
      await this.deny(msg.chipId, msg.envelope.id, ReasonCode.SERVER_ERROR);
    }
  }

  private armHandler(): ArmRequestHandler | null {
    if (this.injectedHandler) return this.injectedHandler;
    if (this.handlerCache === undefined) {
      // The authorization module provides the handler and imports this module, so it is looked up, not injected.
      try {
        this.handlerCache = this.moduleRef.get<ArmRequestHandler>(ARM_REQUEST_HANDLER, { strict: false });
      } catch {
        this.handlerCache = null;
      }
    }
    return this.handlerCache ?? null;
  }

  private async deny(chipId: string, requestId: string, reason: ReasonCode): Promise<void> {
    const retry = reason === ReasonCode.SERVER_ERROR || reason === ReasonCode.REQUEST_EXPIRED ? { retryAfterS: SERVER_ERROR_RETRY_S } : {};
    await this.outbox.send(chipId, 'arm.denied', { requestId, reason, message: reasonMessage(reason), ...retry }).catch((e: Error) => this.logger.error(`arm.denied to ${chipId} not sent: ${e.message}`));
  }

  private async onStatus(chip: BoundChip, status: StatusMessage, receivedAt: Date, retained: boolean): Promise<void> {
    if (status.body.online === false) {
      // Unsigned by nature (a last will), so it may only ever mark the topic's own chip offline.
      const was = await this.chipsRepo.markOffline(chip.chipId, receivedAt);
      if (was) await this.presence.wentOffline(chip, status.body.reason === 'shutdown' ? 'shutdown' : 'will', was.state);
      return;
    }
    const online = status as OnlineStatusMessage;
    // A retained status replayed on (re)subscribe says nothing about now; heartbeats will.
    if (retained) return;
    const faults = online.body.faults ?? [];
    const before = await this.chipsRepo.markOnline(chip.chipId, receivedAt, {
      state: online.body.state, stateAt: new Date(online.ts), firmware: online.body.firmware, msgSeq: online.seq, faults,
    });
    // The status is re-published on every change of the fault set: a journal newly unwritable is raised once per report of it.
    if (faults.includes('journal_unwritable') && !before?.faults.includes('journal_unwritable')) {
      await this.alerts.raise({
        type: AlertType.DEVICE_JOURNAL_FAILED, enterpriseId: chip.enterpriseId, machineId: chip.machineId, chipId: chip.chipId, occurredAt: new Date(online.ts),
        evidence: { chipId: chip.chipId, faults, state: online.body.state, at: online.ts, firmware: online.body.firmware }, dedupeKey: `device:journal-failed:${chip.chipId}`,
      });
    }
  }

  /** Unknown chip, or a known chip not bound to any machine: evidence and an alert, never processing. */
  private async fromUnboundChip(chipId: string, topic: string, type: MessageType, payload: Buffer, receivedAt: Date, reject: (r: RejectionReason, d: Record<string, unknown>) => Promise<void>) {
    const known = await this.chips.findKnownChip(chipId);
    if (type === 'status' && isOfflineStatus(payload)) {
      if (known) await this.chipsRepo.markOffline(chipId, receivedAt);
      return;
    }
    await reject('unregistered', { knownButUnbound: !!known, type });
    await this.alerts.unregistered(chipId, { event: 'publish', topic, type, knownButUnbound: !!known, said: whatItSaid(payload) });
    // A chip we know (it was bound once) can be told why, provided it really is that chip.
    if (known && type === 'arm.request') {
      try {
        const v = JSON.parse(payload.toString('utf8')) as { id?: unknown };
        if (typeof v.id === 'string' && verifyEnvelope(known.publicKey, v)) await this.deny(chipId, v.id, ReasonCode.CHIP_NOT_BOUND);
      } catch {
        /* not JSON: nothing to answer */
      }
    }
  }
}
