import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CodeSubjects } from '../code-management/code-subjects';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import type { CertificateSummary } from './certificate-summary';
import { PublicScanService } from './public-scan.service';

/** One recent arc of the scanned machine or welder. */
export interface ScannedArc {
  startedAt: Date;
  durationMs: number;
  /** Under a grant (true), without one (false), or not known (null). */
  authorized: boolean | null;
}

/** What an inspector learns on site by scanning a code: more than the public scan (owner, permit, arcs). */
export interface InspectorScanFacts {
  code: string;
  subjectType: 'machine' | 'welder';
  subjectId: string;
  /** The machine's owner or the welder's employer. */
  enterpriseId: string;
  enterpriseName: string;
  machine: {
    name: string;
    kind: string;
    status: string;
    registered: boolean;
    chipBound: boolean;
    permitInForce: boolean;
    /** 作业票编号 of an approved permit in force naming the machine now (null: none). */
    permitNo: string | null;
    unlockedNow: boolean;
  } | null;
  welder: { maskedName: string; status: string; certificate: CertificateSummary } | null;
  recentArcs: ScannedArc[];
}

/** The on-site scan, for the inspections module (issue 15 §2); throws the public scan's CODE_* errors. */
export interface InspectorCodeScan {
  scan(raw: string): Promise<InspectorScanFacts>;
}

export const INSPECTOR_CODE_SCAN = 'INSPECTOR_CODE_SCAN';

const RECENT_ARCS = 5;

/**
 * The public scan (signature first, then the registry) plus what a regulator on site needs: who owns the
 * subject, the permit in force and the last arcs. Arcs and permits are read in one statement each
 * (table-ownership.spec.ts lists this file's read model).
 */
@Injectable()
export class InspectorScanAdapter implements InspectorCodeScan {
  constructor(
    private readonly scanner: PublicScanService,
    private readonly codes: CodesService,
    private readonly subjects: CodeSubjects,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async scan(raw: string): Promise<InspectorScanFacts> {
    const pub = await this.scanner.scan(raw);
    const code = await this.codes.findByCode(raw);
    if (!code) throw new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
    if (pub.type === 'machine' && code.subjectType === CodeSubjectType.Machine) {
      const m = await this.subjects.findMachineWithEnterprise(code.subjectId);
      if (!m) throw new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
      const permits: { permit_no: string }[] = await this.ds.query(
        `SELECT p.permit_no FROM permit_machines pm JOIN permits p ON p.id = pm.permit_id
          WHERE pm.machine_id = $1 AND p.status = 'approved' AND p.planned_start <= $2 AND p.planned_end > $2
          ORDER BY p.planned_start DESC LIMIT 1`,
        [m.id, this.clock.now()],
      );
      return {
        code: pub.code,
        subjectType: 'machine',
        subjectId: m.id,
        enterpriseId: m.enterpriseId,
        enterpriseName: pub.enterprise.name,
        machine: {
          ...pub.machine,
          permitInForce: pub.authorisation.permitInForce,
          permitNo: permits[0]?.permit_no ?? null,
          unlockedNow: pub.authorisation.unlockedNow,
        },
        welder: null,
        recentArcs: await this.recentArcs('machine_id', m.id),
      };
    }
    if (pub.type === 'welder') {
      const w = await this.subjects.findWelderWithEmployer(code.subjectId);
      if (!w) throw new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
      return {
        code: pub.code,
        subjectType: 'welder',
        subjectId: w.id,
        enterpriseId: w.employerId,
        enterpriseName: w.employer?.name ?? '',
        machine: null,
        welder: { maskedName: pub.welder.maskedName, status: pub.welder.status, certificate: pub.certificate },
        recentArcs: await this.recentArcs('welder_id', w.id),
      };
    }
    throw new DomainError(ErrorCode.CODE_UNKNOWN, '二维码未登记 (the code is genuine but not registered)');
  }

  private async recentArcs(column: 'machine_id' | 'welder_id', id: string): Promise<ScannedArc[]> {
    const rows: { started_at: Date; duration_ms: string; authorized: boolean | null }[] = await this.ds.query(
      `SELECT started_at, duration_ms, authorized FROM arcs WHERE ${column} = $1 ORDER BY started_at DESC LIMIT ${RECENT_ARCS}`,
      [id],
    );
    return rows.map((r) => ({ startedAt: r.started_at, durationMs: Number(r.duration_ms), authorized: r.authorized }));
  }
}
