import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, FieldError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { chinaDate } from '../common/time/china-date';
import { Enterprise, EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MACHINE_LOAN_LOOKUP, MachineLoanLookup } from '../machine-loans/machine-loan-lookup';
import { MACHINE_ROSTER, MachineRoster } from '../machines/machine-roster';
import { isMachineUsable } from '../machines/machine-usability';
import { certificateValidThroughout } from '../welders/certificate-rules';
import { certificateVerdict, CertificateVerdict, isWelderActive } from '../welders/certificate-registry';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';

const CERT_FIELD_CODE = {
  missing: 'certificateMissing',
  unverified: 'certificateUnverified',
  not_yet_valid: 'certificateNotYetValid',
  expired: 'certificateExpired',
  review_overdue: 'certificateReviewOverdue',
  suspended: 'certificateSuspended',
  revoked: 'certificateRevoked',
} as const satisfies Record<Exclude<CertificateVerdict, 'valid'>, string>;

/** Why a candidate cannot be named on a permit for a window; null when it can. The codes are assertReadyForWork's field codes. */
export type CandidateBlock =
  | 'welderNotAvailable'
  | 'welderInactive'
  | (typeof CERT_FIELD_CODE)[keyof typeof CERT_FIELD_CODE]
  | 'machineNotAvailable'
  | 'machineInactive';

export interface WelderCandidate {
  id: string;
  realName: string;
  phoneMasked: string | null;
  /** Employed by the enterprise (engaged ones may weld, but only employees may watch). */
  employee: boolean;
  block: CandidateBlock | null;
}

export interface MachineCandidate {
  id: string;
  name: string;
  status: string;
  block: CandidateBlock | null;
}

/** Checks that the people, machines and enterprise named on a permit may do hot work in its window. */
@Injectable()
export class PermitEligibility {
  constructor(
    @Inject(WELDER_ROSTER) private readonly welderRoster: WelderRoster,
    @Inject(MACHINE_ROSTER) private readonly machineRoster: MachineRoster,
    @Inject(MACHINE_LOAN_LOOKUP) private readonly loans: MachineLoanLookup,
  ) {}

  assertEnterpriseActive(e: Enterprise): void {
    if (e.status !== EnterpriseStatus.Active) {
      throw new DomainError(
        ErrorCode.ENTERPRISE_INACTIVE,
        `The enterprise is ${e.status}: it cannot obtain hot-work permits`,
        [],
        { status: e.status },
      );
    }
  }

  /**
   * Welders employed by (or engaged with) the enterprise, machines owned by it or lent to it for the
   * whole window. The same answer whether a record does not exist or belongs elsewhere, so nothing leaks.
   */
  async assertPartiesAvailable(
    em: EntityManager,
    enterpriseId: string,
    welderIds: string[],
    machineIds: string[],
    from: Date,
    to: Date,
  ): Promise<void> {
    const fields = await this.availabilityErrors(em, enterpriseId, welderIds, machineIds, from, to);
    if (fields.length)
      throw new DomainError(
        ErrorCode.PERMIT_PARTY_UNAVAILABLE,
        'Some welders or machines cannot be named on this permit',
        fields,
      );
  }

  /** Everything submission needs: availability, active records, certificates valid for the whole window. */
  async assertReadyForWork(
    em: EntityManager,
    enterpriseId: string,
    welderIds: string[],
    machineIds: string[],
    from: Date,
    to: Date,
  ): Promise<void> {
    const fields = await this.availabilityErrors(em, enterpriseId, welderIds, machineIds, from, to);
    const welders = await this.welderRoster.findWelders(welderIds, em);
    welderIds.forEach((id, i) => {
      const w = welders.find((x) => x.id === id);
      if (w && !isWelderActive(w.status))
        fields.push({ field: `welderIds[${i}]`, code: 'welderInactive', message: `Welder ${id} is inactive` });
    });
    const machines = await this.machineRoster.findMachines(machineIds, em);
    machineIds.forEach((id, i) => {
      const m = machines.find((x) => x.id === id);
      if (m && !isMachineUsable(m.status))
        fields.push({ field: `machineIds[${i}]`, code: 'machineInactive', message: `Machine ${id} is ${m.status}` });
    });
    if (fields.length)
      throw new DomainError(
        ErrorCode.PERMIT_PARTY_UNAVAILABLE,
        'Some welders or machines cannot work under this permit',
        fields,
      );

    const certs = await this.welderRoster.findWeldingCertificates(welderIds, em);
    // The window is half-open: work ends at `to`, so a certificate expiring exactly then still covers it.
    const lastInstant = new Date(to.getTime() - 1);
    const invalid: { welderId: string; verdict: CertificateVerdict }[] = [];
    const certFields: FieldError[] = [];
    welderIds.forEach((id, i) => {
      const verdict = certificateVerdict(
        certs.filter((c) => c.welderId === id),
        (c) => certificateValidThroughout(c, from, lastInstant),
      );
      if (verdict === 'valid') return;
      const name = welders.find((w) => w.id === id)?.realName ?? '';
      invalid.push({ welderId: id, verdict });
      certFields.push({
        field: `welderIds[${i}]`,
        code: CERT_FIELD_CODE[verdict],
        message: `Welder ${id} (${name}): no welding certificate valid for the whole window (${verdict})`,
      });
    });
    if (certFields.length)
      throw new DomainError(
        ErrorCode.WELDER_CERTIFICATE_INVALID,
        'A named welder has no certificate valid for the whole window',
        certFields,
        { invalid },
      );
  }

  /**
   * Everyone and everything a permit of the enterprise could name, each with the reason it cannot
   * work in [from, to) — the same rules, in the same order, as submission (assertReadyForWork):
   * availability, active record, certificate valid for the whole window / machine usable.
   */
  async candidates(
    em: EntityManager,
    enterpriseId: string,
    from: Date,
    to: Date,
  ): Promise<{ welders: WelderCandidate[]; machines: MachineCandidate[] }> {
    const [welderIds, ownMachineIds, lentIds] = await Promise.all([
      this.welderRoster.findCandidateWelderIds(enterpriseId, chinaDate(from), chinaDate(to), em),
      this.machineRoster.findOwnMachineIds(enterpriseId, em),
      this.loans.findMachineIdsLentTo(enterpriseId, from, to, em),
    ]);
    const machineIds = [...new Set([...ownMachineIds, ...lentIds])];
    const unavailable = await this.availabilityErrors(em, enterpriseId, welderIds, machineIds, from, to);
    const blocked = (field: string) => unavailable.find((f) => f.field === field)?.code as CandidateBlock | undefined;
    const [welders, machines, certs] = await Promise.all([
      this.welderRoster.findWelders(welderIds, em),
      this.machineRoster.findMachines(machineIds, em),
      this.welderRoster.findWeldingCertificates(welderIds, em),
    ]);
    const lastInstant = new Date(to.getTime() - 1);
    const welderViews = welderIds.flatMap((id, i): WelderCandidate[] => {
      const w = welders.find((x) => x.id === id);
      if (!w) return [];
      let block: CandidateBlock | null = blocked(`welderIds[${i}]`) ?? null;
      if (!block && !isWelderActive(w.status)) block = 'welderInactive';
      if (!block) {
        const verdict = certificateVerdict(
          certs.filter((c) => c.welderId === id),
          (c) => certificateValidThroughout(c, from, lastInstant),
        );
        if (verdict !== 'valid') block = CERT_FIELD_CODE[verdict];
      }
      return [{ id, realName: w.realName, phoneMasked: w.phoneMasked, employee: w.employerId === enterpriseId, block }];
    });
    const machineViews = machineIds.flatMap((id, i): MachineCandidate[] => {
      const m = machines.find((x) => x.id === id);
      if (!m) return [];
      let block: CandidateBlock | null = blocked(`machineIds[${i}]`) ?? null;
      if (!block && !isMachineUsable(m.status)) block = 'machineInactive';
      return [{ id, name: m.name, status: m.status, block }];
    });
    const byName =
      <T extends { block: unknown }>(name: (x: T) => string) =>
      (a: T, b: T) =>
        Number(a.block !== null) - Number(b.block !== null) || name(a).localeCompare(name(b), 'zh-CN');
    return {
      welders: welderViews.sort(byName((w) => w.realName)),
      machines: machineViews.sort(byName((m) => m.name)),
    };
  }

  private async availabilityErrors(
    em: EntityManager,
    enterpriseId: string,
    welderIds: string[],
    machineIds: string[],
    from: Date,
    to: Date,
  ): Promise<FieldError[]> {
    const fields: FieldError[] = [];
    const welders = await this.welderRoster.findWelders(welderIds, em);
    const engaged = new Set(
      await this.welderRoster.findEngagedWelderIds(welderIds, enterpriseId, chinaDate(from), chinaDate(to), em),
    );
    welderIds.forEach((id, i) => {
      const w = welders.find((x) => x.id === id);
      if (!w || (w.employerId !== enterpriseId && !engaged.has(id))) {
        fields.push({
          field: `welderIds[${i}]`,
          code: 'welderNotAvailable',
          message: `Welder ${id} is not employed by or engaged with this enterprise for the window`,
        });
      }
    });
    const machines = await this.machineRoster.findMachines(machineIds, em);
    const lent = new Set(await this.loans.findLentMachineIds(machineIds, enterpriseId, from, to, em));
    machineIds.forEach((id, i) => {
      const m = machines.find((x) => x.id === id);
      if (!m || (m.enterpriseId !== enterpriseId && !lent.has(id))) {
        fields.push({
          field: `machineIds[${i}]`,
          code: 'machineNotAvailable',
          message: `Machine ${id} neither belongs to this enterprise nor is lent to it for the whole window`,
        });
      }
    });
    return fields;
  }
}
