import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { cleanImage, MAX_IMAGE_BYTES, UploadedImage } from '../common/http/image-files';
import { Paginated, paginate } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import {
  ListWelderPhotosQueryDto,
  ReviewWelderPhotoDto,
  WelderPhotoStateView,
  WelderPhotoView,
} from './dto/welder-photo.dto';
import { WelderAccess, WelderInScope } from './welder-access';
import { WelderPhotoRow, WelderPhotosRepository } from './welder-photos.repository';

const toView = (p: WelderPhotoRow): WelderPhotoView => ({
  id: p.id,
  welderId: p.welderId,
  welderName: p.welderName,
  employerName: p.employerName,
  status: p.status,
  contentType: p.contentType,
  sizeBytes: p.sizeBytes,
  uploadedAt: p.uploadedAt.toISOString(),
  reviewedAt: p.reviewedAt?.toISOString() ?? null,
  reviewReason: p.reviewReason,
});

/**
 * Welder portraits (issue 14 §3): the employer uploads, the regulator of the employer's area approves
 * or rejects, the approved one is shown on the badge and (when the deployment allows) the public scan.
 */
@Injectable()
export class WelderPhotosService {
  constructor(
    private readonly photos: WelderPhotosRepository,
    private readonly welders: WelderAccess,
    private readonly policy: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async upload(actor: Actor, welderId: string, file: UploadedImage | undefined): Promise<WelderPhotoStateView> {
    if (!file || !file.buffer?.length)
      throw DomainError.invalid('file', 'required', 'A photo file is required (multipart field "file")');
    if (file.size > MAX_IMAGE_BYTES || file.buffer.length > MAX_IMAGE_BYTES)
      throw new DomainError(ErrorCode.PAYLOAD_TOO_LARGE, 'A photo may be at most 5 MB', [
        { field: 'file', code: 'tooLarge', message: 'at most 5 MB' },
      ]);
    const image = cleanImage(file.buffer);
    if (!image.ok)
      throw new DomainError(
        image.problem === 'unsupportedType' ? ErrorCode.UNSUPPORTED_FILE : ErrorCode.VALIDATION_FAILED,
        image.problem === 'unsupportedType'
          ? 'Only JPEG and PNG photos are accepted'
          : image.problem === 'damaged'
            ? 'The image is damaged or incomplete'
            : 'The photo must be between 64 and 8000 pixels on each side',
        [
          {
            field: 'file',
            code:
              image.problem === 'dimensions'
                ? 'imageDimensions'
                : image.problem === 'damaged'
                  ? 'imageDamaged'
                  : 'unsupportedType',
            message: image.problem,
          },
        ],
      );
    await this.ds.transaction(async (em) => {
      const scope = await this.welders.findVisible(actor, welderId, em, true);
      this.welders.assertManageable(actor, scope);
      await this.photos.supersedePending(em, welderId);
      const photo = await this.photos.insert(em, {
        welderId,
        status: 'pending',
        contentType: image.contentType,
        sizeBytes: image.data.length,
        sha256: createHash('sha256').update(image.data).digest('hex'),
        data: image.data,
        uploadedBy: actor.userId,
        uploadedAt: this.clock.now(),
      });
      await this.record(em, actor, scope, 'welder.photo.upload', {
        photoId: photo.id,
        status: 'pending',
        contentType: image.contentType,
        sizeBytes: photo.sizeBytes,
        sha256: photo.sha256,
      });
    });
    return this.state(actor, welderId);
  }

  async state(actor: Actor, welderId: string): Promise<WelderPhotoStateView> {
    await this.welders.findVisible(actor, welderId);
    const rows = await this.photos.findCurrent(welderId);
    const approved = rows.find((r) => r.status === 'approved') ?? null;
    const latest = rows.find((r) => r.status !== 'approved' && r.status !== 'superseded') ?? null;
    return { approved: approved && toView(approved), latest: latest && toView(latest) };
  }

  /** The approved photo's bytes, to whoever may see the welder (the welder too: the badge). */
  async approvedImage(actor: Actor, welderId: string): Promise<{ contentType: string; data: Buffer }> {
    await this.welders.findVisible(actor, welderId);
    const photo = await this.photos.findApprovedImage(welderId);
    if (!photo) throw DomainError.notFound('Welder photo');
    return photo;
  }

  /** Any photo's bytes (for review): its welder's regulator, or the employer. */
  async image(actor: Actor, photoId: string): Promise<{ contentType: string; data: Buffer }> {
    const row = await this.photos.findById(photoId);
    if (!row) throw DomainError.notFound('Welder photo');
    const scope = await this.visible(actor, row.welderId);
    if (!this.welders.canManage(actor, scope) && !this.mayReview(actor, scope))
      throw DomainError.notFound('Welder photo');
    const photo = await this.photos.findImage(photoId);
    if (!photo) throw DomainError.notFound('Welder photo');
    return photo;
  }

  list(actor: Actor, q: ListWelderPhotosQueryDto): Promise<Paginated<WelderPhotoView>> {
    if (actor.role === Role.Welder) throw new DomainError(ErrorCode.FORBIDDEN, 'Welders have no photo queue');
    return this.photos
      .list(actor, q.status ?? 'pending', q.page, q.pageSize)
      .then(({ rows, total }) => paginate(rows.map(toView), total, q));
  }

  async review(actor: Actor, photoId: string, dto: ReviewWelderPhotoDto): Promise<WelderPhotoView> {
    const id = await this.ds.transaction(async (em) => {
      const row = await this.photos.findByIdForUpdate(em, photoId);
      if (!row) throw DomainError.notFound('Welder photo');
      const scope = await this.visible(actor, row.welderId, em);
      if (!this.mayReview(actor, scope))
        throw new DomainError(ErrorCode.FORBIDDEN, "Only a regulator of the employer's area may review the photo");
      if (row.status !== 'pending')
        throw new DomainError(ErrorCode.INVALID_STATE, `The photo is ${row.status}; only a pending photo is reviewed`);
      const now = this.clock.now();
      const approve = dto.decision === 'approve';
      if (approve) await this.photos.supersedeApproved(em, row.welderId);
      await this.photos.decide(em, row.id, approve ? 'approved' : 'rejected', actor.userId, now, dto.reason ?? null);
      await this.record(em, actor, scope, 'welder.photo.review', {
        photoId: row.id,
        status: approve ? 'approved' : 'rejected',
        reason: dto.reason ?? null,
      });
      return row.id;
    });
    const row = await this.photos.findById(id);
    return toView(row!);
  }

  /** The employer's area's regulator (not one the welder is only dispatched into), or a platform admin. */
  private mayReview(actor: Actor, scope: WelderInScope): boolean {
    return (
      actor.role === Role.PlatformAdmin ||
      (actor.role === Role.Regulator && this.policy.canRegulateEnterprise(actor, scope.employer))
    );
  }

  private async visible(actor: Actor, welderId: string, em?: EntityManager): Promise<WelderInScope> {
    try {
      return await this.welders.findVisible(actor, welderId, em);
    } catch (e) {
      if (e instanceof DomainError && e.code === ErrorCode.NOT_FOUND) throw DomainError.notFound('Welder photo');
      throw e;
    }
  }

  private record(
    em: EntityManager,
    actor: Actor,
    scope: WelderInScope,
    action: 'welder.photo.upload' | 'welder.photo.review',
    after: Record<string, unknown>,
  ) {
    return this.audit.record(em, actor, {
      action,
      entityType: 'welder',
      entityId: scope.welder.id,
      enterpriseId: scope.employer.id,
      regionPath: scope.employer.regionPath,
      after,
    });
  }
}
