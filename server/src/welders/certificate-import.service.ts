import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { flattenValidationErrors } from '../common/errors/validation-error.factory';
import { CertificateCategory, CertificateSource, CertificateStatus } from './certificate.entity';
import { certificateDatesAfterReview } from './certificate-rules';
import { CertificatesRepository } from './certificates.repository';
import { certificateDateProblems } from './certificates.service';
import { CertificateVerificationService } from './certificate-verification.service';
import { CertificateImportRowDto, ImportCertificatesDto } from './dto/import-certificates.dto';
import { EngagementsRepository } from './engagements.repository';
import { WelderAccess } from './welder-access';
import { certificateAuditSnapshot, CertificateView, certificateView } from './welder-views';
import { Welder } from './welder.entity';
import { WeldersRepository } from './welders.repository';

export interface ImportRowError {
  /** 1-based position in `rows`. */
  row: number;
  field: string;
  code: string;
  message: string;
}

export interface CertificateImportResult {
  created: number;
  updated: number;
  certificates: CertificateView[];
}

interface CheckedRow {
  row: number;
  data: CertificateImportRowDto;
  welder: Welder;
}

/**
 * Batch import of certificate records (e.g. an export of the 特种作业操作证查询 service). All rows
 * are checked first; one bad row rejects the batch and nothing is written. Error messages never
 * repeat the ID number.
 */
@Injectable()
export class CertificateImportService {
  constructor(
    private readonly ds: DataSource,
    private readonly access: WelderAccess,
    private readonly welders: WeldersRepository,
    private readonly engagements: EngagementsRepository,
    private readonly certificates: CertificatesRepository,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly verification: CertificateVerificationService,
  ) {}

  async import(actor: Actor, dto: ImportCertificatesDto): Promise<CertificateImportResult> {
    const rows = await this.checkRows(actor, dto.rows);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const result: CertificateImportResult = { created: 0, updated: 0, certificates: [] };
      for (const { data, welder } of rows) {
        const existing = await this.certificates.findByNaturalKey(em, welder.id, data.subOperation, data.issuedOn);
        const scope = { enterpriseId: welder.employerId, regionPath: welder.employer?.regionPath ?? null };
        if (existing) {
          const before = certificateAuditSnapshot(existing, welder.idNumberMasked);
          // A review recorded in ArcGate after the export was taken is not undone by an older row.
          const lastReviewedOn =
            [existing.lastReviewedOn, data.lastReviewedOn ?? null]
              .filter((d): d is string => !!d)
              .sort()
              .pop() ?? null;
          const terms = {
            ...certificateDatesAfterReview(data.issuedOn, lastReviewedOn),
            lastReviewedOn,
            issuingAuthority: data.issuingAuthority ?? existing.issuingAuthority,
          };
          // A row that changes what was verified is a new claim and is verified again; a row repeating it changes nothing.
          const changed = (Object.keys(terms) as (keyof typeof terms)[]).some((k) => terms[k] !== existing[k]);
          Object.assign(
            existing,
            terms,
            { source: CertificateSource.Import },
            changed
              ? await this.verification.onEntry(actor, welder.employer!, {
                  idNumber: data.idNumber,
                  subOperation: data.subOperation,
                  issuedOn: data.issuedOn,
                })
              : {},
          );
          const saved = await this.certificates.save(em, existing);
          await this.audit.record(em, actor, {
            action: 'certificate.import.update',
            entityType: 'certificate',
            entityId: saved.id,
            ...scope,
            before,
            after: certificateAuditSnapshot(saved, welder.idNumberMasked),
          });
          result.updated++;
          result.certificates.push(certificateView(saved, welder.idNumberMasked, now));
        } else {
          const c = await this.certificates.insert(em, {
            welderId: welder.id,
            category: CertificateCategory.WeldingAndThermalCutting,
            subOperation: data.subOperation,
            issuedOn: data.issuedOn,
            ...certificateDatesAfterReview(data.issuedOn, data.lastReviewedOn),
            lastReviewedOn: data.lastReviewedOn ?? null,
            issuingAuthority: data.issuingAuthority ?? null,
            status: CertificateStatus.Valid,
            source: CertificateSource.Import,
            ...(await this.verification.onEntry(actor, welder.employer!, {
              idNumber: data.idNumber,
              subOperation: data.subOperation,
              issuedOn: data.issuedOn,
            })),
          });
          await this.audit.record(em, actor, {
            action: 'certificate.import.create',
            entityType: 'certificate',
            entityId: c.id,
            ...scope,
            after: certificateAuditSnapshot(c, welder.idNumberMasked),
          });
          result.created++;
          result.certificates.push(certificateView(c, welder.idNumberMasked, now));
        }
      }
      return result;
    });
  }

  /** Validates every row and resolves its welder; throws IMPORT_REJECTED listing every problem. */
  private async checkRows(actor: Actor, raw: unknown[]): Promise<CheckedRow[]> {
    const errors: ImportRowError[] = [];
    const today = this.access.today();
    const parsed: { row: number; data: CertificateImportRowDto; index: string }[] = [];
    for (let i = 0; i < raw.length; i++) {
      const row = i + 1;
      const item = raw[i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        errors.push({ row, field: 'row', code: 'isObject', message: 'each row must be an object' });
        continue;
      }
      const data = plainToInstance(CertificateImportRowDto, item);
      const problems = flattenValidationErrors(
        await validate(data, {
          whitelist: true,
          forbidNonWhitelisted: true,
          validationError: { target: true, value: false },
        }),
      );
      if (!problems.length) {
        if (data.certificateNumber !== `T${data.idNumber}`)
          problems.push({
            field: 'certificateNumber',
            code: 'certificateNumberMismatch',
            message: 'certificateNumber must be "T" followed by the idNumber of the same row',
          });
        problems.push(...certificateDateProblems(data.issuedOn, data.lastReviewedOn, today));
      }
      if (problems.length) errors.push(...problems.map((p) => ({ row, ...p })));
      else parsed.push({ row, data, index: this.cipher.blindIndex(data.idNumber) });
    }

    const found = await this.welders.findManyByIdNumberIndexes([...new Set(parsed.map((p) => p.index))]);
    const engaged = await this.engagements.findActiveEnterprisesByWelder(
      found.map((w) => w.id),
      today,
    );
    const byIndex = new Map(found.map((w) => [w.idNumberIndex.trim(), w]));
    const seen = new Map<string, number>();
    const checked: CheckedRow[] = [];
    for (const p of parsed) {
      const welder = byIndex.get(p.index);
      // Unknown and out-of-scope welders get the same answer: existence must not leak.
      if (!welder?.employer || !this.access.canSee(actor, welder.id, welder.employer, engaged.get(welder.id) ?? [])) {
        errors.push({
          row: p.row,
          field: 'idNumber',
          code: 'unknownWelder',
          message: 'no welder with this ID number is registered in your scope',
        });
        continue;
      }
      // An enterprise vouches only for its own employees: a welder dispatched to it is the employer's to record.
      if (!this.access.mayEnterCertificate(actor, welder.employer)) {
        errors.push({
          row: p.row,
          field: 'idNumber',
          code: 'notEmployer',
          message: 'this welder is not employed by your enterprise; the employer enters their certificates',
        });
        continue;
      }
      const key = `${welder.id}|${p.data.subOperation}|${p.data.issuedOn}`;
      const first = seen.get(key);
      if (first !== undefined) {
        errors.push({
          row: p.row,
          field: 'issuedOn',
          code: 'duplicateInBatch',
          message: `same certificate as row ${first}`,
        });
        continue;
      }
      seen.set(key, p.row);
      checked.push({ row: p.row, data: p.data, welder });
    }
    if (errors.length) {
      errors.sort((a, b) => a.row - b.row);
      const badRows = new Set(errors.map((e) => e.row)).size;
      throw new DomainError(
        ErrorCode.IMPORT_REJECTED,
        `${badRows} of ${raw.length} rows rejected; nothing was imported`,
        [],
        { rows: errors },
      );
    }
    return checked;
  }
}
