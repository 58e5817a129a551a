import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { EventBatchBody, EventsAckBody } from '@arcgate/protocol';
import { faultPoint } from '../common/fault/fault-points';
import { DEVICE_OUTBOX, DeviceOutbox, VerifiedDeviceMessage } from '../device-core/device-ports';
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
    this.buffer = new EventBuffer(
      (items) => this.flush(items),
      (i) => Math.max(1, i.events.length + (i.rejected?.length ?? 0)),
      DEFAULT_BUFFER_OPTIONS,
    );
  }

  /**
   * Resolves once the batch is stored (its chip's ack is then on its way); rejects, and nothing is
   * acked, if storing failed or the buffer stayed full for longer than the device waits for an ack.
   */
  async accept(
    msg: VerifiedDeviceMessage<EventBatchBody> & { enterpriseId: string; rejected?: number[] },
  ): Promise<void> {
    await this.buffer.add({
      chipId: msg.chipId,
      machineId: msg.machineId,
      enterpriseId: msg.enterpriseId,
      envelopeId: msg.envelope.id,
      events: msg.envelope.body.events,
      receivedAt: msg.receivedAt,
      ...(msg.rejected?.length ? { rejected: msg.rejected } : {}),
    });
  }

  private async flush(items: IngestItem[]): Promise<FlushResult> {
    const result = await this.repo.store(items);
    // Committed, not acked: the device re-sends, and the seqs make the re-send harmless.
    faultPoint('ingest.before-ack');
    // After commit only, and off the flush: publishing must not hold a flush slot, nor rules (which raise alerts).
    void this.sendAcks(items, result);
    this.rules.apply(result.stored).catch((e: Error) => this.logger.error(`telemetry rules failed: ${e.message}`));
    return result;
  }

  /**
   * Every delivery is answered (a device clears its in-flight batch only on an ack with that batch's id, and
   * re-deliveries of one message each expect an answer); the watermark is computed once per chip per flush.
   */
  private async sendAcks(items: IngestItem[], result: FlushResult): Promise<void> {
    await Promise.all(
      items.map(async ({ chipId, envelopeId, rejected }) => {
        const mark = result.watermarks.get(chipId);
        if (!mark) return;
        const body: EventsAckBody = { requestId: envelopeId, upToSeq: mark.upToSeq };
        if (mark.missing.length) body.missing = mark.missing;
        // The negative ack: the device stops sending these (their seqs are accounted for, so never missing).
        if (rejected?.length) body.rejected = rejected;
        await this.outbox
          .send(chipId, 'events.ack', body)
          .catch((e: Error) => this.logger.warn(`events.ack to ${chipId} not sent: ${e.message}`));
      }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.buffer.close();
  }
}
