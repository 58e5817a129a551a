import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { InspectionPlan, InspectionTarget } from './inspection.entity';
import { InspectionRecord, InspectionScan, UnregisteredMachineFinding } from './onsite.entity';

export interface MyTargetRow {
  target: InspectionTarget;
  plan: InspectionPlan;
  signedAt: Date | null;
}

/** The on-site records (五现场) of inspection targets; this module's tables only. */
@Injectable()
export class OnSiteRepository {
  constructor(private readonly ds: DataSource) {}

  /** Targets the user was drawn for, the current period first, at most 200. */
  async targetsOfInspector(userId: string): Promise<MyTargetRow[]> {
    const targets = await this.ds
      .getRepository(InspectionTarget)
      .createQueryBuilder('t')
      .where(':userId = ANY(t.inspector_ids)', { userId })
      .take(200)
      .getMany();
    if (!targets.length) return [];
    const plans = await this.ds
      .getRepository(InspectionPlan)
      .createQueryBuilder('p')
      .where('p.id IN (:...ids)', { ids: [...new Set(targets.map((t) => t.planId))] })
      .getMany();
    const records = await this.ds
      .getRepository(InspectionRecord)
      .createQueryBuilder('r')
      .where('r.target_id IN (:...ids)', { ids: targets.map((t) => t.id) })
      .getMany();
    const plan = new Map(plans.map((p) => [p.id, p]));
    const signed = new Map(records.map((r) => [r.targetId, r.signedAt]));
    return targets
      .map((t) => ({ target: t, plan: plan.get(t.planId)!, signedAt: signed.get(t.id) ?? null }))
      .sort(
        (a, b) =>
          b.plan.periodStart.localeCompare(a.plan.periodStart) ||
          b.plan.drawnAt.getTime() - a.plan.drawnAt.getTime() ||
          a.target.position - b.target.position,
      );
  }

  findTarget(planId: string, position: number): Promise<InspectionTarget | null> {
    return this.ds.getRepository(InspectionTarget).findOne({ where: { planId, position } });
  }

  findTargetForUpdate(em: EntityManager, targetId: string): Promise<InspectionTarget | null> {
    return em
      .getRepository(InspectionTarget)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.id = :targetId', { targetId })
      .getOne();
  }

  findRecord(targetId: string, em?: EntityManager): Promise<InspectionRecord | null> {
    return (em ?? this.ds.manager).getRepository(InspectionRecord).findOne({ where: { targetId } });
  }

  async saveRecord(em: EntityManager, r: Partial<InspectionRecord> & { targetId: string }): Promise<void> {
    await em.getRepository(InspectionRecord).save(em.create(InspectionRecord, r));
  }

  async signature(targetId: string): Promise<Buffer | null> {
    const row = await this.ds
      .getRepository(InspectionRecord)
      .createQueryBuilder('r')
      .addSelect('r.signature')
      .where('r.target_id = :targetId', { targetId })
      .getOne();
    return row?.signature ?? null;
  }

  scansOf(targetId: string): Promise<InspectionScan[]> {
    return this.ds.getRepository(InspectionScan).find({ where: { targetId }, order: { scannedAt: 'ASC', id: 'ASC' } });
  }

  insertScan(em: EntityManager, s: Omit<InspectionScan, 'id'>): Promise<InspectionScan> {
    return em.getRepository(InspectionScan).save(em.create(InspectionScan, s));
  }

  unregisteredOf(targetId: string): Promise<UnregisteredMachineFinding[]> {
    return this.ds
      .getRepository(UnregisteredMachineFinding)
      .find({ where: { targetId }, order: { foundAt: 'ASC', id: 'ASC' } });
  }

  insertUnregistered(
    em: EntityManager,
    u: Omit<UnregisteredMachineFinding, 'id'>,
  ): Promise<UnregisteredMachineFinding> {
    return em.getRepository(UnregisteredMachineFinding).save(em.create(UnregisteredMachineFinding, u));
  }
}
