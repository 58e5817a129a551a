import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MACHINE_ROSTER, MachineRoster } from '../machines/machine-roster';
import { WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { ApproverPosition } from './approval-chain';
import { CHECKLIST_ITEMS, Checklist } from './checklist';
import { GasAnalysis } from './gas-analysis.entity';
import {
  ANALYSIS_MAX_AGE_MIN,
  GasVerdict,
  gasVerdict,
  LelClass,
  PASS_MARK_PERCENT_VOL,
  PAUSE_LIMIT_MIN,
} from './gas-rules';
import { Geofence } from './geofence';
import { ExtensionStatus, PermitExtension } from './permit-extension.entity';
import { LEVEL_LABELS, maxEndFor, PermitLevel, UpgradeReason } from './permit-levels';
import { PermitAttachment } from './permit-attachment.entity';
import { DISPLAY_STATUSES, displayStatus, PermitDisplayStatus } from './permit-status';
import { PermitTrailEntry, TrailAction } from './permit-trail-entry.entity';
import { Permit } from './permit.entity';
import { PermitsRepository } from './permits.repository';

// API views, as classes so that the OpenAPI document (and the web's generated types) describe them.
const DATE_TIME = { type: String, format: 'date-time' } as const;
const NULLABLE_DATE_TIME = { ...DATE_TIME, nullable: true } as const;

export class LatLngView {
  @ApiProperty() lat!: number;
  @ApiProperty() lng!: number;
}

/** Geofence as JSON: a circle (center, radiusM) or a polygon (points). */
export class GeofenceView {
  @ApiProperty({ enum: ['circle', 'polygon'] }) type!: 'circle' | 'polygon';
  @ApiPropertyOptional({ type: () => LatLngView }) center?: LatLngView;
  @ApiPropertyOptional() radiusM?: number;
  @ApiPropertyOptional({ type: () => [LatLngView] }) points?: LatLngView[];
}

export class PermitSiteView {
  @ApiProperty() address!: string;
  @ApiProperty({ type: () => LatLngView }) point!: LatLngView;
  @ApiProperty({ type: () => GeofenceView }) geofence!: Geofence;
}

export class LevelUpgradeReasonView {
  @ApiProperty({ enum: ['holiday', 'night', 'statutory_holiday', 'special_period'] }) kind!: UpgradeReason['kind'];
  @ApiProperty() date!: string;
  @ApiProperty() label!: string;
  @ApiPropertyOptional({ description: 'special_period only' }) blackoutId?: string;
}

export class PermitWelderRefView {
  @ApiProperty() id!: string;
  @ApiProperty() realName!: string;
}

export class PermitMachineRefView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
}

export class FireWatcherView {
  @ApiProperty({ type: String, nullable: true, description: 'null on permits drafted when the watcher was free text' })
  personId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) phoneMasked!: string | null;
}

export class PermitApplicantView {
  @ApiProperty() userId!: string;
  @ApiProperty() username!: string;
}

export class PermitApprovalView {
  @ApiProperty({ enum: ApproverPosition, enumName: 'ApproverPosition', isArray: true, nullable: true }) chain!:
    ApproverPosition[] | null;
  @ApiProperty() round!: number;
  @ApiProperty() currentStep!: number;
  @ApiProperty({ enum: ApproverPosition, enumName: 'ApproverPosition', nullable: true })
  nextPosition!: ApproverPosition | null;
}

export class PermitSummaryView {
  @ApiProperty() id!: string;
  @ApiProperty({ description: '作业票编号, e.g. DH-2026-0007 (per enterprise and year)' }) permitNo!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty({ enum: DISPLAY_STATUSES, enumName: 'PermitDisplayStatus' }) status!: PermitDisplayStatus;
  @ApiProperty({ enum: PermitLevel, enumName: 'PermitLevel' }) requestedLevel!: PermitLevel;
  @ApiProperty({ enum: PermitLevel, enumName: 'PermitLevel' }) effectiveLevel!: PermitLevel;
  @ApiProperty() effectiveLevelLabel!: string;
  @ApiProperty({ type: () => [LevelUpgradeReasonView] }) levelUpgradeReasons!: UpgradeReason[];
  @ApiProperty() workDescription!: string;
  @ApiProperty({ type: () => PermitSiteView }) site!: PermitSiteView;
  @ApiProperty(DATE_TIME) plannedStart!: Date;
  @ApiProperty(DATE_TIME) plannedEnd!: Date;
  /** The latest end any extension could reach: the level maximum from the original start. */
  @ApiProperty(DATE_TIME) latestPossibleEnd!: Date;
  @ApiProperty({ type: () => [PermitWelderRefView] }) welders!: PermitWelderRefView[];
  @ApiProperty({ type: () => [PermitMachineRefView] }) machines!: PermitMachineRefView[];
  @ApiProperty({ type: () => FireWatcherView, nullable: true }) fireWatcher!: FireWatcherView | null;
  @ApiProperty({ type: () => PermitApplicantView }) applicant!: PermitApplicantView;
  @ApiProperty({ type: () => PermitApprovalView }) approval!: PermitApprovalView;
  @ApiProperty({
    ...NULLABLE_DATE_TIME,
    description: 'When a failing gas analysis suspended the approved permit; null when not suspended',
  })
  suspendedAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) submittedAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) approvedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason!: string | null;
  @ApiProperty(NULLABLE_DATE_TIME) cancelledAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) cancelReason!: string | null;
  @ApiProperty(NULLABLE_DATE_TIME) closedAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) workStoppedAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) fireWatchEndedAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) firstArcAt!: Date | null;
  @ApiProperty(NULLABLE_DATE_TIME) lastArcEndedAt!: Date | null;
  @ApiProperty(DATE_TIME) createdAt!: Date;
  @ApiProperty(DATE_TIME) updatedAt!: Date;
}

export class GasAnalysisView {
  @ApiProperty() id!: string;
  @ApiProperty(DATE_TIME) takenAt!: Date;
  @ApiProperty() gas!: string;
  @ApiProperty({ type: String, nullable: true }) gasCode!: string | null;
  @ApiProperty() passMarkPercentVol!: number;
  @ApiProperty({ enum: LelClass, enumName: 'LelClass' }) lelClass!: string;
  @ApiProperty({ type: Number, nullable: true }) lelPercent!: number | null;
  @ApiProperty() readingPercentVol!: number;
  @ApiProperty() passed!: boolean;
  @ApiProperty() analyst!: string;
  @ApiProperty(DATE_TIME) recordedAt!: Date;
}

export class AttachmentView {
  @ApiProperty() id!: string;
  @ApiProperty() fileName!: string;
  @ApiProperty() contentType!: string;
  @ApiProperty() sizeBytes!: number;
  @ApiProperty() sha256!: string;
  @ApiProperty(DATE_TIME) uploadedAt!: Date;
  @ApiProperty() url!: string;
}

export class ChecklistItemView {
  @ApiProperty() key!: string;
  @ApiProperty() label!: string;
  @ApiProperty() mandatory!: boolean;
  @ApiProperty() checked!: boolean;
}

export class PermitTrailEntryView {
  @ApiProperty({ enum: TrailAction, enumName: 'TrailAction' }) action!: string;
  @ApiProperty() round!: number;
  @ApiProperty({ type: Number, nullable: true }) step!: number | null;
  @ApiProperty({ enum: ApproverPosition, enumName: 'ApproverPosition', nullable: true })
  position!: ApproverPosition | null;
  @ApiProperty() actorUsername!: string;
  @ApiProperty({ type: String, nullable: true, description: "The actor's display name (null if the account is gone)" })
  actorName!: string | null;
  @ApiProperty({ type: String, nullable: true }) remark!: string | null;
  @ApiProperty(DATE_TIME) occurredAt!: Date;
  @ApiProperty({ type: String, nullable: true }) extensionId!: string | null;
}

export class PermitExtensionView {
  @ApiProperty() id!: string;
  @ApiProperty(DATE_TIME) previousEnd!: Date;
  @ApiProperty(DATE_TIME) requestedEnd!: Date;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ExtensionStatus, enumName: 'ExtensionStatus' }) status!: string;
  @ApiProperty() currentStep!: number;
  @ApiProperty(DATE_TIME) requestedAt!: Date;
  @ApiProperty(NULLABLE_DATE_TIME) decidedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) rejectionReason!: string | null;
}

/** What arming needs of gas analysis (GB 30871) and where the permit stands now. */
export class GasReadinessView {
  @ApiProperty({
    enum: ['OK', 'GAS_ANALYSIS_MISSING', 'GAS_ANALYSIS_FAILED', 'GAS_ANALYSIS_STALE', 'GAS_RETEST_REQUIRED'],
    description: 'The gas verdict arming would get now (the authorization engine applies the same rule)',
  })
  verdictNow!: GasVerdict;
  @ApiProperty({ description: 'An analysis may be at most this old when work starts' }) maxAgeMin!: number;
  @ApiProperty({ description: 'A pause longer than this needs a re-test (level)' }) pauseLimitMin!: number;
  @ApiProperty() passMarkLelAtLeast4!: number;
  @ApiProperty() passMarkLelBelow4!: number;
  @ApiProperty({ description: '特级: continuous gas monitoring is required while working' })
  continuousMonitoring!: boolean;
}

export class PermitDetailView extends PermitSummaryView {
  @ApiProperty({ type: () => GasReadinessView }) gasReadiness!: GasReadinessView;
  @ApiProperty({
    description:
      'Whether the caller may approve or reject now (the server applies the same check to the approve and reject calls)',
  })
  viewerCanDecide!: boolean;
  @ApiProperty({ type: () => [ChecklistItemView] }) checklist!: ChecklistItemView[];
  @ApiProperty({ type: () => [PermitTrailEntryView] }) trail!: PermitTrailEntryView[];
  @ApiProperty({ type: () => [GasAnalysisView] }) gasAnalyses!: GasAnalysisView[];
  @ApiProperty({ type: () => [PermitExtensionView] }) extensions!: PermitExtensionView[];
  @ApiProperty({ type: () => [AttachmentView] }) attachments!: AttachmentView[];
}

export function gasAnalysisView(a: GasAnalysis): GasAnalysisView {
  return {
    id: a.id,
    takenAt: a.takenAt,
    gas: a.gas,
    gasCode: a.gasCode,
    passMarkPercentVol: PASS_MARK_PERCENT_VOL[a.lelClass],
    lelClass: a.lelClass,
    lelPercent: a.lelPercent,
    readingPercentVol: a.readingPercentVol,
    passed: a.passed,
    analyst: a.analyst,
    recordedAt: a.recordedAt,
  };
}

export function attachmentView(a: PermitAttachment): AttachmentView {
  return {
    id: a.id,
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    uploadedAt: a.uploadedAt,
    url: `/api/permits/${a.permitId}/attachments/${a.id}`,
  };
}

export function gasReadinessView(p: Permit, analyses: GasAnalysis[], now: Date): GasReadinessView {
  return {
    verdictNow: p.suspendedAt
      ? 'GAS_ANALYSIS_FAILED'
      : gasVerdict(
          p.effectiveLevel,
          analyses.map((a) => ({ takenAt: a.takenAt, passed: a.passed })),
          { firstArcAt: p.firstArcAt, lastArcStartedAt: p.lastArcStartedAt, lastArcEndedAt: p.lastArcEndedAt },
          now,
        ),
    maxAgeMin: ANALYSIS_MAX_AGE_MIN,
    pauseLimitMin: PAUSE_LIMIT_MIN[p.effectiveLevel],
    passMarkLelAtLeast4: PASS_MARK_PERCENT_VOL[LelClass.AtLeast4],
    passMarkLelBelow4: PASS_MARK_PERCENT_VOL[LelClass.Below4],
    continuousMonitoring: p.effectiveLevel === PermitLevel.Special,
  };
}

export function checklistView(c: Checklist) {
  return CHECKLIST_ITEMS.map((i) => ({
    key: i.key,
    label: i.label,
    mandatory: i.mandatory,
    checked: c[i.key] === true,
  }));
}

/** An extension as the permit shows it (and its audit entries keep it). */
export function extensionView(x: PermitExtension) {
  return {
    id: x.id,
    previousEnd: x.previousEnd,
    requestedEnd: x.requestedEnd,
    reason: x.reason,
    status: x.status,
    currentStep: x.currentStep,
    requestedAt: x.requestedAt,
    decidedAt: x.decidedAt,
    rejectionReason: x.rejectionReason,
  };
}

function trailView(t: PermitTrailEntry, names: ReadonlyMap<string, string>): PermitTrailEntryView {
  return {
    action: t.action,
    round: t.round,
    step: t.step,
    position: t.position,
    actorUsername: t.actorUsername,
    actorName: t.actorUserId ? (names.get(t.actorUserId) ?? null) : null,
    remark: t.remark,
    occurredAt: t.occurredAt,
    extensionId: t.extensionId,
  };
}

/** Builds API views; personal data appears only masked. */
@Injectable()
export class PermitViews {
  constructor(
    private readonly permits: PermitsRepository,
    @Inject(WELDER_ROSTER) private readonly welderRoster: WelderRoster,
    @Inject(MACHINE_ROSTER) private readonly machineRoster: MachineRoster,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup,
  ) {}

  async summaries(rows: Permit[], now: Date): Promise<PermitSummaryView[]> {
    const ids = rows.map((p) => p.id);
    const [pw, pm] = await Promise.all([
      this.permits.namedWeldersOfPermits(ids),
      this.permits.namedMachinesOfPermits(ids),
    ]);
    const [welders, machines] = await Promise.all([
      this.welderRoster.findWelders([...new Set(pw.map((x) => x.welderId))]),
      this.machineRoster.findMachines([...new Set(pm.map((x) => x.machineId))]),
    ]);
    const enterpriseIds = [...new Set(rows.map((p) => p.enterpriseId))];
    const enterprises = await this.enterpriseLookup.findByIds(enterpriseIds);
    return rows.map((p) =>
      this.summary(p, now, {
        enterpriseName: enterprises.find((e) => e.id === p.enterpriseId)?.name ?? '',
        welders: pw
          .filter((x) => x.permitId === p.id)
          .map((x) => ({ id: x.welderId, realName: welders.find((w) => w.id === x.welderId)?.realName ?? '' })),
        machines: pm
          .filter((x) => x.permitId === p.id)
          .map((x) => ({ id: x.machineId, name: machines.find((m) => m.id === x.machineId)?.name ?? '' })),
      }),
    );
  }

  async detail(p: Permit, now: Date, viewerCanDecide = false): Promise<PermitDetailView> {
    const [summary] = await this.summaries([p], now);
    const [trail, analyses, extensions, [attachments]] = await Promise.all([
      this.permits.trailOf(p.id),
      this.permits.gasAnalysesOf(p.id),
      this.permits.extensionsOf(p.id),
      this.permits.attachmentsOf(p.id),
    ]);
    const actorNames = await this.displayNames(trail.map((t) => t.actorUserId).filter((id) => id !== null));
    return {
      ...summary,
      checklist: checklistView(p.checklist),
      trail: trail.map((t) => trailView(t, actorNames)),
      gasAnalyses: analyses.map(gasAnalysisView),
      extensions: extensions.map(extensionView),
      attachments: attachments.map(attachmentView),
      gasReadiness: gasReadinessView(p, analyses, now),
      viewerCanDecide,
    };
  }

  /** Display names of the users who acted on the trail (the log says 安全部门 张三, not a login name). */
  private async displayNames(userIds: string[]): Promise<Map<string, string>> {
    if (!userIds.length) return new Map();
    const rows: { id: string; name: string }[] = await this.ds.query(
      'SELECT id::text AS id, display_name AS name FROM users WHERE id = ANY($1::uuid[])',
      [[...new Set(userIds)]],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  private summary(
    p: Permit,
    now: Date,
    related: Pick<PermitSummaryView, 'enterpriseName' | 'welders' | 'machines'>,
  ): PermitSummaryView {
    const chain = p.approvalChain;
    return {
      id: p.id,
      permitNo: p.permitNo,
      enterpriseId: p.enterpriseId,
      enterpriseName: related.enterpriseName,
      status: displayStatus(p, now),
      requestedLevel: p.requestedLevel,
      effectiveLevel: p.effectiveLevel,
      effectiveLevelLabel: LEVEL_LABELS[p.effectiveLevel],
      levelUpgradeReasons: p.levelUpgradeReasons,
      workDescription: p.workDescription,
      site: { address: p.siteAddress, point: { lat: p.siteLatitude, lng: p.siteLongitude }, geofence: p.geofence },
      plannedStart: p.plannedStart,
      plannedEnd: p.plannedEnd,
      latestPossibleEnd: maxEndFor(p.effectiveLevel, p.plannedStart),
      welders: related.welders,
      machines: related.machines,
      fireWatcher: p.fireWatcherName
        ? { personId: p.fireWatcherWelderId, name: p.fireWatcherName, phoneMasked: p.fireWatcherPhoneMasked }
        : null,
      applicant: { userId: p.applicantUserId, username: p.applicantUsername },
      approval: {
        chain,
        round: p.approvalRound,
        currentStep: p.currentStep,
        nextPosition: chain && p.status === 'submitted' ? (chain[p.currentStep] ?? null) : null,
      },
      suspendedAt: p.suspendedAt,
      submittedAt: p.submittedAt,
      approvedAt: p.approvedAt,
      rejectionReason: p.rejectionReason,
      cancelledAt: p.cancelledAt,
      cancelReason: p.cancelReason,
      closedAt: p.closedAt,
      workStoppedAt: p.workStoppedAt,
      fireWatchEndedAt: p.fireWatchEndedAt,
      firstArcAt: p.firstArcAt,
      lastArcEndedAt: p.lastArcEndedAt,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }
}
