import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventBatchBody } from '@arcgate/protocol';
import { DEVICE_OUTBOX, DeviceOutbox, VerifiedDeviceMessage } from '../devices/arm-request-handler';
import { DEFAULT_BUFFER_OPTIONS, EventBuffer } from './event-buffer';
import { TelemetryRepository } from './telemetry.repository';
import { TelemetryRules } from './telemetry-rules';
import { FlushResult, IngestItem } from './telemetry.types';

/**
 * Verified event batches → buffered, batched, idempotent storage → events.ack after commit → rules.
 * The ack carries the chip's watermark (all seqs ≤ upToSeq stored) and any gaps above it, so a
 * device re-sends exactly what is missing; nothing is acked that is not committed.
 */
@Injectable()
export class TelemetryIngest implements OnApplicationShutdown {
  private readonly logger = new Logger('TelemetryIngest');
  private readonly buffer: EventBuffer<IngestItem, FlushResult>;

  constructor(
    private readonly repo: TelemetryRepository,
    private readonly rules: TelemetryRules,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
  ) {
    this.buffer = new EventBuffer((items) => this.flush(items), (i) => i.events.length, DEFAULT_BUFFER_OPTIONS);
  }

  /** Resolves once the batch is stored and acknowledged; rejects (and nothing is acked) if storing failed. */
  async accept(msg: VerifiedDeviceMessage<EventBatchBody> & { enterpriseId: string }): Promise<void> {
    const result = await this.buffer.add({
      chipId: msg.chipId, machineId: msg.machineId, enterpriseId: msg.enterpriseId, envelopeId: msg.envelope.id, events: msg.envelope.body.events, receivedAt: msg.receivedAt,
    });
    const mark = result.watermarks.get(msg.chipId);
    if (!mark) return;
    await this.outbox.send(msg.chipId, 'events.ack', { requestId: msg.envelope.id, upToSeq: mark.upToSeq, ...(mark.missing.length ? { missing: mark.missing } : {}) });
  }

  private async flush(items: IngestItem[]): Promise<FlushResult> {
    const result = await this.repo.store(items);
    // Rules read other tables and raise alerts; they must not hold up the acks.
    this.rules.apply(result.stored).catch((e: Error) => this.logger.error(`telemetry rules failed: ${e.message}`));
    return result;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.buffer.close();
  }
}
