import { isUuid } from '../common/validation/uuid';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineStatus } from '../machines/machine.entity';
import { isMachineUsable } from '../machines/machine-usability';
import {
  CertificateCategory,
  CertificateStatus,
  CertificateVerification,
  CertificateSubOperation,
} from '../welders/certificate.entity';
import { certificateValidityAt } from '../welders/certificate-rules';
import { certificateVerdict, CertificateVerdict, isWelderActive } from '../welders/certificate-registry';
import { WelderStatus } from '../welders/welder.entity';
import { AnalysisFact, gasVerdict } from './gas-rules';
import { Geofence, MAX_POSITION_ACCURACY_M, withinGeofence } from './geofence';
import { decision, PermitDecision, PermitDecisionCode as C, PermitEvaluationInput } from './permit-decision';
import { PermitLevel } from './permit-levels';
import { PermitStatus } from './permit-status';

/** A welding-category certificate as the evaluation needs it (dates are China calendar days). */
export interface ContextCertificate {
  id: string;
  category: CertificateCategory;
  subOperation: CertificateSubOperation;
  status: CertificateStatus;
  verification: CertificateVerification;
  issuedOn: string;
  expiresOn: string;
  reviewDueOn: string;
}

/**
 * Everything PermitEvaluator's checks read, loaded in one statement (permitContextSql) so that the
 * arc authorization's hot path does not make a round trip per fact.
 */
export interface PermitEvaluationContext {
  permit: {
    id: string;
    enterpriseId: string;
    enterpriseStatus: EnterpriseStatus | null;
    status: PermitStatus;
    effectiveLevel: PermitLevel;
    plannedStart: Date;
    plannedEnd: Date;
    geofence: Geofence;
    firstArcAt: Date | null;
    lastArcStartedAt: Date | null;
    lastArcEndedAt: Date | null;
    welderNamed: boolean;
    machineNamed: boolean;
    /** An unrevoked loan of the machine to the permit's enterprise open at `at`. */
    machineLent: boolean;
    /** The latest analysis taken at or before `at` (the only one gasVerdict looks at). */
    latestAnalysis: AnalysisFact | null;
    /**
     * A regulator's level-raising special period is in force at `at` and the permit was not raised
     * at all (approved before the period was declared): it is one level short.
     */
    levelShort: boolean;
    /** A failing gas analysis suspended the permit (until a passing re-test); absent in older fixtures = not suspended. */
    suspended?: boolean;
  } | null;
  welderStatus: WelderStatus | null;
  machine: { status: MachineStatus; enterpriseId: string } | null;
  /** All the welder's certificates of 焊接与热切割作业, whatever their status or sub-operation. */
  certificates: ContextCertificate[];
}

/**
 * One scalar SQL expression (a json object) with the PermitEvaluationContext of (permit, welder,
 * machine, at). The arguments are SQL expressions: parameters such as '$1::uuid' or columns.
 * It reads welders', machines', loans', enterprises' and blackouts' tables on purpose (the arm decision's
 * one round trip); hot-path-columns.integration-spec.ts fails if any column it names is renamed.
 */
export function permitContextSql(permit: string, welder: string, machine: string, at: string): string {
  return `json_build_object(
    'permit', (SELECT json_build_object('id', p.id, 'enterpriseId', p.enterprise_id, 'enterpriseStatus', e.status, 'status', p.status,
        'effectiveLevel', p.effective_level, 'plannedStart', p.planned_start, 'plannedEnd', p.planned_end, 'geofence', p.geofence,
        'suspended', p.suspended_at IS NOT NULL,
        'firstArcAt', p.first_arc_at, 'lastArcStartedAt', p.last_arc_started_at, 'lastArcEndedAt', p.last_arc_ended_at,
        'welderNamed', EXISTS (SELECT 1 FROM permit_welders pw WHERE pw.permit_id = p.id AND pw.welder_id = ${welder}),
        'machineNamed', EXISTS (SELECT 1 FROM permit_machines pm WHERE pm.permit_id = p.id AND pm.machine_id = ${machine}),
        'machineLent', EXISTS (SELECT 1 FROM machine_loans l WHERE l.machine_id = ${machine} AND l.borrower_enterprise_id = p.enterprise_id
            AND l.revoked_at IS NULL AND l.starts_at <= ${at} AND l.ends_at > ${at}),
        'latestAnalysis', (SELECT json_build_object('takenAt', a.taken_at, 'passed', a.passed) FROM permit_gas_analyses a
            WHERE a.permit_id = p.id AND a.taken_at <= ${at} ORDER BY a.taken_at DESC LIMIT 1),
        'levelShort', p.effective_level = p.requested_level AND p.requested_level <> 'special' AND EXISTS (SELECT 1 FROM blackouts b
            WHERE b.cancelled_at IS NULL AND b.effect = 'raise_level' AND b.starts_at <= ${at} AND b.ends_at > ${at} AND starts_with(e.region_path, b.region_path)))
      FROM permits p LEFT JOIN enterprises e ON e.id = p.enterprise_id WHERE p.id = ${permit}),
    'welderStatus', (SELECT w.status FROM welders w WHERE w.id = ${welder}),
    'machine', (SELECT json_build_object('status', m.status, 'enterpriseId', m.enterprise_id) FROM machines m WHERE m.id = ${machine}),
    'certificates', COALESCE((SELECT json_agg(json_build_object('id', c.id, 'category', c.category, 'subOperation', c.sub_operation, 'status', c.status, 'verification', c.verification,
        'issuedOn', c.issued_on, 'expiresOn', c.expires_on, 'reviewDueOn', c.review_due_on))
      FROM certificates c WHERE c.welder_id = ${welder} AND c.category = '${CertificateCategory.WeldingAndThermalCutting}'), '[]'::json))`;
}

const date = (v: unknown): Date | null => (v == null ? null : new Date(v as string));

/** The json of permitContextSql as typed values (timestamps arrive as ISO strings). */
export function parsePermitContext(json: unknown): PermitEvaluationContext {
  const r = (typeof json === 'string' ? JSON.parse(json) : json) as Record<string, unknown>;
  const p = r.permit as Record<string, unknown> | null;
  const a = p?.latestAnalysis as { takenAt: string; passed: boolean } | null | undefined;
  return {
    permit: p
      ? {
          id: p.id as string,
          enterpriseId: p.enterpriseId as string,
          enterpriseStatus: (p.enterpriseStatus as EnterpriseStatus | null) ?? null,
          status: p.status as PermitStatus,
          effectiveLevel: p.effectiveLevel as PermitLevel,
          plannedStart: date(p.plannedStart)!,
          plannedEnd: date(p.plannedEnd)!,
          geofence: p.geofence as Geofence,
          firstArcAt: date(p.firstArcAt),
          lastArcStartedAt: date(p.lastArcStartedAt),
          lastArcEndedAt: date(p.lastArcEndedAt),
          welderNamed: p.welderNamed === true,
          machineNamed: p.machineNamed === true,
          machineLent: p.machineLent === true,
          latestAnalysis: a ? { takenAt: new Date(a.takenAt), passed: a.passed === true } : null,
          // Absent (a context loaded by older SQL) counts as short: fail closed.
          levelShort: p.levelShort !== false,
          suspended: p.suspended === true,
        }
      : null,
    welderStatus: (r.welderStatus as WelderStatus | null) ?? null,
    machine: (r.machine as PermitEvaluationContext['machine']) ?? null,
    certificates: (r.certificates as ContextCertificate[] | null) ?? [],
  };
}

const CERTIFICATE_CODES: Record<Exclude<CertificateVerdict, 'valid'>, C> = {
  missing: C.CERTIFICATE_MISSING,
  unverified: C.CERTIFICATE_UNVERIFIED,
  not_yet_valid: C.CERTIFICATE_NOT_YET_VALID,
  expired: C.CERTIFICATE_EXPIRED,
  review_overdue: C.CERTIFICATE_REVIEW_OVERDUE,
  suspended: C.CERTIFICATE_SUSPENDED,
  revoked: C.CERTIFICATE_REVOKED,
};

/**
 * The permit checks, free of storage: from the permit outwards, the first failure is the reason.
 * `ctx` must have been loaded for input.permitId, input.welderId, input.machineId and input.at.
 */
export function evaluatePermitContext(input: PermitEvaluationInput, ctx: PermitEvaluationContext): PermitDecision {
  const at = input.at;
  if (!(at instanceof Date) || Number.isNaN(at.getTime())) return decision(C.EVALUATION_ERROR);
  if (!isUuid(input.permitId)) return decision(C.PERMIT_NOT_FOUND);
  const p = ctx.permit;
  if (!p || p.id.toLowerCase() !== input.permitId.toLowerCase()) return decision(C.PERMIT_NOT_FOUND);
  const summary = {
    id: p.id,
    enterpriseId: p.enterpriseId,
    effectiveLevel: p.effectiveLevel,
    plannedStart: p.plannedStart,
    validUntil: p.plannedEnd,
  };
  const refuse = (code: C) => decision(code, summary);

  if (p.enterpriseStatus !== EnterpriseStatus.Active) return refuse(C.ENTERPRISE_INACTIVE);
  if (p.status === PermitStatus.Cancelled) return refuse(C.PERMIT_CANCELLED);
  if (p.status === PermitStatus.Closed) return refuse(C.PERMIT_CLOSED);
  if (p.status !== PermitStatus.Approved) return refuse(C.PERMIT_NOT_APPROVED);
  if (at.getTime() < p.plannedStart.getTime()) return refuse(C.PERMIT_NOT_STARTED);
  if (at.getTime() >= p.plannedEnd.getTime()) return refuse(C.PERMIT_EXPIRED);
  if (p.levelShort) return refuse(C.PERMIT_LEVEL_RAISED);
  // Suspended by a failing gas analysis: whatever later readings say, nothing arcs until a passing re-test lifts it.
  if (p.suspended) return refuse(C.GAS_ANALYSIS_FAILED);

  if (!p.welderNamed) return refuse(C.WELDER_NOT_NAMED);
  if (!p.machineNamed) return refuse(C.MACHINE_NOT_NAMED);

  if (!isWelderActive(ctx.welderStatus)) return refuse(C.WELDER_INACTIVE);
  const cert = certificateVerdict(ctx.certificates, (c) => certificateValidityAt(c, at));
  if (cert !== 'valid') return refuse(CERTIFICATE_CODES[cert]);

  const machine = ctx.machine;
  if (!machine || !isMachineUsable(machine.status)) return refuse(C.MACHINE_INACTIVE);
  if (machine.enterpriseId !== p.enterpriseId && !p.machineLent) return refuse(C.MACHINE_NOT_AVAILABLE);

  const pos = input.position;
  if (!pos || !Number.isFinite(pos.lat) || !Number.isFinite(pos.lng)) return refuse(C.POSITION_REQUIRED);
  if (pos.accuracyM !== undefined && !(pos.accuracyM <= MAX_POSITION_ACCURACY_M)) return refuse(C.POSITION_INACCURATE);
  if (!withinGeofence(p.geofence, pos)) return refuse(C.OUTSIDE_GEOFENCE);

  if (p.effectiveLevel === PermitLevel.Special && input.continuousGasOk !== true)
    return refuse(C.CONTINUOUS_GAS_MONITORING_REQUIRED);

  const gas = gasVerdict(
    p.effectiveLevel,
    p.latestAnalysis ? [p.latestAnalysis] : [],
    { firstArcAt: p.firstArcAt, lastArcStartedAt: p.lastArcStartedAt, lastArcEndedAt: p.lastArcEndedAt },
    at,
  );
  if (gas !== 'OK') return refuse(C[gas]);
  return decision(C.OK, summary);
}
