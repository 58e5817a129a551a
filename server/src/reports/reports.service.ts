import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CodesService } from '../codes/codes.service';
import { CodeStatus, CodeSubjectType } from '../codes/identity-code.entity';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { maskPhone } from '../common/validation/identifiers';
import { Role } from '../common/roles/role';
import { ListReportsQueryDto, SubmitReportDto, TransitionReportDto } from './dto/report.dto';
import { checkPhotos, UploadedPhoto } from './photo-files';
import { MachineCodeState, Report, ReportStatus } from './report.entity';
import { ReportPhoto } from './report-photo.entity';
import { allowedNext, canTransition, noteRequired } from './report-status';
import {
  PublicRegionDto,
  PublicReportStatusDto,
  ReportDetailView,
  ReportReceiptDto,
  ReportSummaryView,
  toEvent,
  toPhoto,
  toPublicStatus,
  toReceipt,
  toSummary,
} from './report.view';
import { ReportScope, ReportsRepository } from './reports.repository';
import { generateTrackingCode, normaliseTrackingCode } from './tracking-code';
import { MACHINE_LOOKUP, MachineLookup } from '../machines/machine-lookup';
import { REGION_LOOKUP, RegionLookup } from '../regions/region-lookup';

/** Submissions are audited as coming from "public": no account, no address, nothing to trace back. */
const PUBLIC_ACTOR: Actor = { userId: null, username: 'public', role: 'system' };

interface Placement {
  machineCode: string | null;
  machineCodeState: MachineCodeState | null;
  machineId: string | null;
  enterpriseId: string | null;
  regionCode: string | null;
  regionPath: string | null;
}

/** A scanned label may arrive as the bare code or as the /q/<code> address the QR image holds. */
export function extractCode(raw: string): string {
  const m = /\/q\/([^/?#\s]+)/i.exec(raw);
  return (m ? decodeURIComponent(m[1]) : raw).trim().toUpperCase();
}

/**
 * 一键举报: anyone reports suspected illegal welding and gets a tracking code; regulators of the
 * region (and every regulator, for reports nobody could place) handle it in a closed loop.
 * Enterprises never see reports, and the reporter's contact is only ever shown masked.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly reports: ReportsRepository,
    private readonly codes: CodesService,
    private readonly cipher: FieldCipher,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(REGION_LOOKUP) private readonly regions: RegionLookup,
    @Inject(MACHINE_LOOKUP) private readonly machines: MachineLookup,
  ) {}

  async submit(dto: SubmitReportDto, files: UploadedPhoto[] | undefined): Promise<ReportReceiptDto> {
    if ((dto.latitude === undefined) !== (dto.longitude === undefined)) {
      const missing = dto.latitude === undefined ? 'latitude' : 'longitude';
      throw DomainError.invalid(missing, 'bothOrNeither', 'latitude and longitude go together');
    }
    const photos = checkPhotos(files).map((p) => ({ ...p, sha256: createHash('sha256').update(p.data).digest('hex') }));
    const place = await this.place(dto);
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const r = await this.reports.insertReport(em, {
        trackingCode: generateTrackingCode(),
        status: ReportStatus.Received,
        rewardEligible: false,
        description: dto.description,
        ...place,
        latitude: dto.latitude ?? null,
        longitude: dto.longitude ?? null,
        address: dto.address ?? null,
        reporterContactEnc: dto.contact ? this.cipher.encrypt(dto.contact) : null,
        reporterContactMasked: dto.contact ? maskPhone(dto.contact) : null,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
      });
      await this.reports.insertPhotos(em, r.id, photos);
      await this.reports.appendEvent(em, {
        reportId: r.id,
        fromStatus: null,
        toStatus: ReportStatus.Received,
        note: null,
        actorUserId: null,
        actorName: PUBLIC_ACTOR.username,
        occurredAt: now,
      });
      // No enterpriseId: enterprise users read audit entries of their enterprise, and must not learn of reports.
      await this.audit.record(em, PUBLIC_ACTOR, {
        action: 'report.submit',
        entityType: 'report',
        entityId: r.id,
        regionPath: r.regionPath,
        after: {
          trackingCode: r.trackingCode,
          status: r.status,
          machineCode: r.machineCode,
          machineCodeState: r.machineCodeState,
          regionCode: r.regionCode,
          photoCount: photos.length,
          contactGiven: !!dto.contact,
        },
      });
      return toReceipt(r);
    });
  }

  async publicStatus(rawTrackingCode: string): Promise<PublicReportStatusDto> {
    const code = normaliseTrackingCode(rawTrackingCode);
    if (!code)
      throw DomainError.invalid(
        'trackingCode',
        'malformed',
        '查询码应为 10 位字母数字 (a tracking code has 10 letters and digits)',
      );
    const r = await this.reports.findByTrackingCode(code);
    if (!r) throw new DomainError(ErrorCode.NOT_FOUND, '查无此举报 (no report has this tracking code)');
    return toPublicStatus(r);
  }

  async publicRegions(): Promise<PublicRegionDto[]> {
    return (await this.regions.findPickable()).map((g) => ({
      code: g.code,
      name: g.name,
      level: g.level,
      parentCode: g.parentCode,
    }));
  }

  async list(actor: Actor, q: ListReportsQueryDto): Promise<Paginated<ReportSummaryView>> {
    const scope = this.scopeOf(actor);
    if (!scope) return paginate([], 0, q);
    const [rows, total] = await this.reports.listScoped(scope, q.status, offsetOf(q), q.pageSize);
    const refs = await this.reports.refsFor(rows);
    return paginate(
      rows.map((r) => toSummary(r, refs.get(r.id)!)),
      total,
      q,
    );
  }

  async get(actor: Actor, id: string): Promise<ReportDetailView> {
    return this.detail(await this.readable(actor, id));
  }

  async photo(actor: Actor, id: string, photoId: string): Promise<ReportPhoto> {
    await this.readable(actor, id);
    const p = await this.reports.findPhotoWithData(id, photoId);
    if (!p) throw DomainError.notFound('Photo');
    return p;
  }

  async transition(actor: Actor, id: string, dto: TransitionReportDto): Promise<ReportDetailView> {
    const scope = this.scopeOf(actor);
    const note = dto.note?.trim() || null;
    if (noteRequired(dto.to) && !note) {
      const why =
        dto.to === ReportStatus.Closed
          ? '销号须填写审核意见 (close-out needs a sign-off note)'
          : '须填写核查结论 (a finding needs a note)';
      throw DomainError.invalid('note', 'isNotEmpty', why);
    }
    const updated = await this.ds.transaction(async (em) => {
      const r = await this.reports.findByIdForUpdate(em, id);
      if (!r || !this.inScope(scope, r)) throw DomainError.notFound('Report');
      if (!canTransition(r.status, dto.to)) {
        throw new DomainError(
          ErrorCode.INVALID_STATE,
          `不能从 ${r.status} 转为 ${dto.to} (a ${r.status} report cannot become ${dto.to})`,
          [],
          { from: r.status, to: dto.to, allowed: allowedNext(r.status) },
        );
      }
      // 审核把关销号: the sign-off is a second person's check, never the handler's own.
      if (
        dto.to === ReportStatus.Closed &&
        actor.userId &&
        (await this.reports.handlerIdsOf(em, r.id)).includes(actor.userId)
      )
        throw new DomainError(
          ErrorCode.SIGN_OFF_BY_HANDLER,
          '经办人不能对本人经办的举报销号 (whoever handled a report may not sign it off)',
        );
      const now = this.clock.now();
      const before = { status: r.status, rewardEligible: r.rewardEligible };
      const from = r.status;
      r.status = dto.to;
      // 查实即奖: confirming the report is what makes the reporter eligible.
      if (dto.to === ReportStatus.Verified) r.rewardEligible = true;
      r.updatedAt = now;
      if (dto.to === ReportStatus.Closed) r.closedAt = now;
      await this.reports.updateStatus(em, r);
      await this.reports.appendEvent(em, {
        reportId: r.id,
        fromStatus: from,
        toStatus: dto.to,
        note,
        actorUserId: actor.userId,
        actorName: actor.username.slice(0, 100),
        occurredAt: now,
      });
      await this.audit.record(em, actor, {
        action: `report.${dto.to}`,
        entityType: 'report',
        entityId: r.id,
        regionPath: r.regionPath,
        before,
        after: { status: r.status, rewardEligible: r.rewardEligible, note },
      });
      return r;
    });
    return this.detail(updated);
  }

  private async detail(r: Report): Promise<ReportDetailView> {
    const [refs, photos, events] = await Promise.all([
      this.reports.refsFor([r]),
      this.reports.photosOf(r.id),
      this.reports.eventsOf(r.id),
    ]);
    return {
      ...toSummary(r, refs.get(r.id)!),
      photos: photos.map(toPhoto),
      trail: events.map(toEvent),
      allowedNext: [...allowedNext(r.status)],
    };
  }

  private async readable(actor: Actor, id: string): Promise<Report> {
    const r = await this.reports.findById(id);
    if (!r || !this.inScope(this.scopeOf(actor), r)) throw DomainError.notFound('Report');
    return r;
  }

  /** Only platform admins and regulators reach here (controller roles); anyone else would see nothing. */
  private scopeOf(actor: Actor): ReportScope | null {
    if (actor.role === 'system' || actor.role === Role.PlatformAdmin) return { kind: 'all' };
    if (actor.role === Role.Regulator && actor.regionPath) return { kind: 'subtree', path: actor.regionPath };
    return null;
  }

  private inScope(scope: ReportScope | null, r: Report): boolean {
    if (!scope) return false;
    return scope.kind === 'all' || r.regionPath === null || r.regionPath.startsWith(scope.path);
  }

  /**
   * Where the report belongs: the machine's owner when the code leads to one (even a revoked code:
   * a retired machine still at work is exactly what to report), otherwise the region the reporter
   * picked, otherwise nowhere (every regulator sees it).
   */
  private async place(dto: SubmitReportDto): Promise<Placement> {
    const none: Placement = {
      machineCode: null,
      machineCodeState: null,
      machineId: null,
      enterpriseId: null,
      regionCode: null,
      regionPath: null,
    };
    let picked: Pick<Placement, 'regionCode' | 'regionPath'> = { regionCode: null, regionPath: null };
    if (dto.regionCode) {
      const region = await this.regions.findByCode(dto.regionCode);
      if (!region)
        throw new DomainError(ErrorCode.REGION_UNKNOWN, `Region ${dto.regionCode} is not known`, [
          { field: 'regionCode', code: 'unknownRegion', message: 'unknown region' },
        ]);
      picked = { regionCode: region.code, regionPath: region.path };
    }
    if (!dto.machineCode) return { ...none, ...picked };
    const code = extractCode(dto.machineCode);
    const check = this.codes.signer.check(code);
    if (!check.ok && check.reason === 'malformed')
      throw DomainError.invalid('machineCode', 'codeMalformed', '这不是 ArcGate 二维码 (the code is malformed)');
    if (!check.ok) return { ...none, ...picked, machineCode: code, machineCodeState: MachineCodeState.Forged };
    if (check.subjectType !== CodeSubjectType.Machine)
      throw DomainError.invalid(
        'machineCode',
        'notAMachineCode',
        '这是焊工码，不是焊机码 (this is a welder code, not a machine code)',
      );
    const issued = await this.codes.findByCode(code);
    const machine = issued ? await this.machines.findWithEnterprise(issued.subjectId) : null;
    if (!issued || !machine?.enterprise)
      return { ...none, ...picked, machineCode: code, machineCodeState: MachineCodeState.Unknown };
    return {
      machineCode: code,
      machineCodeState: issued.status === CodeStatus.Revoked ? MachineCodeState.Revoked : MachineCodeState.Valid,
      machineId: machine.id,
      enterpriseId: machine.enterpriseId,
      regionCode: machine.enterprise.regionCode,
      regionPath: machine.enterprise.regionPath,
    };
  }
}
