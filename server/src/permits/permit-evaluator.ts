import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineStatus } from '../machines/machine.entity';
import { WelderStatus } from '../welders/welder.entity';
import { gasVerdict } from './gas-rules';
import { MAX_POSITION_ACCURACY_M, withinGeofence } from './geofence';
import { decision, PermitDecision, PermitDecisionCode as C, PermitEvaluationInput } from './permit-decision';
import { CertificateVerdict, PermitEligibility } from './permit-eligibility';
import { PermitEligibilityRepository } from './permit-eligibility.repository';
import { PermitLevel } from './permit-levels';
import { PermitStatus } from './permit-status';
import { PermitsRepository } from './permits.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const CERTIFICATE_CODES: Record<Exclude<CertificateVerdict, 'valid'>, C> = {
  missing: C.CERTIFICATE_MISSING, not_yet_valid: C.CERTIFICATE_NOT_YET_VALID, expired: C.CERTIFICATE_EXPIRED,
  review_overdue: C.CERTIFICATE_REVIEW_OVERDUE, suspended: C.CERTIFICATE_SUSPENDED, revoked: C.CERTIFICATE_REVOKED,
};

const MACHINE_USABLE: MachineStatus[] = [MachineStatus.Registered, MachineStatus.Active];

/**
 * Answers the authorization engine: may welder W weld with machine M at place P and time T under
 * permit X? Checks run from the permit outwards and the first failure is the reason. Anything
 * unexpected (bad input, a database error) is a refusal, never an exception.
 */
@Injectable()
export class PermitEvaluator {
  private readonly logger = new Logger('PermitEvaluator');

  constructor(
    private readonly permits: PermitsRepository,
    private readonly registry: PermitEligibilityRepository,
    private readonly eligibility: PermitEligibility,
    private readonly ds: DataSource,
  ) {}

  async evaluate(input: PermitEvaluationInput): Promise<PermitDecision> {
    try {
      return await this.check(input);
    } catch (err) {
      this.logger.error(`evaluate failed closed: ${err instanceof Error ? err.message : String(err)}`);
      return decision(C.EVALUATION_ERROR);
    }
  }

  private async check(input: PermitEvaluationInput): Promise<PermitDecision> {
    const at = input.at;
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) return decision(C.EVALUATION_ERROR);
    if (!UUID.test(input.permitId ?? '')) return decision(C.PERMIT_NOT_FOUND);
    const p = await this.permits.findById(input.permitId);
    if (!p) return decision(C.PERMIT_NOT_FOUND);
    const summary = { id: p.id, enterpriseId: p.enterpriseId, effectiveLevel: p.effectiveLevel, plannedStart: p.plannedStart, validUntil: p.plannedEnd };
    const refuse = (code: C) => decision(code, summary);

    const enterprise = await this.permits.findEnterpriseOf(p);
    if (!enterprise || enterprise.status !== EnterpriseStatus.Active) return refuse(C.ENTERPRISE_INACTIVE);
    if (p.status === PermitStatus.Cancelled) return refuse(C.PERMIT_CANCELLED);
    if (p.status === PermitStatus.Closed) return refuse(C.PERMIT_CLOSED);
    if (p.status !== PermitStatus.Approved) return refuse(C.PERMIT_NOT_APPROVED);
    if (at.getTime() < p.plannedStart.getTime()) return refuse(C.PERMIT_NOT_STARTED);
    if (at.getTime() >= p.plannedEnd.getTime()) return refuse(C.PERMIT_EXPIRED);

    const [welderIds, machineIds] = await Promise.all([this.permits.namedWelderIds(p.id), this.permits.namedMachineIds(p.id)]);
    if (!welderIds.includes(input.welderId)) return refuse(C.WELDER_NOT_NAMED);
    if (!machineIds.includes(input.machineId)) return refuse(C.MACHINE_NOT_NAMED);

    const em = this.ds.manager;
    const [welder] = await this.registry.findWelders(em, [input.welderId]);
    if (!welder || welder.status !== WelderStatus.Active) return refuse(C.WELDER_INACTIVE);
    const cert = await this.eligibility.certificateVerdictAt(em, input.welderId, at);
    if (cert !== 'valid') return refuse(CERTIFICATE_CODES[cert]);

    const [machine] = await this.registry.findMachines(em, [input.machineId]);
    if (!machine || !MACHINE_USABLE.includes(machine.status)) return refuse(C.MACHINE_INACTIVE);
    if (machine.enterpriseId !== p.enterpriseId && !(await this.registry.findOpenLoan(em, machine.id, p.enterpriseId, at))) return refuse(C.MACHINE_NOT_AVAILABLE);

    const pos = input.position;
    if (!pos || !Number.isFinite(pos.lat) || !Number.isFinite(pos.lng)) return refuse(C.POSITION_REQUIRED);
    if (pos.accuracyM !== undefined && !(pos.accuracyM <= MAX_POSITION_ACCURACY_M)) return refuse(C.POSITION_INACCURATE);
    if (!withinGeofence(p.geofence, pos)) return refuse(C.OUTSIDE_GEOFENCE);

    if (p.effectiveLevel === PermitLevel.Special && input.continuousGasOk !== true) return refuse(C.CONTINUOUS_GAS_MONITORING_REQUIRED);

    const analyses = await this.permits.gasAnalysesOf(p.id);
    const gas = gasVerdict(p.effectiveLevel, analyses, { firstArcAt: p.firstArcAt, lastArcStartedAt: p.lastArcStartedAt, lastArcEndedAt: p.lastArcEndedAt }, at);
    if (gas !== 'OK') return refuse(C[gas]);
    return decision(C.OK, summary);
  }
}
