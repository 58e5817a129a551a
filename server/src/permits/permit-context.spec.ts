import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineStatus } from '../machines/machine.entity';
import {
  CertificateCategory,
  CertificateStatus,
  CertificateSubOperation,
  CertificateVerification,
} from '../welders/certificate.entity';
import { WelderStatus } from '../welders/welder.entity';
import { evaluatePermitContext, parsePermitContext, PermitEvaluationContext } from './permit-context';
import { PermitEvaluationInput } from './permit-decision';
import { PermitLevel } from './permit-levels';
import { PermitStatus } from './permit-status';

const PERMIT = '7b0f2c1e-2d3a-4b5c-8d9e-0f1a2b3c4d5e';
const ENT = '11111111-2222-4333-8444-555555555555';
const SITE = { lat: 34.1721, lng: 116.0012 };
const AT = new Date('2026-01-05T09:10:00+08:00');

function ctx(
  over: { permit?: Partial<NonNullable<PermitEvaluationContext['permit']>> } & Partial<
    Omit<PermitEvaluationContext, 'permit'>
  > = {},
): PermitEvaluationContext {
  const { permit, ...rest } = over;
  return {
    permit: {
      id: PERMIT,
      enterpriseId: ENT,
      enterpriseStatus: EnterpriseStatus.Active,
      status: PermitStatus.Approved,
      effectiveLevel: PermitLevel.Level2,
      plannedStart: new Date('2026-01-05T09:00:00+08:00'),
      plannedEnd: new Date('2026-01-05T17:00:00+08:00'),
      geofence: { type: 'circle', center: SITE, radiusM: 50 },
      firstArcAt: null,
      lastArcStartedAt: null,
      lastArcEndedAt: null,
      welderNamed: true,
      machineNamed: true,
      machineLent: false,
      latestAnalysis: { takenAt: new Date('2026-01-05T08:50:00+08:00'), passed: true },
      levelShort: false,
      ...permit,
    },
    welderStatus: WelderStatus.Active,
    machine: { status: MachineStatus.Active, enterpriseId: ENT },
    certificates: [
      {
        id: 'c1',
        category: CertificateCategory.WeldingAndThermalCutting,
        subOperation: CertificateSubOperation.FusionWeldingAndThermalCutting,
        status: CertificateStatus.Valid,
        verification: CertificateVerification.Verified,
        issuedOn: '2024-03-01',
        expiresOn: '2030-03-01',
        reviewDueOn: '2027-03-01',
      },
    ],
    ...rest,
  };
}

const input = (over: Partial<PermitEvaluationInput> = {}): PermitEvaluationInput => ({
  permitId: PERMIT,
  welderId: 'w',
  machineId: 'm',
  at: AT,
  position: { ...SITE, accuracyM: 5 },
  ...over,
});

describe('evaluatePermitContext (the permit checks over a preloaded context)', () => {
  it('allows when every fact holds, with the permit summary', () => {
    const d = evaluatePermitContext(input(), ctx());
    expect(d).toMatchObject({
      allowed: true,
      reason: 'OK',
      permit: { id: PERMIT, enterpriseId: ENT, effectiveLevel: PermitLevel.Level2 },
    });
  });

  it('answers the first failing check, from the permit outwards', () => {
    expect(evaluatePermitContext(input({ permitId: 'nope' }), ctx()).reason).toBe('PERMIT_NOT_FOUND');
    expect(evaluatePermitContext(input(), { ...ctx(), permit: null }).reason).toBe('PERMIT_NOT_FOUND');
    // Enterprise before status, status before the welder.
    expect(
      evaluatePermitContext(
        input(),
        ctx({
          permit: { enterpriseStatus: EnterpriseStatus.Suspended, status: PermitStatus.Cancelled, welderNamed: false },
        }),
      ).reason,
    ).toBe('ENTERPRISE_INACTIVE');
    expect(
      evaluatePermitContext(input(), ctx({ permit: { status: PermitStatus.Closed, welderNamed: false } })).reason,
    ).toBe('PERMIT_CLOSED');
    expect(evaluatePermitContext(input({ at: new Date('2026-01-05T17:00:00+08:00') }), ctx()).reason).toBe(
      'PERMIT_EXPIRED',
    );
    expect(evaluatePermitContext(input(), ctx({ permit: { welderNamed: false, machineNamed: false } })).reason).toBe(
      'WELDER_NOT_NAMED',
    );
    expect(
      evaluatePermitContext(input(), ctx({ permit: { machineNamed: false }, welderStatus: WelderStatus.Inactive }))
        .reason,
    ).toBe('MACHINE_NOT_NAMED');
    expect(evaluatePermitContext(input(), ctx({ welderStatus: WelderStatus.Inactive, certificates: [] })).reason).toBe(
      'WELDER_INACTIVE',
    );
    expect(evaluatePermitContext(input(), ctx({ certificates: [], machine: null })).reason).toBe('CERTIFICATE_MISSING');
    expect(
      evaluatePermitContext(input(), ctx({ machine: { status: MachineStatus.Retired, enterpriseId: ENT } })).reason,
    ).toBe('MACHINE_INACTIVE');
    expect(
      evaluatePermitContext(input({ position: undefined }), ctx({ permit: { latestAnalysis: null } })).reason,
    ).toBe('POSITION_REQUIRED');
    expect(evaluatePermitContext(input(), ctx({ permit: { latestAnalysis: null } })).reason).toBe(
      'GAS_ANALYSIS_MISSING',
    );
  });

  it("a machine of another enterprise needs an open loan to the permit's enterprise", () => {
    const foreign = { machine: { status: MachineStatus.Active, enterpriseId: '99999999-2222-4333-8444-555555555555' } };
    expect(evaluatePermitContext(input(), ctx(foreign)).reason).toBe('MACHINE_NOT_AVAILABLE');
    expect(evaluatePermitContext(input(), ctx({ ...foreign, permit: { machineLent: true } })).reason).toBe('OK');
  });

  it('the best certificate decides: a revoked one does not hide a valid one', () => {
    const [valid] = ctx().certificates;
    const revoked = { ...valid, id: 'c0', status: CertificateStatus.Revoked, expiresOn: '2031-01-01' };
    expect(evaluatePermitContext(input(), ctx({ certificates: [revoked] })).reason).toBe('CERTIFICATE_REVOKED');
    expect(evaluatePermitContext(input(), ctx({ certificates: [revoked, valid] })).reason).toBe('OK');
  });

  it('an unverified certificate (entered by the enterprise, not yet confirmed) does not count', () => {
    const [valid] = ctx().certificates;
    expect(
      evaluatePermitContext(
        input(),
        ctx({ certificates: [{ ...valid, verification: CertificateVerification.Unverified }] }),
      ).reason,
    ).toBe('CERTIFICATE_UNVERIFIED');
    expect(
      evaluatePermitContext(
        input(),
        ctx({ certificates: [{ ...valid, verification: CertificateVerification.Rejected }] }),
      ).reason,
    ).toBe('CERTIFICATE_UNVERIFIED');
  });

  it('special level needs continuous gas monitoring on top of the analysis', () => {
    const special = ctx({ permit: { effectiveLevel: PermitLevel.Special } });
    expect(evaluatePermitContext(input(), special).reason).toBe('CONTINUOUS_GAS_MONITORING_REQUIRED');
    expect(evaluatePermitContext(input({ continuousGasOk: true }), special).reason).toBe('OK');
  });

  it('a permit one level short of a special period declared after its approval is refused; a context without the fact fails closed', () => {
    expect(evaluatePermitContext(input(), ctx({ permit: { levelShort: true } })).reason).toBe('PERMIT_LEVEL_RAISED');
    const { levelShort: _omitted, ...older } = ctx().permit!;
    expect(evaluatePermitContext(input(), parsePermitContext({ ...ctx(), permit: older })).reason).toBe(
      'PERMIT_LEVEL_RAISED',
    );
  });

  it("parses the statement's json (ISO timestamps, date strings, null permit)", () => {
    const parsed = parsePermitContext({
      permit: {
        id: PERMIT,
        enterpriseId: ENT,
        enterpriseStatus: 'active',
        status: 'approved',
        effectiveLevel: 'level2',
        plannedStart: '2026-01-05T01:00:00+00:00',
        plannedEnd: '2026-01-05T09:00:00+00:00',
        geofence: { type: 'circle', center: SITE, radiusM: 50 },
        firstArcAt: null,
        lastArcStartedAt: null,
        lastArcEndedAt: null,
        welderNamed: true,
        machineNamed: true,
        machineLent: false,
        latestAnalysis: { takenAt: '2026-01-05T00:50:00.123456+00:00', passed: true },
        levelShort: false,
      },
      welderStatus: 'active',
      machine: { status: 'active', enterpriseId: ENT },
      certificates: ctx().certificates,
    });
    expect(parsed.permit?.plannedStart.toISOString()).toBe('2026-01-05T01:00:00.000Z');
    expect(parsed.permit?.latestAnalysis?.takenAt.toISOString()).toBe('2026-01-05T00:50:00.123Z');
    expect(evaluatePermitContext(input(), parsed).reason).toBe('OK');
    expect(
      parsePermitContext(JSON.stringify({ permit: null, welderStatus: null, machine: null, certificates: null })),
    ).toEqual({ permit: null, welderStatus: null, machine: null, certificates: [] });
  });
});
