import type { DeviceEvent } from '@arcgate/protocol';

/** One verified events message, as the gateway hands it to the ingest. */
export interface IngestItem {
  chipId: string;
  machineId: string;
  enterpriseId: string;
  /** id of the events envelope: the ack's requestId. */
  envelopeId: string;
  events: DeviceEvent[];
  /** Seqs of events of this batch that failed the body rules: accounted for, never stored, named in the ack's `rejected`. */
  rejected?: number[];
  receivedAt: Date;
}

/** An event stored for the first time by a flush (rules run on these only). */
export interface StoredEvent {
  chipId: string;
  machineId: string;
  enterpriseId: string;
  receivedAt: Date;
  event: DeviceEvent;
}

export interface Watermark {
  /** Every event with seq ≤ upToSeq is stored. */
  upToSeq: number;
  /** Seqs above upToSeq not received while later ones are (≤ EVENTS_ACK_MAX_MISSING). */
  missing: number[];
}

export interface FlushResult {
  stored: StoredEvent[];
  watermarks: Map<string, Watermark>;
}
