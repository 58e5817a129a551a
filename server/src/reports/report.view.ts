import { ApiProperty } from '@nestjs/swagger';
import { MachineCodeState, Report, ReportStatus } from './report.entity';
import { ReportEvent } from './report-event.entity';
import { ReportPhoto } from './report-photo.entity';
import { formatTrackingCode } from './tracking-code';

export class ReportReceiptDto {
  @ApiProperty({ example: 'AB3DEFG7HK', description: 'Keep it: the only way to follow the report' })
  trackingCode!: string;

  @ApiProperty({ example: 'AB3DE-FG7HK' })
  displayCode!: string;

  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus' })
  status!: ReportStatus;

  @ApiProperty()
  submittedAt!: Date;
}

/** What the reporter learns with a tracking code: progress, nothing else. */
export class PublicReportStatusDto extends ReportReceiptDto {
  @ApiProperty({ description: 'Confirmed (查实): a reward is due' })
  rewardEligible!: boolean;

  @ApiProperty()
  updatedAt!: Date;
}

export class PublicRegionDto {
  @ApiProperty({ example: '411426100' }) code!: string;
  @ApiProperty({ example: '会亭镇' }) name!: string;
  @ApiProperty({ example: 'township' }) level!: string;
  @ApiProperty({ type: String, example: '411426', nullable: true }) parentCode!: string | null;
}

export class ReportMachineRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() serialNumber!: string;
}

export class ReportEnterpriseRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class ReportPhotoDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['image/jpeg', 'image/png'] }) contentType!: string;
  @ApiProperty() sizeBytes!: number;
}

export class ReportEventDto {
  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus', nullable: true }) from!: ReportStatus | null;
  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus' }) to!: ReportStatus;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ example: 'huiting.regulator', description: '"public" for the submission' }) actor!: string;
  @ApiProperty() at!: Date;
}

export class ReportSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() trackingCode!: string;
  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus' }) status!: ReportStatus;
  @ApiProperty() rewardEligible!: boolean;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) machineCode!: string | null;
  @ApiProperty({
    enum: MachineCodeState,
    enumName: 'MachineCodeState',
    nullable: true,
    description: 'forged: the scanned label itself is fake',
  })
  machineCodeState!: MachineCodeState | null;
  @ApiProperty({ type: ReportMachineRefDto, nullable: true }) machine!: ReportMachineRefDto | null;
  @ApiProperty({ type: ReportEnterpriseRefDto, nullable: true }) enterprise!: ReportEnterpriseRefDto | null;
  @ApiProperty({ type: String, nullable: true }) regionCode!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'null: unplaced, visible to every regulator' })
  regionPath!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '138****8000', description: 'Masked, always' })
  reporterContact!: string | null;
  @ApiProperty() photoCount!: number;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: Date | null;
}

export class ReportDetailView extends ReportSummaryView {
  @ApiProperty({ type: [ReportPhotoDto], description: 'Fetch each from /api/reports/{id}/photos/{photoId}' })
  photos!: ReportPhotoDto[];
  @ApiProperty({ type: [ReportEventDto] }) trail!: ReportEventDto[];
  @ApiProperty({
    enum: ReportStatus,
    enumName: 'ReportStatus',
    isArray: true,
    description: 'Statuses it may move to next',
  })
  allowedNext!: ReportStatus[];
}

export interface ReportRefs {
  machine: ReportMachineRefDto | null;
  enterprise: ReportEnterpriseRefDto | null;
  photoCount: number;
}

export function toReceipt(r: Report): ReportReceiptDto {
  return {
    trackingCode: r.trackingCode,
    displayCode: formatTrackingCode(r.trackingCode),
    status: r.status,
    submittedAt: r.createdAt,
  };
}

export function toPublicStatus(r: Report): PublicReportStatusDto {
  return { ...toReceipt(r), rewardEligible: r.rewardEligible, updatedAt: r.updatedAt };
}

export function toSummary(r: Report, refs: ReportRefs): ReportSummaryView {
  return {
    id: r.id,
    trackingCode: r.trackingCode,
    status: r.status,
    rewardEligible: r.rewardEligible,
    description: r.description,
    machineCode: r.machineCode,
    machineCodeState: r.machineCodeState,
    machine: refs.machine,
    enterprise: refs.enterprise,
    regionCode: r.regionCode,
    regionPath: r.regionPath,
    latitude: r.latitude,
    longitude: r.longitude,
    address: r.address,
    reporterContact: r.reporterContactMasked,
    photoCount: refs.photoCount,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    closedAt: r.closedAt,
  };
}

export function toEvent(e: ReportEvent): ReportEventDto {
  return { from: e.fromStatus, to: e.toStatus, note: e.note, actor: e.actorName, at: e.occurredAt };
}

export function toPhoto(p: ReportPhoto): ReportPhotoDto {
  return { id: p.id, contentType: p.contentType, sizeBytes: p.sizeBytes };
}
