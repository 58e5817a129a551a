import { Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { DataSource, EntityManager } from 'typeorm';
import { Actor, SYSTEM_ACTOR } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { CasesService } from '../cases/cases.service';
import { Clock } from '../common/clock/clock';
import { Role } from '../common/roles/role';
import { Hazard, HazardEvent } from '../hazards/hazard.entity';
import { HazardCategory, HazardLevel, HazardSource, HazardState, HazardStep } from '../hazards/hazard-rules';
import { HazardsService } from '../hazards/hazards.service';
import { REPORT_LOOKUP, ReportLookup } from '../reports/report-lookup';
import { ReportStatus } from '../reports/report.entity';
import { ReportsService } from '../reports/reports.service';
import { RewardsService } from '../rewards/rewards.service';
import { User } from '../users/user.entity';
import { DEMO_HAZARDS, DemoHazard } from './demo-data';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Which step of the loop each state has been through, in order. */
const STEPS: Record<HazardState, HazardStep[]> = {
  [HazardState.Open]: [HazardStep.Created],
  [HazardState.Ordered]: [HazardStep.Created, HazardStep.Ordered],
  [HazardState.Rectified]: [HazardStep.Created, HazardStep.Ordered, HazardStep.Rectified],
  [HazardState.Verified]: [HazardStep.Created, HazardStep.Ordered, HazardStep.Rectified, HazardStep.Verified],
  [HazardState.SignedOff]: [
    HazardStep.Created,
    HazardStep.Ordered,
    HazardStep.Rectified,
    HazardStep.Verified,
    HazardStep.SignedOff,
  ],
};
const TO_STATE: Record<HazardStep, HazardState> = {
  [HazardStep.Created]: HazardState.Open,
  [HazardStep.Ordered]: HazardState.Ordered,
  [HazardStep.Rectified]: HazardState.Rectified,
  [HazardStep.Verified]: HazardState.Verified,
  [HazardStep.Returned]: HazardState.Ordered,
  [HazardStep.SignedOff]: HazardState.SignedOff,
};

/**
 * The demo's realistic spread (issue 15 §5), after the base seed: hazards of the last weeks (some
 * overdue, some signed off on time or late, one waiting for the county's sign-off), an enforcement case
 * with a fine opened through the cases service, and a confirmed public report whose reward was proposed,
 * approved by a second regulator and paid (the report then closed), through the reports, hazards and rewards services. Past
 * histories cannot be replayed through the services (their deadlines must lie ahead), so the hazards are
 * written as the loop would have left them, each step on its timeline and in the audit log.
 * Runs once: nothing happens when any hazard exists.
 */
@Injectable()
export class DemoSpread {
  constructor(
    private readonly ds: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly modules: ModuleRef,
  ) {}

  async seed(): Promise<boolean> {
    const [{ n }] = await this.ds.query('SELECT count(*)::int AS n FROM hazards');
    if (n > 0) return false;
    const actors = await this.actors();
    const enterprises = new Map<string, { id: string; regionCode: string; regionPath: string }>(
      (
        await this.ds.query<{ name: string; id: string; region_code: string; region_path: string }[]>(
          'SELECT name, id, region_code, region_path FROM enterprises',
        )
      ).map((e) => [e.name, { id: e.id, regionCode: e.region_code, regionPath: e.region_path }]),
    );
    const now = this.clock.now();
    const ids: Record<string, string> = {};
    await this.ds.transaction(async (em) => {
      for (const h of DEMO_HAZARDS) {
        const e = enterprises.get(h.enterprise);
        if (!e) throw new Error(`demo spread: no enterprise ${h.enterprise}`);
        ids[h.key] = await this.hazard(em, h, e, actors, now);
      }
    });

    // 立案 with a fine, from the major overdue hazard, by the county.
    const county = actors['xiayi.regulator'];
    const township = actors['huiting.regulator'];
    await this.modules.get(CasesService, { strict: false }).open(county, {
      hazardId: ids.modifiedMachine,
      legalBasis: '《中华人民共和国安全生产法》第九十九条',
      facts: '擅自改造焊机、拆除安全装置，到期仍未改正',
      fineYuan: 5000,
    });

    // 群众举报 → 查实 → 隐患 → 奖励 (proposed by the township, approved by the county, paid).
    const reports = this.modules.get(ReportsService, { strict: false });
    const receipt = await reports.submit(
      {
        description: '会亭镇工业园恒达钢结构厂房后面有人无证电焊，火花溅到草堆',
        regionCode: '411426100',
        latitude: 34.1725,
        longitude: 116.0019,
      },
      undefined,
    );
    const reportId = await this.modules
      .get<ReportLookup>(REPORT_LOOKUP, { strict: false })
      .findIdByTrackingCode(receipt.trackingCode);
    if (!reportId) throw new Error('demo spread: the report was not stored');
    for (const to of [ReportStatus.Verifying, ReportStatus.Verified])
      await reports.transition(township, reportId, { to, note: '现场核实属实' });
    await this.modules.get(HazardsService, { strict: false }).fromReport(township, reportId, {
      category: HazardCategory.UnlicensedWelding,
      level: HazardLevel.General,
      enterpriseId: enterprises.get('夏邑县恒达钢结构有限公司')!.id,
    });
    const rewards = this.modules.get(RewardsService, { strict: false });
    await rewards.setRule(county, {
      category: HazardCategory.UnlicensedWelding,
      level: HazardLevel.General,
      amountYuan: 500,
    });
    const proposed = await rewards.propose(township, { reportId });
    await rewards.approve(county, proposed.id);
    await rewards.pay(county, proposed.id, {
      paidAt: this.clock.now().toISOString(),
      paymentReference: 'XYJL-2026-0001',
    });
    // Handled: the county signs the report off (审核把关销号: not the township that verified it), so it leaves
    // the map's open reports.
    await reports.transition(county, reportId, { to: ReportStatus.Closed, note: '奖励已发放，审核销号' });
    return true;
  }

  private async actors(): Promise<Record<string, Actor>> {
    const rows = await this.ds.query<(Pick<User, 'id' | 'username' | 'role'> & { code: string; path: string })[]>(
      `SELECT u.id, u.username, u.role, r.code, r.path FROM users u JOIN regions r ON r.code = u.region_code
        WHERE u.role = $1`,
      [Role.Regulator],
    );
    return Object.fromEntries(
      rows.map((u) => [
        u.username,
        { userId: u.id, username: u.username, role: Role.Regulator, regionCode: u.code, regionPath: u.path },
      ]),
    );
  }

  /** One hazard as its loop left it, with every step on the timeline and in the audit log. */
  private async hazard(
    em: EntityManager,
    d: DemoHazard,
    e: { id: string; regionCode: string; regionPath: string },
    actors: Record<string, Actor>,
    now: Date,
  ): Promise<string> {
    const at = (days: number) => new Date(now.getTime() + days * DAY);
    const handler = actors['huiting.regulator'];
    const signer = actors['xiayi.regulator'];
    const created = at(d.createdDaysAgo * -1);
    const deadline = d.deadlineInDays === null ? null : at(d.deadlineInDays);
    const signedOffAt = d.signedOffDaysAgo === null ? null : at(-d.signedOffDaysAgo);
    const regulatorHandled = d.source !== HazardSource.SelfInspection || d.state !== HazardState.Open;
    const h = await em.getRepository(Hazard).save(
      em.create(Hazard, {
        enterpriseId: e.id,
        regionCode: e.regionCode,
        regionPath: e.regionPath,
        machineId: null,
        welderId: null,
        permitId: null,
        category: d.category,
        level: d.level,
        description: d.description,
        legalBasis: null,
        latitude: null,
        longitude: null,
        source: d.source,
        sourceAlertId: null,
        sourceReportId: null,
        state: d.state,
        deadline,
        handlerIds: regulatorHandled ? [handler.userId!] : [],
        verifiedBy: [HazardState.Verified, HazardState.SignedOff].includes(d.state) ? handler.userId : null,
        signedOffBy: d.state === HazardState.SignedOff ? signer.userId : null,
        signedOffAt,
        overdueAlertedFor: null,
        createdBy: d.source === HazardSource.SelfInspection ? null : handler.userId,
        createdAt: created,
        updatedAt: signedOffAt ?? created,
      }),
    );
    const steps = STEPS[d.state];
    // Steps spread between registration and the last step (sign-off, or a day before now).
    const last = (signedOffAt ?? at(-1)).getTime();
    let from: HazardState | null = null;
    for (const [i, step] of steps.entries()) {
      const occurredAt = new Date(
        steps.length === 1
          ? created.getTime()
          : created.getTime() + ((last - created.getTime()) * i) / (steps.length - 1),
      );
      const enterpriseStep =
        step === HazardStep.Rectified || (step === HazardStep.Created && d.source === HazardSource.SelfInspection);
      const who: Actor =
        step === HazardStep.SignedOff ? signer : enterpriseStep ? { ...SYSTEM_ACTOR, username: d.enterprise } : handler;
      const to = TO_STATE[step];
      await em.getRepository(HazardEvent).insert({
        hazardId: h.id,
        step,
        fromState: from,
        toState: to,
        note: NOTES[step],
        deadline: step === HazardStep.Ordered ? deadline : null,
        onSite: step === HazardStep.Verified ? true : null,
        actorUserId: who.userId,
        actorName: enterpriseStep ? d.enterprise.slice(0, 100) : who.username,
        actorRole: enterpriseStep ? Role.EnterpriseAdmin : who.role,
        latitude: null,
        longitude: null,
        occurredAt,
      });
      await this.audit.record(em, who.userId ? who : SYSTEM_ACTOR, {
        action: AUDIT_OF_STEP[step],
        entityType: 'hazard',
        entityId: h.id,
        enterpriseId: h.enterpriseId,
        regionPath: h.regionPath,
        before: from ? { state: from } : null,
        after: { state: to, deadline: step === HazardStep.Ordered ? deadline : undefined, demo: true },
      });
      from = to;
    }
    return h.id;
  }
}

const NOTES: Record<HazardStep, string | null> = {
  [HazardStep.Created]: null,
  [HazardStep.Ordered]: '限7日内完成整改',
  [HazardStep.Rectified]: '已按要求整改，附整改照片',
  [HazardStep.Verified]: '现场复查合格',
  [HazardStep.Returned]: '整改不到位，退回',
  [HazardStep.SignedOff]: '审核同意销号',
};

const AUDIT_OF_STEP = {
  [HazardStep.Created]: 'hazard.create',
  [HazardStep.Ordered]: 'hazard.order',
  [HazardStep.Rectified]: 'hazard.rectify',
  [HazardStep.Verified]: 'hazard.verify',
  [HazardStep.Returned]: 'hazard.return',
  [HazardStep.SignedOff]: 'hazard.sign_off',
} as const;
