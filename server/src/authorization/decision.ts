import type { Credential, LocalizedText, MachineKind, Position, ReasonCode } from '@arcgate/protocol';
import type { PhonePosition } from './arm-session.entity';
import type { DecisionSource } from './decision.entity';

/** A device credential, or the logged-in welder of a phone start. */
export type DecisionCredential = Credential | { kind: 'welder_account'; welderId: string };

export interface DecideInput {
  chipId: string | null;
  machineId: string | null;
  credential: DecisionCredential;
  permitId?: string | null;
  /** Device fix (with fixAt) or phone position. */
  position?: Position | PhonePosition | null;
  nonce: string;
  /** The arm.request envelope id (device) or the phone session id to be created (phone). */
  requestId: string;
  /** Server time of the decision. */
  at: Date;
  source: DecisionSource;
  /** Device clock time of the request (envelope ts): REQUEST_EXPIRED outside the skew. */
  requestTs?: Date;
  /** Kind the device reports for itself. */
  machineKind?: MachineKind;
}

export interface GrantTerms {
  grantId: string;
  /** Null for a phone grant that the device has not yet asked for. */
  requestId: string | null;
  nonce: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** Sent as the grant's maxCurrentA; null: no limit known (or a gas set). */
  maxCurrentA: number | null;
}

export interface Decision {
  id: string;
  at: Date;
  source: DecisionSource;
  allowed: boolean;
  reason: ReasonCode;
  message: LocalizedText;
  chipId: string | null;
  machineId: string | null;
  enterpriseId: string | null;
  regionPath: string | null;
  welderId: string | null;
  /** Masked, for the device display. */
  welderName: string | null;
  permitId: string | null;
  grant: GrantTerms | null;
  latencyMs: number;
  /**
   * Set when the request repeats one already answered (same chip, nonce and request id, within
   * ARM_ANSWER_CACHE_MS): 'repeat' carries the earlier answer, 'in_flight' means it is still being
   * decided and the caller should stay silent. Nothing new is stored.
   */
  replay?: 'repeat' | 'in_flight';
}
