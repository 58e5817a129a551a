import { ApiProperty } from '@nestjs/swagger';
import { HazardCategory, HazardLevel, HazardState } from '../hazards/hazard-rules';
import { ReportStatus } from '../reports/report.entity';

export class TodayHazardView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ type: String, nullable: true }) regionName!: string | null;
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' }) category!: HazardCategory;
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' }) level!: HazardLevel;
  @ApiProperty({ enum: HazardState, enumName: 'HazardState' }) state!: HazardState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deadline!: string | null;
}

export class TodayInspectionView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() planTitle!: string;
  @ApiProperty({ description: "The target's position in the plan's draw" }) position!: number;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ example: '2026-12-31' }) periodEnd!: string;
  @ApiProperty({ description: 'You are one of the two inspectors drawn' }) assignedToMe!: boolean;
}

export class TodayReportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus' }) status!: ReportStatus;
  @ApiProperty({ description: 'The first 120 characters' }) description!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionName!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
}

export class TodayHazardSectionView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [TodayHazardView] }) items!: TodayHazardView[];
}
export class TodayInspectionSectionView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [TodayInspectionView] }) items!: TodayInspectionView[];
}
export class TodayReportSectionView {
  @ApiProperty() count!: number;
  @ApiProperty({ type: [TodayReportView] }) items!: TodayReportView[];
}

/** 今日待办: what needs the regulator today; each section's count and its first items. */
export class TodayView {
  @ApiProperty({ type: TodayHazardSectionView, description: 'Ordered and past the deadline' })
  overdue!: TodayHazardSectionView;
  @ApiProperty({
    type: TodayHazardSectionView,
    description: 'Verified, and yours to sign off: not handled by you; a major one only at county level',
  })
  awaitingSignOff!: TodayHazardSectionView;
  @ApiProperty({ type: TodayHazardSectionView, description: 'Rectification reported: to check' })
  awaitingVerification!: TodayHazardSectionView;
  @ApiProperty({
    type: TodayInspectionSectionView,
    description: "Targets of a plan in period today, not checked in: yours first, then your region's",
  })
  inspections!: TodayInspectionSectionView;
  @ApiProperty({ type: TodayReportSectionView, description: 'Public reports received or being verified' })
  reports!: TodayReportSectionView;
  @ApiProperty() generatedAt!: Date;
}
