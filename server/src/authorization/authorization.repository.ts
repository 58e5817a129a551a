import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Position, ReasonCode } from '@arcgate/protocol';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineKind, MachineStatus } from '../machines/machine.entity';
import { CodeStatus, CodeSubjectType } from '../codes/identity-code.entity';
import { WelderStatus } from '../welders/welder.entity';
import { parsePermitContext, permitContextSql, PermitEvaluationContext } from '../permits/permit-context';
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
  grantExpiresAt: Date;
  grantRevokedAt: Date | null;
}

export interface AuthorizationContext {
  /** False when (chip, nonce) was already taken; `prior` then says by which request. */
  nonceClaimed: boolean;
  priorNonce: { requestId: string; decisionId: string; seenAt: Date } | null;
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
}

/** A phone grant taken up by the device's arm.request (the session was claimed just before). */
export interface GrantTakeUp {
  grantId: string;
  requestId: string;
  nonce: string;
  expiresAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string));

/**
 * The hot path of the authorization engine in as few round trips as possible: one statement
 * claims the nonce and reads chip, machine, enterprise, credential and welder; one statement stores
 * the decision together with its grant.
 */
@Injectable()
export class AuthorizationRepository {
  constructor(private readonly ds: DataSource) {}

  async loadContext(q: ContextQuery): Promise<AuthorizationContext> {
    const c = q.claim;
    const rows: Record<string, unknown>[] = await this.ds.query(
      `WITH claim AS (
         INSERT INTO arm_nonces (chip_id, nonce, request_id, decision_id, seen_at)
         SELECT $1, $6, $7, $8, $9 WHERE $6::varchar IS NOT NULL
         ON CONFLICT (chip_id, nonce) DO NOTHING RETURNING 1)
       SELECT
         (SELECT count(*) FROM claim)::int AS claimed,
         (SELECT json_build_object('requestId', n.request_id, 'decisionId', n.decision_id, 'seenAt', n.seen_at)
            FROM arm_nonces n WHERE n.chip_id = $1 AND n.nonce = $6) AS prior_nonce,
         EXISTS (SELECT 1 FROM chips WHERE chip_id = $1) AS chip_known,
         (SELECT json_build_object('id', m.id, 'status', m.status, 'kind', m.kind, 'chipId', m.chip_id, 'name', m.name,
                   'enterpriseId', e.id, 'enterpriseStatus', e.status, 'regionPath', e.region_path)
            FROM machines m JOIN enterprises e ON e.id = m.enterprise_id
           WHERE m.id = COALESCE($2::uuid, (SELECT id FROM machines WHERE chip_id = $1))) AS machine,
         (SELECT json_build_object('id', ic.id, 'subjectType', ic.subject_type, 'subjectId', ic.subject_id, 'status', ic.status)
            FROM identity_codes ic WHERE ic.code = $3) AS code,
         (SELECT json_build_object('id', s.id, 'grantId', s.grant_id, 'chipId', s.chip_id, 'machineId', s.machine_id, 'welderId', s.welder_id,
                   'permitId', s.permit_id, 'pushDeadline', s.push_deadline, 'pushedAt', s.pushed_at, 'confirmBy', s.confirm_by, 'usedAt', s.used_at,
                   'grantExpiresAt', g.expires_at, 'grantRevokedAt', g.revoked_at)
            FROM arm_sessions s JOIN grants g ON g.grant_id = s.grant_id WHERE s.id = $4::uuid) AS session,
         (SELECT json_build_object('id', w.id, 'realName', w.real_name, 'status', w.status) FROM welders w
           WHERE w.id = COALESCE(
             (SELECT subject_id FROM identity_codes WHERE code = $3 AND subject_type = 'welder'),
             (SELECT welder_id FROM arm_sessions WHERE id = $4::uuid),
             $5::uuid)) AS welder`,
      [q.chipId, q.machineId, q.code, isUuid(q.sessionId) ? q.sessionId : null, isUuid(q.welderId) ? q.welderId : null,
        c?.nonce ?? null, c?.requestId ?? null, c?.decisionId ?? null, c?.at ?? null],
    );
    const r = rows[0];
    const prior = r.prior_nonce as { requestId: string; decisionId: string; seenAt: string } | null;
    const s = r.session as Record<string, unknown> | null;
    return {
      nonceClaimed: c ? r.claimed === 1 : true,
      priorNonce: prior && r.claimed !== 1 ? { requestId: prior.requestId, decisionId: prior.decisionId, seenAt: new Date(prior.seenAt) } : null,
      chipKnown: r.chip_known === true,
      machine: (r.machine as ContextMachine | null) ?? null,
      code: (r.code as AuthorizationContext['code']) ?? null,
      session: s ? {
        id: s.id as string, grantId: s.grantId as string, chipId: s.chipId as string, machineId: s.machineId as string, welderId: s.welderId as string,
        permitId: s.permitId as string, pushDeadline: date(s.pushDeadline)!, pushedAt: date(s.pushedAt), confirmBy: date(s.confirmBy), usedAt: date(s.usedAt),
        grantExpiresAt: date(s.grantExpiresAt)!, grantRevokedAt: date(s.grantRevokedAt),
      } : null,
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
    const rows: { permit_id: string | null; naming: number; permit_ctx: unknown; blackout: boolean; gas_reading: GasPayload | null }[] = await this.ds.query(
      `WITH naming AS (
         SELECT p.id FROM permits p
           JOIN permit_welders pw ON pw.permit_id = p.id AND pw.welder_id = $2::uuid
           JOIN permit_machines pm ON pm.permit_id = p.id AND pm.machine_id = $3::uuid
          WHERE $6::boolean AND p.status = 'approved' AND p.planned_start <= $4::timestamptz AND p.planned_end > $4::timestamptz
          ORDER BY p.planned_start LIMIT 2),
       chosen AS (
         SELECT CASE WHEN NOT $6::boolean THEN $1::uuid WHEN (SELECT count(*) FROM naming) = 1 THEN (SELECT id FROM naming) END AS id)
       SELECT chosen.id AS permit_id, (SELECT count(*) FROM naming)::int AS naming,
         ${permitContextSql('chosen.id', '$2::uuid', '$3::uuid', '$4::timestamptz')} AS permit_ctx,
         EXISTS (SELECT 1 FROM blackouts b WHERE b.cancelled_at IS NULL AND b.starts_at <= $4::timestamptz AND b.ends_at > $4::timestamptz
           AND starts_with($5::text, b.region_path)) AS blackout,
         CASE WHEN $7::text IS NOT NULL AND (SELECT sp.effective_level FROM permits sp WHERE sp.id = chosen.id) = 'special' THEN
           (SELECT d.payload FROM device_events d WHERE d.chip_id = $7::text AND d.type = 'gas.reading' AND d.occurred_at >= $8::timestamptz
             ORDER BY d.occurred_at DESC LIMIT 1) END AS gas_reading
       FROM chosen`,
      [q.findPermit ? null : isUuid(q.permitId) ? q.permitId : null, q.welderId, q.machineId, q.at, q.regionPath, q.findPermit, q.chipId, q.gasSince],
    );
    const r = rows[0];
    const p = r.gas_reading;
    return {
      namingPermitId: q.findPermit && r.naming === 1 ? r.permit_id : null,
      permit: parsePermitContext(r.permit_ctx),
      blackout: r.blackout === true,
      gasReading: p && typeof p.percentLel === 'number' && typeof p.limitPercentLel === 'number' ? { percentLel: p.percentLel, limitPercentLel: p.limitPercentLel } : null,
    };
  }

  /** Stores the decision and, in the same statement, its new grant or the take-up of a phone grant. */
  async storeDecision(d: NewDecision, grant: NewGrant | null, takeUp: GrantTakeUp | null): Promise<void> {
    const decisionParams = [d.id, d.at, d.source, d.chipId, d.machineId, d.enterpriseId, d.regionPath, d.welderId, d.permitId, d.allowed, d.reason,
      d.requestId, d.nonce, d.position ? JSON.stringify(d.position) : null, d.grantId, Math.max(0, Math.round(d.latencyMs))];
    const insertDecision = `INSERT INTO decisions (id, at, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, allowed, reason,
        request_id, nonce, position, grant_id, latency_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;
    if (grant) {
      await this.ds.query(
        `WITH g AS (INSERT INTO grants (grant_id, decision_id, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id,
             certificate_id, code_id, request_id, nonce, issued_at, expires_at, delivered_at)
           VALUES ($17, $1, $3, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30) RETURNING 1)
         ${insertDecision}`,
        [...decisionParams, grant.grantId, grant.chipId, grant.machineId, grant.enterpriseId, grant.regionPath, grant.welderId, grant.permitId,
          grant.certificateId, grant.codeId, grant.requestId, grant.nonce, grant.issuedAt, grant.expiresAt,
          // A device grant is answered right after this insert: marked delivered here rather than by a second write after sending.
          grant.requestId ? grant.issuedAt : null],
      );
      return;
    }
    if (takeUp) {
      await this.ds.query(
        `WITH g AS (UPDATE grants SET request_id = $18, nonce = $19, expires_at = LEAST(expires_at, $20), delivered_at = COALESCE(delivered_at, $2)
             WHERE grant_id = $17 AND request_id IS NULL RETURNING 1)
         ${insertDecision}`,
        [...decisionParams, takeUp.grantId, takeUp.requestId, takeUp.nonce, takeUp.expiresAt],
      );
      return;
    }
    await this.ds.query(insertDecision, decisionParams);
  }

  /**
   * Marks a phone session used before the decision is stored, so that two concurrent requests with
   * the same session cannot both take it up. True when this caller got it.
   */
  async claimSession(sessionId: string, requestId: string, at: Date): Promise<boolean> {
    const rows: unknown = await this.ds.query(
      `UPDATE arm_sessions SET used_at = $3, used_request_id = $2 WHERE id = $1 AND used_at IS NULL RETURNING id`, [sessionId, requestId, at]);
    return returned(rows).length === 1;
  }

  async findDecision(id: string): Promise<{ id: string; allowed: boolean; reason: ReasonCode; grantId: string | null; machineId: string | null } | null> {
    const rows: { id: string; allowed: boolean; reason: ReasonCode; grant_id: string | null; machine_id: string | null }[] = await this.ds.query(
      `SELECT id, allowed, reason, grant_id, machine_id FROM decisions WHERE id = $1 LIMIT 1`, [id]);
    const r = rows[0];
    return r ? { id: r.id, allowed: r.allowed, reason: r.reason, grantId: r.grant_id, machineId: r.machine_id } : null;
  }

  async countDenialsSince(machineId: string, since: Date): Promise<number> {
    const rows: { n: number }[] = await this.ds.query(
      `SELECT count(*)::int AS n FROM decisions WHERE machine_id = $1 AND at >= $2 AND NOT allowed`, [machineId, since]);
    return rows[0].n;
  }

  async deleteNoncesBefore(before: Date): Promise<void> {
    await this.ds.query(`DELETE FROM arm_nonces WHERE seen_at < $1`, [before]);
  }
}

/** TypeORM's postgres driver answers UPDATE ... RETURNING with [rows, count] and SELECT/INSERT with rows. */
export function returned<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return (result ?? []) as T[];
}
