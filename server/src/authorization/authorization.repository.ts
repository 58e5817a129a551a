import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Position, ReasonCode } from '@arcgate/protocol';
import { isUuid } from '../common/validation/uuid';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineKind, MachineStatus } from '../machines/machine.entity';
import { CodeStatus, CodeSubjectType } from '../codes/identity-code.entity';
import { WelderStatus } from '../welders/welder.entity';
import { HotPathPool } from '../database/hot-path-pool';
import { parsePermitContext, PermitEvaluationContext } from '../permits/permit-context';
import {
  CLAIM_SESSION,
  LOAD_CONTEXT,
  LOAD_WORK_CONTEXT,
  STORE_DECISION,
  STORE_DECISION_WITH_GRANT,
  STORE_DECISION_WITH_TAKE_UP,
  TAKE_OVER_CLAIM,
} from './authorization.statements';
import { DecisionSource } from './decision.entity';

export interface WorkContextQuery {
  /** The permit the request names; ignored when findPermit. */
  permitId: string | null;
  /** No permit named: look for the only approved permit in force naming welder and machine. */
  findPermit: boolean;
  welderId: string;
  machineId: string;
  at: Date;
  /** The machine's enterprise region path, for blackouts. */
  regionPath: string;
  /** For the continuous gas monitoring of special-level work. */
  chipId: string | null;
  gasSince: Date;
}

type GasPayload = { percentLel?: number; limitPercentLel?: number };

export interface WorkContext {
  /** With findPermit: the one permit naming both, or null when none or several do. */
  namingPermitId: string | null;
  permit: PermitEvaluationContext;
  blackout: boolean;
  gasReading: { percentLel: number; limitPercentLel: number } | null;
}

export interface ContextQuery {
  chipId: string | null;
  machineId: string | null;
  /** Normalised welder code string, when the credential is one. */
  code: string | null;
  /** Phone session id (a UUID; anything else never matches and is passed as null). */
  sessionId: string | null;
  /** Welder of a logged-in phone user. */
  welderId: string | null;
  /** Claim (chipId, nonce) for this request in the same round trip; null: no claim (phone). */
  claim: { nonce: string; requestId: string; decisionId: string; at: Date } | null;
}

export interface ContextMachine {
  id: string;
  status: MachineStatus;
  kind: MachineKind;
  chipId: string | null;
  name: string;
  /** The grant's maxCurrentA; never set on a gas set (machines_rated_current_a_check). */
  ratedCurrentA: number | null;
  enterpriseId: string;
  enterpriseStatus: EnterpriseStatus;
  regionPath: string;
}

export interface ContextSession {
  id: string;
  grantId: string;
  chipId: string;
  machineId: string;
  welderId: string;
  permitId: string;
  pushDeadline: Date;
  pushedAt: Date | null;
  confirmBy: Date | null;
  usedAt: Date | null;
  /** The request that used it (a retry of that request after a crash may use it again). */
  usedRequestId: string | null;
  grantExpiresAt: Date;
  grantRevokedAt: Date | null;
}

export interface AuthorizationContext {
  /** False when (chip, nonce) was already taken; `prior` then says by which request. */
  nonceClaimed: boolean;
  priorNonce: { requestId: string; decisionId: string; seenAt: Date; orphanedAt: Date | null } | null;
  chipKnown: boolean;
  machine: ContextMachine | null;
  code: { id: string; subjectType: CodeSubjectType; subjectId: string; status: CodeStatus } | null;
  session: ContextSession | null;
  welder: { id: string; realName: string; status: WelderStatus } | null;
}

export interface NewDecision {
  id: string;
  at: Date;
  source: DecisionSource;
  chipId: string | null;
  machineId: string | null;
  enterpriseId: string | null;
  regionPath: string | null;
  welderId: string | null;
  permitId: string | null;
  allowed: boolean;
  reason: ReasonCode;
  requestId: string;
  nonce: string;
  position: Position | { lat: number; lng: number; accuracyM: number } | null;
  grantId: string | null;
  latencyMs: number;
}

export interface NewGrant {
  grantId: string;
  source: DecisionSource;
  chipId: string;
  machineId: string;
  enterpriseId: string;
  regionPath: string;
  welderId: string;
  permitId: string;
  certificateId: string | null;
  codeId: string | null;
  /** Null for a phone grant until the device asks with the session. */
  requestId: string | null;
  nonce: string | null;
  issuedAt: Date;
  expiresAt: Date;
  /** The arc current the device must not exceed (the machine's rated current); null: no limit. */
  maxCurrentA: number | null;
}

/** A phone grant taken up by the device's arm.request (the session was claimed just before). */
export interface GrantTakeUp {
  grantId: string;
  requestId: string;
  nonce: string;
  expiresAt: Date;
  /** The machine's rating now: the device's grant is issued now, whenever the phone started it. */
  maxCurrentA: number | null;
}

/** A denial that recovery stored for a claim whose decision was lost with a crash. */
export interface RecoveredDecision {
  id: string;
  at: Date;
  chipId: string;
  machineId: string | null;
  enterpriseId: string | null;
  regionPath: string | null;
  requestId: string;
}

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/**
 * The hot path of the authorization engine in as few round trips as possible: one statement
 * claims the nonce and reads chip, machine, enterprise, credential and welder; one statement stores
 * the decision together with its grant.
 */
@Injectable()
export class AuthorizationRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly hot: HotPathPool,
  ) {
    hot.register(
      LOAD_CONTEXT,
      LOAD_WORK_CONTEXT,
      STORE_DECISION,
      STORE_DECISION_WITH_GRANT,
      STORE_DECISION_WITH_TAKE_UP,
      CLAIM_SESSION,
      TAKE_OVER_CLAIM,
    );
  }

  async loadContext(q: ContextQuery): Promise<AuthorizationContext> {
    const c = q.claim;
    const rows = await this.hot.query<Record<string, unknown>>(LOAD_CONTEXT, [
      q.chipId,
      q.machineId,
      q.code,
      isUuid(q.sessionId) ? q.sessionId : null,
      isUuid(q.welderId) ? q.welderId : null,
      c?.nonce ?? null,
      c?.requestId ?? null,
      c?.decisionId ?? null,
      c?.at ?? null,
    ]);
    const r = rows[0];
    const prior = r.prior_nonce as {
      requestId: string;
      decisionId: string;
      seenAt: string;
      orphanedAt: string | null;
    } | null;
    const s = r.session as Record<string, unknown> | null;
    return {
      nonceClaimed: c ? r.claimed === 1 : true,
      priorNonce:
        prior && r.claimed !== 1
          ? {
              requestId: prior.requestId,
              decisionId: prior.decisionId,
              seenAt: new Date(prior.seenAt),
              orphanedAt: date(prior.orphanedAt),
            }
          : null,
      chipKnown: r.chip_known === true,
      machine: (r.machine as ContextMachine | null) ?? null,
      code: (r.code as AuthorizationContext['code']) ?? null,
      session: s
        ? {
            id: s.id as string,
            grantId: s.grantId as string,
            chipId: s.chipId as string,
            machineId: s.machineId as string,
            welderId: s.welderId as string,
            permitId: s.permitId as string,
            pushDeadline: date(s.pushDeadline)!,
            pushedAt: date(s.pushedAt),
            confirmBy: date(s.confirmBy),
            usedAt: date(s.usedAt),
            usedRequestId: (s.usedRequestId as string | null) ?? null,
            grantExpiresAt: date(s.grantExpiresAt)!,
            grantRevokedAt: date(s.grantRevokedAt),
          }
        : null,
      welder: (r.welder as AuthorizationContext['welder']) ?? null,
    };
  }

  /**
   * The second (and last) read of a decision: which permit applies (the given one, or the only
   * approved one in force naming both), its PermitEvaluationContext with the welder's welding
   * certificates, whether a blackout covers the region, and, for a special-level permit, the
   * device's latest gas reading since `gasSince`. One statement.
   */
  async loadWorkContext(q: WorkContextQuery): Promise<WorkContext> {
    const rows = await this.hot.query<{
      permit_id: string | null;
      naming: number;
      permit_ctx: unknown;
      blackout: boolean;
      gas_reading: GasPayload | null;
    }>(LOAD_WORK_CONTEXT, [
      q.findPermit ? null : isUuid(q.permitId) ? q.permitId : null,
      q.welderId,
      q.machineId,
      q.at,
      q.regionPath,
      q.findPermit,
      q.chipId,
      q.gasSince,
    ]);
    const r = rows[0];
    const p = r.gas_reading;
    return {
      namingPermitId: q.findPermit && r.naming === 1 ? r.permit_id : null,
      permit: parsePermitContext(r.permit_ctx),
      blackout: r.blackout === true,
      gasReading:
        p && typeof p.percentLel === 'number' && typeof p.limitPercentLel === 'number'
          ? { percentLel: p.percentLel, limitPercentLel: p.limitPercentLel }
          : null,
    };
  }

  /** Stores the decision and, in the same statement, its new grant or the take-up of a phone grant. */
  async storeDecision(d: NewDecision, grant: NewGrant | null, takeUp: GrantTakeUp | null): Promise<void> {
    const decisionParams = [
      d.id,
      d.at,
      d.source,
      d.chipId,
      d.machineId,
      d.enterpriseId,
      d.regionPath,
      d.welderId,
      d.permitId,
      d.allowed,
      d.reason,
      d.requestId,
      d.nonce,
      d.position ? JSON.stringify(d.position) : null,
      d.grantId,
      Math.max(0, Math.round(d.latencyMs)),
    ];
    if (grant) {
      await this.hot.query(STORE_DECISION_WITH_GRANT, [
        ...decisionParams,
        grant.grantId,
        grant.chipId,
        grant.machineId,
        grant.enterpriseId,
        grant.regionPath,
        grant.welderId,
        grant.permitId,
        grant.certificateId,
        grant.codeId,
        grant.requestId,
        grant.nonce,
        grant.issuedAt,
        grant.expiresAt,
        // A device grant is answered right after this insert: marked delivered here rather than by a second write after sending.
        grant.requestId ? grant.issuedAt : null,
        grant.maxCurrentA,
      ]);
      return;
    }
    if (takeUp) {
      await this.hot.query(STORE_DECISION_WITH_TAKE_UP, [
        ...decisionParams,
        takeUp.grantId,
        takeUp.requestId,
        takeUp.nonce,
        takeUp.expiresAt,
        takeUp.maxCurrentA,
      ]);
      return;
    }
    await this.hot.query(STORE_DECISION, decisionParams);
  }

  /**
   * Marks a phone session used before the decision is stored, so that two concurrent requests with
   * the same session cannot both take it up. True when this caller got it.
   */
  async claimSession(sessionId: string, requestId: string, at: Date): Promise<boolean> {
    return (await this.hot.query(CLAIM_SESSION, [sessionId, requestId, at])).length === 1;
  }

  /** A retry's take-over of a claim without a stored decision (TAKE_OVER_CLAIM); true when this caller got it. */
  async takeOverClaim(c: {
    chipId: string;
    nonce: string;
    requestId: string;
    fromDecisionId: string;
    toDecisionId: string;
    at: Date;
  }): Promise<boolean> {
    return (
      (await this.hot.query(TAKE_OVER_CLAIM, [c.chipId, c.nonce, c.requestId, c.fromDecisionId, c.toDecisionId, c.at]))
        .length === 1
    );
  }

  /**
   * Start-up recovery: claims older than `claimedBefore` (and newer than `since`) whose decision was never
   * stored are marked orphaned, so that a retry takes them over at once. Returns how many.
   */
  async markOrphanClaims(since: Date, claimedBefore: Date, at: Date): Promise<number> {
    const rows: unknown = await this.ds.query(
      `UPDATE arm_nonces n SET orphaned_at = $3 WHERE n.seen_at >= $1 AND n.seen_at < $2 AND n.orphaned_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = n.decision_id) RETURNING 1`,
      [since, claimedBefore, at],
    );
    return returned(rows).length;
  }

  /**
   * Completes orphaned claims no retry can come for any more (claimed before `claimedBefore`): stores a
   * SERVER_ERROR denial under the claim's decision id, so every claimed request has its decision.
   * Runs inside the caller's transaction (audited there); returns the decisions stored.
   */
  async completeOrphanClaims(em: EntityManager, claimedBefore: Date, at: Date): Promise<RecoveredDecision[]> {
    const rows: RecoveredDecision[] = await em.query(
      `WITH o AS (
         UPDATE arm_nonces n SET recovered_at = $2 WHERE n.orphaned_at IS NOT NULL AND n.seen_at < $1
           AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = n.decision_id)
         RETURNING n.chip_id, n.nonce, n.request_id, n.decision_id, n.seen_at)
       INSERT INTO decisions (id, at, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, allowed, reason, request_id, nonce, position, grant_id, latency_ms)
       SELECT o.decision_id, o.seen_at, 'device', o.chip_id, m.id, e.id, e.region_path, NULL, NULL, false, 'SERVER_ERROR', o.request_id, o.nonce, NULL, NULL, 0
         FROM o LEFT JOIN machines m ON m.chip_id = o.chip_id LEFT JOIN enterprises e ON e.id = m.enterprise_id
       RETURNING id, at, chip_id AS "chipId", machine_id AS "machineId", enterprise_id AS "enterpriseId", region_path AS "regionPath", request_id AS "requestId"`,
      [claimedBefore, at],
    );
    return rows;
  }

  async findDecision(id: string): Promise<{
    id: string;
    allowed: boolean;
    reason: ReasonCode;
    grantId: string | null;
    machineId: string | null;
  } | null> {
    const rows: {
      id: string;
      allowed: boolean;
      reason: ReasonCode;
      grant_id: string | null;
      machine_id: string | null;
    }[] = await this.ds.query(`SELECT id, allowed, reason, grant_id, machine_id FROM decisions WHERE id = $1 LIMIT 1`, [
      id,
    ]);
    const r = rows[0];
    return r ? { id: r.id, allowed: r.allowed, reason: r.reason, grantId: r.grant_id, machineId: r.machine_id } : null;
  }

  async countDenialsSince(machineId: string, since: Date): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM decisions WHERE machine_id = $1 AND at >= $2 AND NOT allowed`,
      [machineId, since],
    );
    return rows[0].n;
  }

  async deleteNoncesBefore(before: Date): Promise<void> {
    await this.ds.query(`DELETE FROM arm_nonces WHERE seen_at < $1`, [before]);
  }
}

/** TypeORM's postgres driver answers UPDATE ... RETURNING with [rows, count] and SELECT/INSERT with rows. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return (result ?? []) as T[];
}
