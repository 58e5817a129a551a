import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { chinaDate } from '../common/time/china-date';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { ENTERPRISE_LOOKUP, EnterpriseLookup } from '../enterprises/enterprise-lookup';
import { HazardCategory, HazardLevel, HazardState, HazardStep } from '../hazards/hazard-rules';
import { HazardSummaryView } from '../hazards/hazard.view';
import { HazardsService } from '../hazards/hazards.service';
import { InspectionsService } from '../inspections/inspections.service';
import { OnSiteService } from '../inspections/onsite.service';
import { DocumentNumbersRepository } from './document-numbers.repository';
import {
  DOCUMENT_ASCII_NAMES,
  DOCUMENT_TITLES,
  DocumentEnterprise,
  DocumentHazard,
  DocumentKind,
  documentNumber,
  EnforcementDocument,
  ReviewOutcome,
} from './document-views';
import { DocumentRenderer } from './render/render-off-thread';

export interface DocumentFile {
  buffer: Buffer;
  asciiName: string;
  chineseName: string;
}

/** The categories and levels as the documents print them (the console's zh-CN labels). */
const CATEGORY_LABELS: Record<HazardCategory, string> = {
  [HazardCategory.UnlicensedWelding]: '无证焊接',
  [HazardCategory.NoHotWorkPermit]: '未办理动火作业票',
  [HazardCategory.MachineNotChipped]: '焊机未加芯赋码',
  [HazardCategory.FireWatchMissing]: '监护缺失',
  [HazardCategory.GasTestMissing]: '气体检测缺失',
  [HazardCategory.FireEquipmentMissing]: '消防器材缺失',
  [HazardCategory.ModifiedMachine]: '改装焊机',
  [HazardCategory.ArcWithoutGrant]: '无授权起弧（绕过联锁）',
  [HazardCategory.MachineOveruse]: '焊机超时运行',
  [HazardCategory.CombustiblesNearby]: '动火点周边可燃物未清理',
  [HazardCategory.Other]: '其他',
};
const LEVEL_LABELS: Record<HazardLevel, string> = { [HazardLevel.General]: '一般', [HazardLevel.Major]: '重大' };
const REVIEW_STEPS: ReadonlySet<HazardStep> = new Set([HazardStep.Verified, HazardStep.Returned, HazardStep.SignedOff]);

/**
 * 执法文书 (issue 15 §2): 现场检查记录, 责令限期整改指令书 and 整改复查意见书 as PDF. The records are read
 * through the hazards' and inspections' services, with the caller's visibility (whoever cannot read the
 * record gets its 404); the numbers are this module's; the PDF is laid out in a worker thread. Every
 * download is audited.
 */
/** The record a document is of, as its audit entries name it. */
interface DocumentSubject {
  entityType: 'hazard' | 'inspection_plan';
  entityId: string;
  enterpriseId: string;
  extra?: Record<string, unknown>;
}

@Injectable()
export class DocumentsService {
  constructor(
    private readonly hazards: HazardsService,
    private readonly inspections: InspectionsService,
    private readonly onSite: OnSiteService,
    private readonly numbers: DocumentNumbersRepository,
    private readonly renderer: DocumentRenderer,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(ENTERPRISE_LOOKUP) private readonly enterprises: EnterpriseLookup,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** 责令限期整改指令书: once the hazard has been ordered (in any later state too). */
  async rectificationOrder(actor: Actor, hazardId: string): Promise<DocumentFile> {
    const h = await this.hazards.get(actor, hazardId);
    const order = lastOf(h.timeline, (e) => e.step === HazardStep.Ordered);
    if (!order?.deadline) throw notAvailable(DocumentKind.RectificationOrder, h.state);
    const subject: DocumentSubject = { entityType: 'hazard', entityId: h.id, enterpriseId: h.enterpriseId };
    const number = await this.number(actor, DocumentKind.RectificationOrder, h.id, new Date(order.occurredAt), subject);
    const doc: EnforcementDocument = {
      kind: DocumentKind.RectificationOrder,
      number,
      link: this.hazardLink(h.id),
      authority: authorityOf(h.regionName),
      enterprise: await this.enterprise(h),
      hazard: { ...hazardOf(h), deadline: new Date(order.deadline) },
      orderedAt: new Date(order.occurredAt),
      orderedByName: order.actorName,
      requirement: order.note,
      deadline: new Date(order.deadline),
    };
    return this.issue(actor, doc, subject);
  }

  /**
   * 整改复查意见书: the latest review of the rectification, whether it passed (verified), was signed off
   * (销号) or was sent back. Before any review there is none.
   */
  async reviewOpinion(actor: Actor, hazardId: string): Promise<DocumentFile> {
    const h = await this.hazards.get(actor, hazardId);
    const reviewIdx = lastIndexOf(h.timeline, (e) => REVIEW_STEPS.has(e.step));
    if (reviewIdx < 0) throw notAvailable(DocumentKind.ReviewOpinion, h.state);
    const review = h.timeline[reviewIdx];
    const before = h.timeline.slice(0, reviewIdx + 1);
    const order = lastOf(before, (e) => e.step === HazardStep.Ordered);
    const rectified = lastOf(before, (e) => e.step === HazardStep.Rectified);
    const verified = lastOf(before, (e) => e.step === HazardStep.Verified);
    const outcome =
      review.step === HazardStep.SignedOff
        ? ReviewOutcome.SignedOff
        : review.step === HazardStep.Verified
          ? ReviewOutcome.Passed
          : ReviewOutcome.Returned;
    const reviewedAt = new Date(review.occurredAt);
    const subject: DocumentSubject = { entityType: 'hazard', entityId: h.id, enterpriseId: h.enterpriseId };
    const [number, orderNumber] = await Promise.all([
      this.number(actor, DocumentKind.ReviewOpinion, `${h.id}:${review.id}`, reviewedAt, subject),
      order ? this.number(actor, DocumentKind.RectificationOrder, h.id, new Date(order.occurredAt), subject) : null,
    ]);
    const doc: EnforcementDocument = {
      kind: DocumentKind.ReviewOpinion,
      number,
      link: this.hazardLink(h.id),
      authority: authorityOf(h.regionName),
      enterprise: await this.enterprise(h),
      hazard: { ...hazardOf(h), deadline: order?.deadline ? new Date(order.deadline) : null },
      orderNumber,
      orderedAt: order ? new Date(order.occurredAt) : null,
      rectifiedAt: rectified ? new Date(rectified.occurredAt) : null,
      rectificationNote: rectified?.note ?? null,
      outcome,
      reviewedAt,
      reviewedByName: review.actorName,
      // A sign-off is judged on the verification before it: that one says on site or on paper.
      onSite: review.step === HazardStep.SignedOff ? (verified?.onSite ?? null) : review.onSite,
      opinion: review.note,
      newDeadline: outcome === ReviewOutcome.Returned && review.deadline ? new Date(review.deadline) : null,
      verifiedByName: outcome === ReviewOutcome.Returned ? null : (verified?.actorName ?? null),
      signedOffByName: outcome === ReviewOutcome.SignedOff ? review.actorName : null,
      signedOffAt: outcome === ReviewOutcome.SignedOff ? reviewedAt : null,
    };
    return this.issue(actor, doc, subject);
  }

  /** 现场检查记录: a drawn enterprise of a plan once an inspector has checked in there. */
  async inspectionRecord(actor: Actor, planId: string, position: number): Promise<DocumentFile> {
    // The on-site record decides who reads it (the two inspectors drawn, regulators over the plan, platform
    // admins) and holds 五现场: what was found and explained, who signed, the hazards handed over at this visit.
    const record = await this.onSite.record(actor, planId, position);
    if (!record.checkedInAt) throw notAvailable(DocumentKind.InspectionRecord, 'not_checked_in');
    const checkedInAt = new Date(record.checkedInAt);
    const subject: DocumentSubject = {
      entityType: 'inspection_plan',
      entityId: planId,
      enterpriseId: record.enterpriseId,
      extra: { targetPosition: position },
    };
    const [number, enterprise, signature] = await Promise.all([
      this.number(actor, DocumentKind.InspectionRecord, `${planId}:${position}`, checkedInAt, subject),
      this.enterpriseById(record.enterpriseId, record.planRegionName),
      record.hasSignature ? this.onSite.signature(actor, planId, position) : Promise.resolve(null),
    ]);
    const doc: EnforcementDocument = {
      kind: DocumentKind.InspectionRecord,
      number,
      link: `${this.config.publicBaseUrl}/console/inspections?open=${planId}&target=${position}`,
      authority: authorityOf(record.planRegionName),
      enterprise,
      planTitle: record.planTitle,
      checkedInAt,
      checkedInByName: record.checkedInByName,
      checkInLatitude: record.checkInLatitude,
      checkInLongitude: record.checkInLongitude,
      inspectors: record.inspectors.map((i) => i.displayName).filter(Boolean),
      hazards: record.hazards.map((h) => hazardOf(h)),
      findings: record.findings || null,
      explained: record.explained || null,
      signerName: record.signerName,
      signedAt: record.signedAt ? new Date(record.signedAt) : null,
      signature: signature ? new Uint8Array(signature) : null,
    };
    return this.issue(actor, doc, subject);
  }

  // ---- internals ------------------------------------------------------------------------------

  private hazardLink(id: string): string {
    return `${this.config.publicBaseUrl}/console/hazards?open=${id}`;
  }

  /** The document's number; the first download gives it one, audited in the same transaction. */
  private async number(
    actor: Actor,
    kind: DocumentKind,
    subjectKey: string,
    issuedAt: Date,
    subject: DocumentSubject,
  ): Promise<string> {
    const year = Number(chinaDate(issuedAt).slice(0, 4));
    const n = await this.numbers.numberFor(kind, subjectKey, year, this.clock.now(), (em, given) =>
      this.log(em, actor, 'document.number_issue', subject, {
        document: kind,
        number: documentNumber(kind, given.year, given.seq),
      }),
    );
    return documentNumber(kind, n.year, n.seq);
  }

  private async enterprise(h: HazardSummaryView): Promise<DocumentEnterprise> {
    return this.enterpriseById(h.enterpriseId, h.regionName);
  }

  private async enterpriseById(id: string, regionName: string | null): Promise<DocumentEnterprise> {
    const e = await this.enterprises.findById(id);
    if (!e) throw DomainError.notFound('Enterprise');
    return {
      name: e.name,
      uscc: e.uscc,
      address: e.address,
      principalName: e.principalName,
      controllerName: e.controllerName,
      // The address usually starts with the township already.
      regionName: regionName && !e.address.includes(regionName) ? regionName : null,
    };
  }

  /** A document's audit entry, on the record it is of. */
  private log(
    em: EntityManager,
    actor: Actor,
    action: 'document.number_issue' | 'document.download',
    subject: DocumentSubject,
    after: Record<string, unknown>,
  ): Promise<void> {
    return this.audit.record(em, actor, {
      action,
      entityType: subject.entityType,
      entityId: subject.entityId,
      enterpriseId: subject.enterpriseId,
      regionPath: actor.regionPath ?? null,
      before: null,
      after: { ...after, ...subject.extra },
    });
  }

  /** The hazards this inspection registered at the enterprise: source inspection, from the check-in to the end of that day. */
  /** Render off the event loop, then audit the download (who took which document of which record). */
  private async issue(actor: Actor, doc: EnforcementDocument, subject: DocumentSubject): Promise<DocumentFile> {
    const buffer = await this.renderer.render(doc);
    await this.ds.transaction((tx) =>
      this.log(tx, actor, 'document.download', subject, {
        document: doc.kind,
        number: doc.number,
        bytes: buffer.length,
      }),
    );
    const ascii = DOCUMENT_ASCII_NAMES[doc.kind];
    const day = chinaDate(this.clock.now());
    return {
      buffer,
      asciiName: `${ascii}-${day}.pdf`,
      chineseName: `${DOCUMENT_TITLES[doc.kind]}-${doc.enterprise.name}-${day}.pdf`,
    };
  }
}

function hazardOf(
  h: Pick<HazardSummaryView, 'category' | 'level' | 'description' | 'legalBasis' | 'deadline'>,
): DocumentHazard {
  return {
    category: CATEGORY_LABELS[h.category] ?? h.category,
    level: LEVEL_LABELS[h.level] ?? h.level,
    description: h.description,
    legalBasis: h.legalBasis,
    deadline: h.deadline ? new Date(h.deadline) : null,
  };
}

function authorityOf(regionName: string | null): string {
  return `${regionName ?? ''}安全生产监管部门`;
}

function notAvailable(kind: DocumentKind, state: HazardState | 'not_checked_in'): DomainError {
  const why: Record<DocumentKind, string> = {
    [DocumentKind.RectificationOrder]: '该隐患尚未责令限期整改，没有整改指令书 (the hazard has not been ordered yet)',
    [DocumentKind.ReviewOpinion]: '该隐患的整改尚未复查，没有复查意见书 (the rectification has not been reviewed yet)',
    [DocumentKind.InspectionRecord]: '检查人员尚未到现场签到，没有现场检查记录 (no inspector has checked in yet)',
  };
  return new DomainError(ErrorCode.DOCUMENT_NOT_AVAILABLE, why[kind], [], { document: kind, state });
}

function lastIndexOf<T>(xs: T[], p: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return i;
  return -1;
}

function lastOf<T>(xs: T[], p: (x: T) => boolean): T | undefined {
  const i = lastIndexOf(xs, p);
  return i < 0 ? undefined : xs[i];
}
