import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { type AuditAction, AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { Enterprise } from '../enterprises/enterprise.entity';
import { Role } from '../common/roles/role';
import { ApproverPosition, containsInOrder, mergeChains, POSITION_LABELS } from './approval-chain';
import { PermitFireWatcher } from './fire-watcher';
import { ApproveDto, CloseDto, ExtendDto, ReasonDto } from './dto/workflow.dto';
import { PermitAccess } from './permit-access';
import { PermitEligibility } from './permit-eligibility';
import { effectiveLevel, LEVEL_LABELS, LevelDecision, levelRank, maxEndFor, PermitLevel } from './permit-levels';
import { PermitPolicyService } from './permit-policy.service';
import {
  assertComplete,
  assertStartNotPast,
  assertWindowFits,
  auditSnapshot,
  ENTERED_TIME_SKEW_MS,
} from './permit-rules';
import { PermitSettingsService } from './permit-settings.service';
import { ExtensionStatus, PermitExtension } from './permit-extension.entity';
import { assertTransition, displayStatus, PERMIT_TRANSITIONS, PermitStatus } from './permit-status';
import { PermitTrailEntry, TrailAction } from './permit-trail-entry.entity';
import { extensionView, PermitDetailView, PermitViews } from './permit-view';
import { Permit } from './permit.entity';
import { PermitsRepository } from './permits.repository';

/** GB 30871-2022 / OSHA practice: the fire watch stays at least 30 min after hot work stops. */
export const MIN_FIRE_WATCH_MS = 30 * 60_000;

type Target = { kind: 'permit' } | { kind: 'extension'; extension: PermitExtension };

/** An extension a step created or decided: the audit entry shows it beside the permit. */
interface ExtensionChange {
  before: ReturnType<typeof extensionView> | null;
  after: PermitExtension;
}

/** The life cycle: submit → approve / reject → (extend) → close or cancel, each step on the trail and in the audit log. */
@Injectable()
export class PermitWorkflowService {
  constructor(
    private readonly permits: PermitsRepository,
    private readonly permitAccess: PermitAccess,
    private readonly eligibility: PermitEligibility,
    private readonly settings: PermitSettingsService,
    private readonly policy: PermitPolicyService,
    private readonly fireWatcher: PermitFireWatcher,
    private readonly views: PermitViews,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
  ) {}

  async submit(actor: Actor, id: string): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.submit', async (em, p, enterprise, now) => {
      assertTransition('submit', displayStatus(p, now));
      this.eligibility.assertEnterpriseActive(enterprise);
      if (p.plannedEnd.getTime() <= now.getTime())
        throw new DomainError(ErrorCode.PERMIT_WINDOW_PAST, 'The permit window has already ended', [
          { field: 'plannedEnd', code: 'inPast', message: 'plannedEnd has passed' },
        ]);
      // A draft written ahead and submitted late would cover hours already past: the start must be moved first.
      assertStartNotPast(p.plannedStart, now);
      const settings = await this.settings.effectiveSettings(enterprise.id, em);
      const level = await this.levelNow(em, p, enterprise, p.plannedEnd);
      p.effectiveLevel = level.effective;
      p.levelUpgradeReasons = level.upgradeReasons;
      assertWindowFits(level.effective, p.plannedStart, p.plannedEnd);
      assertComplete(p);
      await this.fireWatcher.assertQualified(em, p, await this.permits.namedWelderIds(p.id, em));
      await this.assertReady(em, p, p.plannedEnd);
      // Instantiated now and frozen: never below the minimum in force (GB 30871 / the regulator).
      p.approvalChain = [...settings.approvalChains[level.effective]];
      p.approvalRound += 1;
      p.currentStep = 0;
      p.status = PermitStatus.Submitted;
      p.submittedAt = now;
      p.rejectionReason = null;
      await this.trail(em, p, actor, TrailAction.Submitted, now, {});
    });
  }

  async approve(actor: Actor, id: string, dto: ApproveDto): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.approve', async (em, p, enterprise, now) => {
      const target = await this.decisionTarget(em, p, now, 'approve');
      await this.enforceMinimumChain(em, p, target);
      const end = target.kind === 'extension' ? target.extension.requestedEnd : p.plannedEnd;
      // No signature on a window that has passed: it would only serve to cover work done without a permit.
      if (end.getTime() <= now.getTime())
        throw new DomainError(ErrorCode.PERMIT_WINDOW_PAST, 'The requested window has already ended', [
          { field: 'plannedEnd', code: 'inPast', message: 'the window has passed' },
        ]);
      const { step, position } = await this.assertApprover(em, actor, p, target);
      const chain = p.approvalChain!;
      const last = step + 1 >= chain.length;
      if (last) {
        // Fail closed: the facts checked at submission may have changed while the permit waited.
        this.eligibility.assertEnterpriseActive(enterprise);
        if (p.effectiveLevel === PermitLevel.Special && !chain.includes(ApproverPosition.Principal)) {
          throw new DomainError(
            ErrorCode.APPROVER_POSITION_REQUIRED,
            "特级动火作业须经主要负责人审批 (a 特级 permit needs the principal's signature)",
            [],
            { position: ApproverPosition.Principal },
          );
        }
        // A special period or blackout declared while the permit waited applies to it too.
        const level = await this.levelNow(em, p, enterprise, end);
        if (levelRank(level.effective) > levelRank(p.effectiveLevel)) {
          const message = `The window now needs a ${LEVEL_LABELS[level.effective]} permit (${level.upgradeReasons.map((r) => r.label).join('; ')}): reject it so that the applicant resubmits`;
          throw new DomainError(ErrorCode.PERMIT_LEVEL_RAISED, message, [], {
            wouldBe: level.effective,
            reasons: level.upgradeReasons,
          });
        }
        if (target.kind === 'permit')
          await this.fireWatcher.assertQualified(em, p, await this.permits.namedWelderIds(p.id, em));
        await this.assertReady(em, p, end);
      }
      if (target.kind === 'permit') {
        p.currentStep = step + 1;
        if (last) {
          p.status = PermitStatus.Approved;
          p.approvedAt = now;
        }
        await this.trail(em, p, actor, TrailAction.Approved, now, { step, position, remark: dto.remark ?? null });
      } else {
        const x = target.extension;
        const before = extensionView(x);
        x.currentStep = step + 1;
        if (last) {
          x.status = ExtensionStatus.Approved;
          x.decidedAt = now;
          p.plannedEnd = x.requestedEnd;
        }
        await em.save(PermitExtension, x);
        await this.trail(em, p, actor, last ? TrailAction.ExtensionApproved : TrailAction.Approved, now, {
          step,
          position,
          remark: dto.remark ?? null,
          extensionId: x.id,
        });
        return { before, after: x };
      }
    });
  }

  async reject(actor: Actor, id: string, dto: ReasonDto): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.reject', async (em, p, _e, now) => {
      const target = await this.decisionTarget(em, p, now, 'reject');
      const { step, position } = await this.assertApprover(em, actor, p, target);
      if (target.kind === 'permit') {
        // Back to the applicant: they may edit and resubmit, which starts a new round from step 0.
        p.status = PermitStatus.Rejected;
        p.rejectionReason = dto.reason;
        p.currentStep = 0;
        await this.trail(em, p, actor, TrailAction.Rejected, now, { step, position, remark: dto.reason });
      } else {
        const x = target.extension;
        const before = extensionView(x);
        Object.assign(x, { status: ExtensionStatus.Rejected, rejectionReason: dto.reason, decidedAt: now });
        await em.save(PermitExtension, x);
        await this.trail(em, p, actor, TrailAction.ExtensionRejected, now, {
          step,
          position,
          remark: dto.reason,
          extensionId: x.id,
        });
        return { before, after: x };
      }
    });
  }

  async cancel(actor: Actor, id: string, dto: ReasonDto): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.cancel', async (em, p, enterprise, now) => {
      assertTransition('cancel', displayStatus(p, now));
      const chain =
        p.approvalChain ?? (await this.settings.effectiveSettings(enterprise.id, em)).approvalChains[p.effectiveLevel];
      const held = actor.userId ? await this.settings.positionsOfUser(actor.userId, p.enterpriseId, em) : [];
      const allowed =
        actor.role === Role.PlatformAdmin || actor.userId === p.applicantUserId || held.some((h) => chain.includes(h));
      if (!allowed)
        throw new DomainError(ErrorCode.FORBIDDEN, 'Only the applicant or an approver of this permit may cancel it');
      const extension = await this.cancelPendingExtension(em, p, now);
      p.status = PermitStatus.Cancelled;
      p.cancelledAt = now;
      p.cancelReason = dto.reason;
      await this.trail(em, p, actor, TrailAction.Cancelled, now, { remark: dto.reason });
      return extension;
    });
  }

  async extend(actor: Actor, id: string, dto: ExtendDto): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.extension_request', async (em, p, enterprise, now) => {
      assertTransition('extend', displayStatus(p, now));
      if (await this.permits.findPendingExtension(em, p.id)) {
        throw new DomainError(ErrorCode.INVALID_STATE, 'An extension is already awaiting approval', [], {
          status: displayStatus(p, now),
          pendingExtension: true,
        });
      }
      const newEnd = new Date(dto.newEnd);
      if (newEnd.getTime() <= p.plannedEnd.getTime())
        throw DomainError.invalid('newEnd', 'afterCurrentEnd', 'newEnd must be after the current end');
      // 延期 never goes past the level's maximum counted from the original start.
      const latest = maxEndFor(p.effectiveLevel, p.plannedStart);
      if (newEnd.getTime() > latest.getTime()) {
        const message = `${LEVEL_LABELS[p.effectiveLevel]}动火作业票自开始起最长 ${(latest.getTime() - p.plannedStart.getTime()) / 3_600_000} 小时; the latest possible end is ${latest.toISOString()}`;
        throw new DomainError(
          ErrorCode.EXTENSION_BEYOND_MAXIMUM,
          message,
          [{ field: 'newEnd', code: 'beyondMaximum', message }],
          { latestPossibleEnd: latest },
        );
      }
      const level = await this.levelNow(em, p, enterprise, newEnd);
      if (levelRank(level.effective) > levelRank(p.effectiveLevel)) {
        const message = `The extended window reaches a special period and would need a ${level.effective} permit: apply for a new permit`;
        throw new DomainError(
          ErrorCode.EXTENSION_RAISES_LEVEL,
          message,
          [{ field: 'newEnd', code: 'raisesLevel', message }],
          { wouldBe: level.effective, reasons: level.upgradeReasons },
        );
      }
      this.eligibility.assertEnterpriseActive(enterprise);
      await this.assertReady(em, p, newEnd);
      const x = await em.save(
        PermitExtension,
        em.create(PermitExtension, {
          permitId: p.id,
          previousEnd: p.plannedEnd,
          requestedEnd: newEnd,
          reason: dto.reason,
          status: ExtensionStatus.Pending,
          currentStep: 0,
          requestedBy: actor.userId!,
          requestedAt: now,
          decidedAt: null,
          rejectionReason: null,
        }),
      );
      await this.trail(em, p, actor, TrailAction.ExtensionRequested, now, { remark: dto.reason, extensionId: x.id });
      return { before: null, after: x };
    });
  }

  async close(actor: Actor, id: string, dto: CloseDto): Promise<PermitDetailView> {
    return this.write(actor, id, 'permit.close', async (em, p, _e, now) => {
      assertTransition('close', displayStatus(p, now));
      const stopped = new Date(dto.workStoppedAt),
        watchEnded = new Date(dto.fireWatchEndedAt);
      const latest = now.getTime() + ENTERED_TIME_SKEW_MS;
      if (stopped.getTime() < p.plannedStart.getTime())
        throw DomainError.invalid('workStoppedAt', 'beforeStart', 'workStoppedAt is before the permit started');
      if (stopped.getTime() > latest)
        throw DomainError.invalid('workStoppedAt', 'inFuture', 'workStoppedAt is in the future');
      if (watchEnded.getTime() > latest)
        throw DomainError.invalid('fireWatchEndedAt', 'inFuture', 'fireWatchEndedAt is in the future');
      if (watchEnded.getTime() - stopped.getTime() < MIN_FIRE_WATCH_MS) {
        const message =
          '动火作业结束后监护人应至少再监护 30 分钟 (the fire watch must last at least 30 min after work stops)';
        throw new DomainError(ErrorCode.FIRE_WATCH_TOO_SHORT, message, [
          { field: 'fireWatchEndedAt', code: 'fireWatchTooShort', message },
        ]);
      }
      const extension = await this.cancelPendingExtension(em, p, now);
      p.status = PermitStatus.Closed;
      p.closedAt = now;
      p.workStoppedAt = stopped;
      p.fireWatchEndedAt = watchEnded;
      await this.trail(em, p, actor, TrailAction.Closed, now, {});
      return extension;
    });
  }

  /** Loads and locks the permit, applies the change, saves and audits it in one transaction. */
  private async write(
    actor: Actor,
    id: string,
    action: AuditAction,
    change: (em: EntityManager, p: Permit, e: Enterprise, now: Date) => Promise<ExtensionChange | void>,
  ): Promise<PermitDetailView> {
    const saved = await this.ds.transaction(async (em) => {
      const { permit, enterprise } = await this.permitAccess.loadManageable(actor, id, em);
      const before = auditSnapshot(permit);
      const now = this.clock.now();
      const extension = await change(em, permit, enterprise, now);
      const row = await em.save(Permit, permit);
      await this.audit.record(em, actor, {
        action,
        entityType: 'permit',
        entityId: id,
        enterpriseId: permit.enterpriseId,
        regionPath: enterprise.regionPath,
        before: extension ? { ...before, extension: extension.before } : before,
        after: extension ? { ...auditSnapshot(row), extension: extensionView(extension.after) } : auditSnapshot(row),
      });
      return row;
    });
    return this.views.detail(saved, this.clock.now(), await this.canDecide(actor, saved));
  }

  /**
   * Whether `actor` may approve or reject the permit now: the very checks approve and reject make
   * (something awaits a decision, the minimum chain, the signer's position, not the applicant, not
   * already signed, not a party), run on a copy and answered as a boolean, so that the UI shows the
   * buttons exactly to the person whose step it is.
   */
  async canDecide(actor: Actor, permit: Permit): Promise<boolean> {
    if (actor.role !== Role.EnterpriseAdmin && actor.role !== Role.SafetyManager) return false;
    if (actor.enterpriseId !== permit.enterpriseId) return false;
    const p = Object.assign(new Permit(), permit);
    const em = this.ds.manager;
    try {
      const target = await this.decisionTarget(em, p, this.clock.now(), 'approve');
      await this.enforceMinimumChain(em, p, target);
      await this.assertApprover(em, actor, p, target);
      return true;
    } catch (e) {
      if (e instanceof DomainError) return false;
      throw e;
    }
  }

  /** A submitted permit is decided itself; an approved one only through its pending extension. */
  private async decisionTarget(em: EntityManager, p: Permit, now: Date, action: 'approve' | 'reject'): Promise<Target> {
    const status = displayStatus(p, now);
    if (PERMIT_TRANSITIONS[action].includes(status)) return { kind: 'permit' };
    if (PERMIT_TRANSITIONS.decideExtension.includes(status)) {
      const extension = await this.permits.findPendingExtension(em, p.id);
      if (extension) return { kind: 'extension', extension };
    }
    assertTransition(action, status);
    throw new DomainError(ErrorCode.INVALID_STATE, 'Nothing awaits a decision');
  }

  private async assertApprover(
    em: EntityManager,
    actor: Actor,
    p: Permit,
    target: Target,
  ): Promise<{ step: number; position: ApproverPosition }> {
    if (
      actor.userId === p.applicantUserId ||
      (target.kind === 'extension' && actor.userId === target.extension.requestedBy)
    ) {
      throw new DomainError(
        ErrorCode.SELF_APPROVAL,
        'The applicant cannot approve or reject their own permit or extension',
      );
    }
    const chain = p.approvalChain ?? [];
    const step = target.kind === 'permit' ? p.currentStep : target.extension.currentStep;
    const position = chain[step];
    if (!position) throw new DomainError(ErrorCode.INVALID_STATE, 'The approval chain is already complete');
    const held = actor.userId ? await this.settings.positionsOfUser(actor.userId, p.enterpriseId, em) : [];
    if (!held.includes(position)) {
      throw new DomainError(
        ErrorCode.APPROVER_POSITION_REQUIRED,
        `Step ${step + 1} must be signed by the ${POSITION_LABELS[position]} (${position})`,
        [],
        { step, position },
      );
    }
    // One person, one signature: holding every position must not turn a chain into a single sign-off.
    const signers = await this.permits.signersOfRound(
      em,
      p.id,
      p.approvalRound,
      target.kind === 'extension' ? target.extension.id : null,
    );
    if (actor.userId && signers.includes(actor.userId)) {
      throw new DomainError(
        ErrorCode.SIGNER_ALREADY_SIGNED,
        'Each step needs a different signer: you have already signed this permit',
        [],
        { step, position },
      );
    }
    // Nobody approves work they do or watch themselves.
    if (
      actor.welderId &&
      (actor.welderId === p.fireWatcherWelderId ||
        (await this.permits.namedWelderIds(p.id, em)).includes(actor.welderId))
    ) {
      throw new DomainError(
        ErrorCode.APPROVER_IS_PARTY,
        'The welder or fire watcher of a permit cannot approve it',
        [],
        { step, position },
      );
    }
    return { step, position };
  }

  /**
   * The frozen chain is checked against the minimum in force at every signature: a chain frozen
   * before the minimum existed (or raised since) gains the missing steps; signatures already given
   * count as long as they still lead the chain.
   */
  private async enforceMinimumChain(em: EntityManager, p: Permit, target: Target): Promise<void> {
    const required = await this.settings.chainFor(p.enterpriseId, p.effectiveLevel, em);
    const minimum = (await this.settings.effectiveSettings(p.enterpriseId, em)).minimumChains[p.effectiveLevel];
    const frozen = p.approvalChain ?? [];
    if (frozen.length && containsInOrder(frozen, minimum)) return;
    const chain = frozen.length ? mergeChains(frozen, minimum) : required;
    const signedSteps = target.kind === 'permit' ? p.currentStep : target.extension.currentStep;
    let kept = 0;
    while (kept < signedSteps && chain[kept] === frozen[kept]) kept++;
    p.approvalChain = chain;
    if (target.kind === 'permit') p.currentStep = kept;
    else target.extension.currentStep = kept;
  }

  /** The level the window needs today (statutory holidays, regulators' periods, enterprise settings); a ban refuses. */
  private async levelNow(em: EntityManager, p: Permit, enterprise: Enterprise, end: Date): Promise<LevelDecision> {
    const settings = await this.settings.effectiveSettings(enterprise.id, em);
    const rules = await this.policy.windowRules(enterprise.regionPath, p.plannedStart, end, em);
    this.policy.assertNoBan(rules, end === p.plannedEnd ? 'plannedStart' : 'newEnd');
    return effectiveLevel(p.requestedLevel, p.plannedStart, end, settings, rules);
  }

  private async assertReady(em: EntityManager, p: Permit, end: Date): Promise<void> {
    const [welderIds, machineIds] = await Promise.all([
      this.permits.namedWelderIds(p.id, em),
      this.permits.namedMachineIds(p.id, em),
    ]);
    await this.eligibility.assertReadyForWork(em, p.enterpriseId, welderIds, machineIds, p.plannedStart, end);
  }

  /** Cancels the extension awaiting approval, if any; what it was, for the audit entry. */
  private async cancelPendingExtension(em: EntityManager, p: Permit, now: Date): Promise<ExtensionChange | void> {
    const x = await this.permits.findPendingExtension(em, p.id);
    if (!x) return;
    const before = extensionView(x);
    await em.save(PermitExtension, Object.assign(x, { status: ExtensionStatus.Cancelled, decidedAt: now }));
    return { before, after: x };
  }

  private async trail(
    em: EntityManager,
    p: Permit,
    actor: Actor,
    action: TrailAction,
    at: Date,
    extra: { step?: number; position?: ApproverPosition; remark?: string | null; extensionId?: string },
  ): Promise<void> {
    await em.insert(PermitTrailEntry, {
      permitId: p.id,
      extensionId: extra.extensionId ?? null,
      action,
      round: p.approvalRound,
      step: extra.step ?? null,
      position: extra.position ?? null,
      actorUserId: actor.userId,
      actorUsername: actor.username,
      remark: extra.remark ?? null,
      occurredAt: at,
    });
  }
}
