import { ApiProperty } from '@nestjs/swagger';
import { HazardCategory, HazardLevel, HazardMeasureKind, HazardSource, HazardState, HazardStep } from './hazard-rules';

/** What the register's list shows of a hazard. */
export class HazardSummaryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty({ example: '恒达钢结构有限公司' }) enterpriseName!: string;
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ type: String, nullable: true, example: '会亭镇' }) regionName!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) machineId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2号电焊机（SD-WS400-240101）' }) machineName!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) welderId!: string | null;
  @ApiProperty({ type: String, nullable: true }) welderName!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) permitId!: string | null;
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) category!: HazardCategory;
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) level!: HazardLevel;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) legalBasis!: string | null;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty({ enum: HazardSource, enumName: 'HazardSource' }) source!: HazardSource;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sourceAlertId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sourceReportId!: string | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The inspection target (plan enterprise) whose on-site visit found it',
  })
  sourceInspectionTargetId!: string | null;
  @ApiProperty({ enum: HazardState, enumName: 'HazardState' }) state!: HazardState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadline!: Date | null;
  @ApiProperty({ description: 'Ordered and past its deadline' }) overdue!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) signedOffAt!: Date | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty() updatedAt!: Date;
}

export class HazardPhotoView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The timeline step it belongs to' }) eventId!: string;
  @ApiProperty() position!: number;
  @ApiProperty({ enum: ['image/jpeg', 'image/png'] }) contentType!: string;
  @ApiProperty() sizeBytes!: number;
}

export class HazardEventView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: HazardStep, enumName: 'HazardStep' }) step!: HazardStep;
  @ApiProperty({ enum: HazardState, enumName: 'HazardState', nullable: true }) fromState!: HazardState | null;
  @ApiProperty({ enum: HazardState, enumName: 'HazardState' }) toState!: HazardState;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadline!: Date | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Verification: on site or on paper' })
  onSite!: boolean | null;
  @ApiProperty({ example: '会亭镇安监站', description: "The account's display name" }) actorName!: string;
  @ApiProperty({ example: 'regulator' }) actorRole!: string;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty() occurredAt!: Date;
}

/** The actions the caller may take now (the console shows only these). */
export class HazardActionsView {
  @ApiProperty() order!: boolean;
  @ApiProperty() rectify!: boolean;
  @ApiProperty() verify!: boolean;
  @ApiProperty() signOff!: boolean;
  @ApiProperty() recordMeasure!: boolean;
}

export class HazardDetailView extends HazardSummaryView {
  @ApiProperty({ type: [HazardEventView] }) timeline!: HazardEventView[];
  @ApiProperty({ type: [HazardPhotoView] }) photos!: HazardPhotoView[];
  @ApiProperty({ type: HazardActionsView }) actions!: HazardActionsView;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['handler', 'county_only', 'role'],
    description: 'Why the caller may not sign off a verified hazard (null when they may, or it is not verified)',
  })
  signOffBlockedBy!: 'handler' | 'county_only' | 'role' | null;
}

export class HazardMeasureView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) hazardId!: string | null;
  @ApiProperty({ enum: HazardMeasureKind, enumName: 'HazardMeasureKind' }) kind!: HazardMeasureKind;
  @ApiProperty() note!: string;
  @ApiProperty() issuedByName!: string;
  @ApiProperty() issuedAt!: Date;
}

/** 进展缓慢: an enterprise with overdue hazards, and what was done about it. */
export class SlowProgressView {
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ type: String, nullable: true }) regionName!: string | null;
  @ApiProperty() overdueCount!: number;
  @ApiProperty() majorOverdueCount!: number;
  @ApiProperty({ description: 'The earliest missed deadline' }) oldestDeadline!: Date;
  @ApiProperty({ type: [HazardMeasureView] }) measures!: HazardMeasureView[];
}
