import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { ApproverPosition } from './approval-chain';
import { CHECKLIST_ITEMS, Checklist } from './checklist';
import { GasAnalysis } from './gas-analysis.entity';
import { Geofence } from './geofence';
import { PASS_MARK_PERCENT_VOL } from './gas-rules';
import { LEVEL_LABELS, maxEndFor, PermitLevel, UpgradeReason } from './permit-levels';
import { PermitAttachment } from './permit-attachment.entity';
import { PermitEligibilityRepository } from './permit-eligibility.repository';
import { PermitExtension } from './permit-extension.entity';
import { displayStatus, PermitDisplayStatus } from './permit-status';
import { PermitTrailEntry } from './permit-trail-entry.entity';
import { Permit } from './permit.entity';
import { PermitsRepository } from './permits.repository';

export interface PermitSummaryView {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  status: PermitDisplayStatus;
  requestedLevel: PermitLevel;
  effectiveLevel: PermitLevel;
  effectiveLevelLabel: string;
  levelUpgradeReasons: UpgradeReason[];
  workDescription: string;
  site: { address: string; point: { lat: number; lng: number }; geofence: Geofence };
  plannedStart: Date;
  plannedEnd: Date;
  /** The latest end any extension could reach: the level maximum from the original start. */
  latestPossibleEnd: Date;
  welders: { id: string; realName: string }[];
  machines: { id: string; name: string }[];
  /** personId is null on permits drafted when the watcher was free text. */
  fireWatcher: { personId: string | null; name: string; phoneMasked: string | null } | null;
  applicant: { userId: string; username: string };
  approval: { chain: ApproverPosition[] | null; round: number; currentStep: number; nextPosition: ApproverPosition | null };
  submittedAt: Date | null;
  approvedAt: Date | null;
  rejectionReason: string | null;
  cancelledAt: Date | null;
  cancelReason: string | null;
  closedAt: Date | null;
  workStoppedAt: Date | null;
  fireWatchEndedAt: Date | null;
  firstArcAt: Date | null;
  lastArcEndedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface GasAnalysisView {
  id: string; takenAt: Date; gas: string; gasCode: string | null; passMarkPercentVol: number; lelClass: string; lelPercent: number | null; readingPercentVol: number; passed: boolean; analyst: string; recordedAt: Date;
}

export interface AttachmentView {
  id: string; fileName: string; contentType: string; sizeBytes: number; sha256: string; uploadedAt: Date; url: string;
}

export interface PermitDetailView extends PermitSummaryView {
  checklist: { key: string; label: string; mandatory: boolean; checked: boolean }[];
  trail: { action: string; round: number; step: number | null; position: ApproverPosition | null; actorUsername: string; remark: string | null; occurredAt: Date; extensionId: string | null }[];
  gasAnalyses: GasAnalysisView[];
  extensions: { id: string; previousEnd: Date; requestedEnd: Date; reason: string; status: string; currentStep: number; requestedAt: Date; decidedAt: Date | null; rejectionReason: string | null }[];
  attachments: AttachmentView[];
}

export function gasAnalysisView(a: GasAnalysis): GasAnalysisView {
  return { id: a.id, takenAt: a.takenAt, gas: a.gas, gasCode: a.gasCode, passMarkPercentVol: PASS_MARK_PERCENT_VOL[a.lelClass], lelClass: a.lelClass, lelPercent: a.lelPercent, readingPercentVol: a.readingPercentVol, passed: a.passed, analyst: a.analyst, recordedAt: a.recordedAt };
}

export function attachmentView(a: PermitAttachment): AttachmentView {
  return { id: a.id, fileName: a.fileName, contentType: a.contentType, sizeBytes: a.sizeBytes, sha256: a.sha256, uploadedAt: a.uploadedAt, url: `/api/permits/${a.permitId}/attachments/${a.id}` };
}

export function checklistView(c: Checklist) {
  return CHECKLIST_ITEMS.map((i) => ({ key: i.key, label: i.label, mandatory: i.mandatory, checked: c[i.key] === true }));
}

function extensionView(x: PermitExtension) {
  return { id: x.id, previousEnd: x.previousEnd, requestedEnd: x.requestedEnd, reason: x.reason, status: x.status, currentStep: x.currentStep, requestedAt: x.requestedAt, decidedAt: x.decidedAt, rejectionReason: x.rejectionReason };
}

function trailView(t: PermitTrailEntry) {
  return { action: t.action, round: t.round, step: t.step, position: t.position, actorUsername: t.actorUsername, remark: t.remark, occurredAt: t.occurredAt, extensionId: t.extensionId };
}

/** Builds API views; personal data appears only masked. */
@Injectable()
export class PermitViews {
  constructor(private readonly permits: PermitsRepository, private readonly registry: PermitEligibilityRepository, private readonly ds: DataSource, @Inject(ENTERPRISE_LOOKUP) private readonly enterpriseLookup: EnterpriseLookup) {}

  async summaries(rows: Permit[], now: Date): Promise<PermitSummaryView[]> {
    const ids = rows.map((p) => p.id);
    const [pw, pm] = await Promise.all([this.permits.namedWeldersOfPermits(ids), this.permits.namedMachinesOfPermits(ids)]);
    const [welders, machines] = await Promise.all([
      this.registry.findWelders(this.ds.manager, [...new Set(pw.map((x) => x.welderId))]),
      this.registry.findMachines(this.ds.manager, [...new Set(pm.map((x) => x.machineId))]),
    ]);
    const enterpriseIds = [...new Set(rows.map((p) => p.enterpriseId))];
    const enterprises = await this.enterpriseLookup.findByIds(enterpriseIds);
    return rows.map((p) => this.summary(p, now, {
      enterpriseName: enterprises.find((e) => e.id === p.enterpriseId)?.name ?? '',
      welders: pw.filter((x) => x.permitId === p.id).map((x) => ({ id: x.welderId, realName: welders.find((w) => w.id === x.welderId)?.realName ?? '' })),
      machines: pm.filter((x) => x.permitId === p.id).map((x) => ({ id: x.machineId, name: machines.find((m) => m.id === x.machineId)?.name ?? '' })),
    }));
  }

  async detail(p: Permit, now: Date): Promise<PermitDetailView> {
    const [summary] = await this.summaries([p], now);
    const [trail, analyses, extensions, [attachments]] = await Promise.all([
      this.permits.trailOf(p.id), this.permits.gasAnalysesOf(p.id), this.permits.extensionsOf(p.id), this.permits.attachmentsOf(p.id),
    ]);
    return {
      ...summary,
      checklist: checklistView(p.checklist),
      trail: trail.map(trailView),
      gasAnalyses: analyses.map(gasAnalysisView),
      extensions: extensions.map(extensionView),
      attachments: attachments.map(attachmentView),
    };
  }

  private summary(p: Permit, now: Date, related: Pick<PermitSummaryView, 'enterpriseName' | 'welders' | 'machines'>): PermitSummaryView {
    const chain = p.approvalChain;
    return {
      id: p.id, enterpriseId: p.enterpriseId, enterpriseName: related.enterpriseName, status: displayStatus(p, now),
      requestedLevel: p.requestedLevel, effectiveLevel: p.effectiveLevel, effectiveLevelLabel: LEVEL_LABELS[p.effectiveLevel], levelUpgradeReasons: p.levelUpgradeReasons,
      workDescription: p.workDescription,
      site: { address: p.siteAddress, point: { lat: p.siteLatitude, lng: p.siteLongitude }, geofence: p.geofence },
      plannedStart: p.plannedStart, plannedEnd: p.plannedEnd, latestPossibleEnd: maxEndFor(p.effectiveLevel, p.plannedStart),
      welders: related.welders, machines: related.machines,
      fireWatcher: p.fireWatcherName ? { personId: p.fireWatcherWelderId, name: p.fireWatcherName, phoneMasked: p.fireWatcherPhoneMasked } : null,
      applicant: { userId: p.applicantUserId, username: p.applicantUsername },
      approval: { chain, round: p.approvalRound, currentStep: p.currentStep, nextPosition: chain && p.status === 'submitted' ? chain[p.currentStep] ?? null : null },
      submittedAt: p.submittedAt, approvedAt: p.approvedAt, rejectionReason: p.rejectionReason, cancelledAt: p.cancelledAt, cancelReason: p.cancelReason,
      closedAt: p.closedAt, workStoppedAt: p.workStoppedAt, fireWatchEndedAt: p.fireWatchEndedAt, firstArcAt: p.firstArcAt, lastArcEndedAt: p.lastArcEndedAt,
      createdAt: p.createdAt, updatedAt: p.updatedAt,
    };
  }
}
