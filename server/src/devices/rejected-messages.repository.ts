import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { storableJson } from '../common/text/storable-text';
import { RejectionReason } from './rejected-message.entity';

export const PAYLOAD_EXCERPT_BYTES = 2048;

/** The first 2 KB of a payload as text (cut on a character boundary). */
export function payloadExcerpt(payload: Buffer): string {
  let text = payload
    .subarray(0, PAYLOAD_EXCERPT_BYTES)
    .toString('utf8')
    .replace(/\u0000/g, '');
  while (Buffer.byteLength(text, 'utf8') > PAYLOAD_EXCERPT_BYTES || text.length > PAYLOAD_EXCERPT_BYTES)
    text = text.slice(0, -1);
  return text;
}

@Injectable()
export class RejectedMessagesRepository {
  constructor(private readonly ds: DataSource) {}

  async record(r: {
    receivedAt: Date;
    topic: string;
    chipId: string | null;
    reason: RejectionReason;
    detail: Record<string, unknown>;
    payload: Buffer;
  }): Promise<void> {
    await this.ds.query(
      `INSERT INTO rejected_messages (received_at, topic, chip_id, reason, detail, payload_excerpt) VALUES ($1, $2, $3, $4, $5::jsonb, $6)`,
      [
        r.receivedAt,
        r.topic.slice(0, 300),
        r.chipId,
        r.reason,
        JSON.stringify(storableJson(r.detail)),
        payloadExcerpt(r.payload),
      ],
    );
  }
}
