import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated, PaginationQueryDto } from '../common/http/pagination';
import { GasAnalysisDto } from './dto/gas-analysis.dto';
import { GasAnalysis } from './gas-analysis.entity';
import { gasAnalysisPasses, LelClass, lelClassOf } from './gas-rules';
import { PermitAccess } from './permit-access';
import { PermitAttachment } from './permit-attachment.entity';
import { CLOCK_SKEW_MS } from './permit-rules';
import { assertTransition, displayStatus } from './permit-status';
import { AttachmentView, attachmentView, GasAnalysisView, gasAnalysisView } from './permit-view';
import { PermitsRepository } from './permits.repository';

export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_PERMIT = 20;

/** What multer hands over for an uploaded file (memory storage). */
export interface UploadedImage {
  originalname: string;
  mimetype: string;
  size: number;
  buffer: Buffer;
}

/** The content type is decided by the bytes, never by the client's claim. */
export function sniffImageType(buf: Buffer): 'image/jpeg' | 'image/png' | null {
  if (buf.length >= 3 && buf[0] === 0xff && buf[1] === 0xd8 && buf[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (buf.length >= 8 && png.every((b, i) => buf[i] === b)) return 'image/png';
  return null;
}

function safeFileName(name: string | undefined, type: string): string {
  const base = (name ?? '').split(/[\\/]/).pop()!.replace(/[\u0000-\u001f"<>|?*]/g, '').trim();
  return (base || `photo.${type === 'image/png' ? 'png' : 'jpg'}`).slice(0, 200);
}

/** Gas analyses (动火分析) and site photos recorded against a permit. */
@Injectable()
export class PermitRecordsService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly permitAccess: PermitAccess,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async addGasAnalysis(actor: Actor, permitId: string, dto: GasAnalysisDto): Promise<GasAnalysisView> {
    const now = this.clock.now();
    const takenAt = new Date(dto.takenAt);
    if (takenAt.getTime() > now.getTime() + CLOCK_SKEW_MS) throw DomainError.invalid('takenAt', 'inFuture', 'takenAt cannot be in the future');
    let lelClass = dto.lelClass;
    if (dto.lelPercent !== undefined) {
      const derived = lelClassOf(dto.lelPercent);
      if (lelClass && lelClass !== derived) throw DomainError.invalid('lelClass', 'inconsistentWithLelPercent', `lelPercent ${dto.lelPercent} means lelClass ${derived}`);
      lelClass = derived;
    }
    return this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, permitId, em);
      assertTransition('addGasAnalysis', displayStatus(permit, now));
      const row = await em.save(GasAnalysis, em.create(GasAnalysis, {
        permitId, takenAt, gas: dto.gas, lelClass: lelClass as LelClass, lelPercent: dto.lelPercent ?? null, readingPercentVol: dto.readingPercentVol,
        passed: gasAnalysisPasses(lelClass as LelClass, dto.readingPercentVol), analyst: dto.analyst, recordedBy: actor.userId, recordedAt: now,
      }));
      await this.audit.record(em, actor, { action: 'permit.gas_analysis', entityType: 'permit', entityId: permitId, enterpriseId: permit.enterpriseId, regionPath: enterprise.regionPath, after: { ...gasAnalysisView(row) } });
      return gasAnalysisView(row);
    });
  }

  async listGasAnalyses(actor: Actor, permitId: string, q: PaginationQueryDto): Promise<Paginated<GasAnalysisView>> {
    await this.permitAccess.loadReadable(actor, permitId);
    const all = await this.permits.gasAnalysesOf(permitId);
    return paginate(all.slice(offsetOf(q), offsetOf(q) + q.pageSize).map(gasAnalysisView), all.length, q);
  }

  async addAttachment(actor: Actor, permitId: string, file: UploadedImage | undefined): Promise<AttachmentView> {
    if (!file || !file.buffer?.length) throw DomainError.invalid('file', 'required', 'A photo file is required (multipart field "file")');
    if (file.size > MAX_ATTACHMENT_BYTES) throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'A photo may be at most 5 MB', [{ field: 'file', code: 'tooLarge', message: 'at most 5 MB' }]);
    const contentType = sniffImageType(file.buffer);
    if (!contentType) throw new DomainError(ErrorCode.UNSUPPORTED_FILE, 'Only JPEG and PNG photos are accepted', [{ field: 'file', code: 'unsupportedType', message: 'not a JPEG or PNG image' }]);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, permitId, em);
      assertTransition('addAttachment', displayStatus(permit, now));
      const count = await em.count(PermitAttachment, { where: { permitId } });
      if (count >= MAX_ATTACHMENTS_PER_PERMIT) throw DomainError.invalid('file', 'tooManyAttachments', `A permit holds at most ${MAX_ATTACHMENTS_PER_PERMIT} photos`);
      const row = em.create(PermitAttachment, {
        permitId, fileName: safeFileName(file.originalname, contentType), contentType, sizeBytes: file.buffer.length,
        sha256: createHash('sha256').update(file.buffer).digest('hex'), data: file.buffer, uploadedBy: actor.userId, uploadedAt: now,
      });
      await em.insert(PermitAttachment, row);
      const view = attachmentView(row);
      await this.audit.record(em, actor, { action: 'permit.attachment', entityType: 'permit', entityId: permitId, enterpriseId: permit.enterpriseId, regionPath: enterprise.regionPath, after: { ...view } });
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
