import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { MAX_IMAGE_BYTES, sniffImageType, UploadedImage } from '../common/http/image-files';
import { offsetOf, paginate, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { GasAnalysisDto } from './dto/gas-analysis.dto';
import { GasAnalysis } from './gas-analysis.entity';
import { catalogueGasByCode, catalogueGasByName, judgementFor } from './gas-catalogue';
import { gasAnalysisPasses, lelClassOf, PASS_MARK_PERCENT_VOL } from './gas-rules';
import { Permit } from './permit.entity';
import { PermitStatus } from './permit-status';
import { PermitTrailEntry, TrailAction } from './permit-trail-entry.entity';
import { PermitAccess } from './permit-access';
import { PermitAttachment } from './permit-attachment.entity';
import { ENTERED_TIME_SKEW_MS } from './permit-rules';
import { assertTransition, displayStatus } from './permit-status';
import { AttachmentView, attachmentView, GasAnalysisView, gasAnalysisView } from './permit-view';
import { PermitsRepository } from './permits.repository';

export const MAX_ATTACHMENT_BYTES = MAX_IMAGE_BYTES;
export const MAX_ATTACHMENTS_PER_PERMIT = 20;

export { sniffImageType };
export type { UploadedImage };

function safeFileName(name: string | undefined, type: string): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    .replace(/[\u0000-\u001f"<>|?*]/g, '')
    .trim();
  return (base || `photo.${type === 'image/png' ? 'png' : 'jpg'}`).slice(0, 200);
}

/**
 * The pass mark of an analysis follows from the gas alone: a catalogue gas (by code, or by a name the
 * catalogue knows) by its LEL, any other gas at the stricter 0.2 % vol. A class or LEL the client sends
 * is never used; it is refused when it contradicts the gas, so that a client still picking "LEL ≥ 4 %"
 * for acetylene learns it, instead of silently getting another mark than it asked for.
 */
export function gasJudgementOf(dto: Pick<GasAnalysisDto, 'gasCode' | 'gas' | 'lelClass' | 'lelPercent'>) {
  const byCode = dto.gasCode !== undefined ? catalogueGasByCode(dto.gasCode) : undefined;
  const byName = dto.gas !== undefined ? catalogueGasByName(dto.gas) : undefined;
  if (byCode && dto.gas !== undefined && byName?.code !== byCode.code) {
    throw DomainError.invalid(
      'gas',
      'contradictsGasCode',
      `gas "${dto.gas}" is not ${byCode.zh} (${byCode.code}); send gasCode alone`,
    );
  }
  if (!byCode && dto.gas !== undefined && !dto.gas.trim())
    throw DomainError.invalid('gas', 'isNotEmpty', 'gas must name the gas analysed');
  const judgement = judgementFor(byCode ?? byName ?? null);
  const fields: { field: string; code: string; message: string }[] = [];
  const why = judgement.gas
    ? `${judgement.gas.code} has LEL ${judgement.gas.lelPercent} % (class ${judgement.lelClass})`
    : `a gas outside the catalogue is judged as LEL < 4 % (${judgement.lelClass})`;
  const code = judgement.gas ? 'contradictsGas' : 'freeTextGasStrict';
  if (dto.lelClass !== undefined && dto.lelClass !== judgement.lelClass)
    fields.push({ field: 'lelClass', code, message: `lelClass ${dto.lelClass} refused: ${why}` });
  if (dto.lelPercent !== undefined && lelClassOf(dto.lelPercent) !== judgement.lelClass)
    fields.push({ field: 'lelPercent', code, message: `lelPercent ${dto.lelPercent} refused: ${why}` });
  if (fields.length) throw new DomainError(ErrorCode.VALIDATION_FAILED, fields[0].message, fields);
  return judgement;
}

/** Gas analyses (动火分析) and site photos recorded against a permit. */
@Injectable()
export class PermitRecordsService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly permitAccess: PermitAccess,
    private readonly audit: AuditService,
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async addGasAnalysis(actor: Actor, permitId: string, dto: GasAnalysisDto): Promise<GasAnalysisView> {
    const now = this.clock.now();
    const takenAt = new Date(dto.takenAt);
    if (takenAt.getTime() > now.getTime() + ENTERED_TIME_SKEW_MS)
      throw DomainError.invalid('takenAt', 'inFuture', 'takenAt cannot be in the future');
    const judgement = gasJudgementOf(dto);
    return this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, permitId, em);
      assertTransition('addGasAnalysis', displayStatus(permit, now));
      const row = await em.save(
        GasAnalysis,
        em.create(GasAnalysis, {
          permitId,
          takenAt,
          gas: judgement.gas?.zh ?? dto.gas!.trim(),
          gasCode: judgement.gas?.code ?? null,
          lelClass: judgement.lelClass,
          lelPercent: judgement.gas?.lelPercent ?? null,
          readingPercentVol: dto.readingPercentVol,
          passed: gasAnalysisPasses(judgement.lelClass, dto.readingPercentVol),
          analyst: dto.analyst,
          recordedBy: actor.userId,
          recordedAt: now,
        }),
      );
      // Raised first: AlertsService.raise appends to the audit chain, so it goes before this write's own audit records.
      const change = await this.suspensionChange(em, permit, row, now);
      if (change === 'suspend') {
        await this.alerts.raise(
          {
            type: AlertType.PERMIT_GAS_FAILED,
            enterpriseId: permit.enterpriseId,
            permitId,
            evidence: {
              permitNo: permit.permitNo,
              gas: row.gas,
              readingPercentVol: row.readingPercentVol,
              passMarkPercentVol: PASS_MARK_PERCENT_VOL[row.lelClass],
              takenAt: row.takenAt.toISOString(),
              analyst: row.analyst,
            },
            dedupeKey: `permit-gas-failed:${permitId}`,
            occurredAt: now,
          },
          em,
        );
      }
      await this.audit.record(em, actor, {
        action: 'permit.gas_analysis',
        entityType: 'permit',
        entityId: permitId,
        enterpriseId: permit.enterpriseId,
        regionPath: enterprise.regionPath,
        after: { ...gasAnalysisView(row) },
      });
      if (change) {
        const before = { suspendedAt: change === 'suspend' ? null : permit.suspendedAt };
        if (change === 'suspend') {
          permit.suspendedAt = now;
          permit.suspendedAnalysisId = row.id;
        } else {
          permit.suspendedAt = null;
          permit.suspendedAnalysisId = null;
        }
        // The permits_revocation trigger announces a new suspension: live grants end at once.
        await em.save(Permit, permit);
        await em.insert(PermitTrailEntry, {
          permitId,
          extensionId: null,
          action: change === 'suspend' ? TrailAction.Suspended : TrailAction.Resumed,
          round: permit.approvalRound,
          step: null,
          position: null,
          actorUserId: actor.userId,
          actorUsername: actor.username,
          remark: `${row.gas} ${row.readingPercentVol} % vol`,
          occurredAt: now,
        });
        await this.audit.record(em, actor, {
          action: change === 'suspend' ? 'permit.suspend' : 'permit.resume',
          entityType: 'permit',
          entityId: permitId,
          enterpriseId: permit.enterpriseId,
          regionPath: enterprise.regionPath,
          before,
          after: { suspendedAt: permit.suspendedAt, analysisId: row.id },
        });
      }
      return gasAnalysisView(row);
    });
  }

  /**
   * A failing reading on an approved permit suspends it at once (GB 30871: hot work stops when the
   * analysis fails); a passing re-test taken after the failing one lifts the suspension. Readings on
   * permits not yet approved only decide the gas verdict at arming.
   */
  private async suspensionChange(
    em: EntityManager,
    permit: Permit,
    analysis: GasAnalysis,
    now: Date,
  ): Promise<'suspend' | 'resume' | null> {
    if (permit.status !== PermitStatus.Approved || permit.plannedEnd.getTime() <= now.getTime()) return null;
    if (!analysis.passed) return permit.suspendedAt ? null : 'suspend';
    if (!permit.suspendedAt || !permit.suspendedAnalysisId) return null;
    const failing = await em.findOne(GasAnalysis, { where: { id: permit.suspendedAnalysisId } });
    return failing && analysis.takenAt.getTime() > failing.takenAt.getTime() ? 'resume' : null;
  }

  async listGasAnalyses(actor: Actor, permitId: string, q: PaginationQueryDto): Promise<Paginated<GasAnalysisView>> {
    await this.permitAccess.loadReadable(actor, permitId);
    const all = await this.permits.gasAnalysesOf(permitId);
    return paginate(all.slice(offsetOf(q), offsetOf(q) + q.pageSize).map(gasAnalysisView), all.length, q);
  }

  async addAttachment(actor: Actor, permitId: string, file: UploadedImage | undefined): Promise<AttachmentView> {
    if (!file || !file.buffer?.length)
      throw DomainError.invalid('file', 'required', 'A photo file is required (multipart field "file")');
    if (file.size > MAX_ATTACHMENT_BYTES)
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'A photo may be at most 5 MB', [
        { field: 'file', code: 'tooLarge', message: 'at most 5 MB' },
      ]);
    const contentType = sniffImageType(file.buffer);
    if (!contentType)
      throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Only JPEG and PNG photos are accepted', [
        { field: 'file', code: 'unsupportedType', message: 'not a JPEG or PNG image' },
      ]);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, permitId, em);
      assertTransition('addAttachment', displayStatus(permit, now));
      const count = await em.count(PermitAttachment, { where: { permitId } });
      if (count >= MAX_ATTACHMENTS_PER_PERMIT)
        throw DomainError.invalid(
          'file',
          'tooManyAttachments',
          `A permit holds at most ${MAX_ATTACHMENTS_PER_PERMIT} photos`,
        );
      const row = em.create(PermitAttachment, {
        permitId,
        fileName: safeFileName(file.originalname, contentType),
        contentType,
        sizeBytes: file.buffer.length,
        sha256: createHash('sha256').update(file.buffer).digest('hex'),
        data: file.buffer,
        uploadedBy: actor.userId,
        uploadedAt: now,
      });
      await em.insert(PermitAttachment, row);
      const view = attachmentView(row);
      await this.audit.record(em, actor, {
        action: 'permit.attachment',
        entityType: 'permit',
        entityId: permitId,
        enterpriseId: permit.enterpriseId,
        regionPath: enterprise.regionPath,
        after: { ...view },
      });
      return view;
    });
  }

  async listAttachments(actor: Actor, permitId: string, q: PaginationQueryDto): Promise<Paginated<AttachmentView>> {
    await this.permitAccess.loadReadable(actor, permitId);
    const [rows, total] = await this.permits.attachmentsOf(permitId, offsetOf(q), q.pageSize);
    return paginate(rows.map(attachmentView), total, q);
  }

  async attachmentContent(actor: Actor, permitId: string, attachmentId: string): Promise<PermitAttachment> {
    await this.permitAccess.loadReadable(actor, permitId);
    const a = await this.permits.findAttachmentWithData(permitId, attachmentId);
    if (!a) throw DomainError.notFound('Attachment');
    return a;
  }
}
