import { ApiProperty } from '@nestjs/swagger';
import { ReportStatus } from '../../reports/report.entity';
import { CERTIFICATE_STATES, type CertificateState } from '../../welders/welder-views';
import { RANKING_SIGNALS, RankingSignal, SILENT_REASONS, SilentReason } from '../off-platform-rules';

/** Who a suspect row belongs to: every row names its enterprise, township and industry. */
export class AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() industry!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() regionName!: string;
}

/** A row of a list judged in the background for the default look-back (STORED_LISTS). */
export class JudgedSuspectRef extends AuditEnterpriseRef {
  @ApiProperty({
    type: Date,
    nullable: true,
    description:
      'When the machines were judged: the default look-back is judged with the ranking every few minutes (OFF_PLATFORM_RANKING_REFRESH_S); null when judged for this request',
  })
  judgedAt!: Date | null;
}

export class SilentMachineView extends JudgedSuspectRef {
  @ApiProperty({ format: 'uuid' }) machineId!: string;
  @ApiProperty() machineName!: string;
  @ApiProperty() manufacturer!: string;
  @ApiProperty() model!: string;
  @ApiProperty() serialNumber!: string;
  @ApiProperty({ enum: SILENT_REASONS, enumName: 'SilentReason' }) reason!: SilentReason;
  @ApiProperty({ type: String, nullable: true }) chipId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) boundAt!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastSeenAt!: Date | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'China days of the look-back the chip was heard on, counted up to RARELY_ONLINE_MAX_DAYS + 1 (a suspect has at most RARELY_ONLINE_MAX_DAYS); null without a chip bound before the look-back',
  })
  onlineDays!: number | null;
}

export class UnpermittedMachineView extends JudgedSuspectRef {
  @ApiProperty({ format: 'uuid' }) machineId!: string;
  @ApiProperty() machineName!: string;
  @ApiProperty() serialNumber!: string;
  @ApiProperty({ type: String, nullable: true }) chipId!: string | null;
  @ApiProperty({ description: 'China days the chip was heard on with no permit naming the machine in force that day' })
  onlineDaysWithoutPermit!: number;
  @ApiProperty({ description: 'Arcs recorded with no grant' }) arcsWithoutGrant!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastArcWithoutGrantAt!: Date | null;
}

export class EmptyEnterpriseView extends AuditEnterpriseRef {
  @ApiProperty() address!: string;
  @ApiProperty({ description: 'Machines registered and not retired' }) machines!: number;
  @ApiProperty({ description: 'Active welders employed, or engaged today' }) welders!: number;
}

export class UncertifiedWelderView extends AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) welderId!: string;
  @ApiProperty() welderName!: string;
  @ApiProperty() idNumberMasked!: string;
  @ApiProperty({ enum: CERTIFICATE_STATES, enumName: 'CertificateState' }) certificateState!: CertificateState;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastPermitStart!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastGrantAt!: Date | null;
}

export const REVIEW_STATES = ['due', 'overdue'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export class ReviewDueCertificateView extends AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) certificateId!: string;
  @ApiProperty({ format: 'uuid' }) welderId!: string;
  @ApiProperty() welderName!: string;
  @ApiProperty({ format: 'date' }) issuedOn!: string;
  @ApiProperty({ format: 'date' }) reviewDueOn!: string;
  @ApiProperty({ format: 'date' }) expiresOn!: string;
  @ApiProperty({ enum: REVIEW_STATES, enumName: 'ReviewState' }) reviewState!: ReviewState;
}

export class IdlePermitView extends AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) permitId!: string;
  @ApiProperty() workDescription!: string;
  @ApiProperty() siteAddress!: string;
  @ApiProperty({ type: String, format: 'date-time' }) plannedStart!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) endedAt!: Date;
  @ApiProperty({ description: "Arcs of the permit's machines inside its window, under no grant of this permit" })
  arcsElsewhere!: number;
  @ApiProperty({ type: String, format: 'date-time' }) firstArcElsewhereAt!: Date;
  @ApiProperty({ format: 'uuid' }) machineId!: string;
  @ApiProperty() machineName!: string;
}

export class ReportedEnterpriseView extends AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) reportId!: string;
  @ApiProperty() trackingCode!: string;
  @ApiProperty({ enum: ReportStatus, enumName: 'ReportStatus' }) status!: ReportStatus;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, nullable: true }) address!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) reportedAt!: Date;
}

/** A machine an inspector found on site with no code (现场发现无码焊机); it is also a hazard. */
export class FoundUnregisteredMachineView extends AuditEnterpriseRef {
  @ApiProperty({ format: 'uuid' }) findingId!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'uuid', description: 'The hazard it became' }) hazardId!: string;
  @ApiProperty() photoCount!: number;
  @ApiProperty({ type: String, format: 'date-time' }) foundAt!: Date;
}

export class RankingSignalView {
  @ApiProperty({ enum: RANKING_SIGNALS, enumName: 'RankingSignal' }) signal!: RankingSignal;
  @ApiProperty() count!: number;
  @ApiProperty({ description: 'min(count × points, cap) (off-platform-rules.ts RANKING_WEIGHTS)' }) points!: number;
}

export class RankingRowView extends AuditEnterpriseRef {
  @ApiProperty() rank!: number;
  @ApiProperty({ description: 'Sum of the points of the signals' }) score!: number;
  @ApiProperty({ type: [RankingSignalView], description: 'Only the signals that contributed, heaviest first' })
  signals!: RankingSignalView[];
  @ApiProperty({
    type: Date,
    nullable: true,
    description:
      'When the signals were counted: the default look-back is counted every few minutes (OFF_PLATFORM_RANKING_REFRESH_S); null when counted for this request',
  })
  countedAt!: Date | null;
}

export class AuditIndustriesView {
  @ApiProperty({ type: [String] }) industries!: string[];
  @ApiProperty({ type: [String], description: 'The industries counted as welding-heavy' })
  weldingHeavy!: string[];
}
