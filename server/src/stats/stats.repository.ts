import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AlertScope } from '../alerts/alert-scope';
import { ReportingPool } from '../database/reporting-pool';
import { WELDER_SCOPE_LOOKUP, WelderScopeLookup } from '../welders/welder-scope-lookup';

export interface TablesPresent {
  chips: boolean;
  arcs: boolean;
  permits: boolean;
}

export interface RegionRef {
  code: string;
  name: string;
  path: string;
  level: string;
}

export interface DailyCount {
  day: string;
  n: number;
}

type Counts<K extends string> = Record<K, number>;

const num = (v: unknown): number => Number(v ?? 0);

/**
 * Read-only SQL counts for the overview, every query scoped to what the actor may see. Each figure is
 * one aggregate statement on the reporting pool: only counts cross into JavaScript, never rows of a
 * province, and the statements queue behind the reporting pool's few connections, not the device path's.
 */
@Injectable()
export class StatsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessPolicy,
    @Inject(WELDER_SCOPE_LOOKUP) private readonly welderScope: WelderScopeLookup,
    private readonly reporting: ReportingPool,
    private readonly alertScope: AlertScope,
  ) {}

  /** Device, telemetry and permit tables come from other modules' migrations; count only what exists. */
  async tablesPresent(): Promise<TablesPresent> {
    const [r] = await this.ds.query(
      `SELECT to_regclass('chips') IS NOT NULL AS chips, to_regclass('arcs') IS NOT NULL AS arcs, to_regclass('permits') IS NOT NULL AS permits`,
    );
    return { chips: !!r.chips, arcs: !!r.arcs, permits: !!r.permits };
  }

  async enterpriseCounts(actor: Actor): Promise<Counts<'total' | 'active' | 'suspended' | 'closed'>> {
    const qb = this.ds
      .createQueryBuilder()
      .from('enterprises', 'e')
      .select('count(*)', 'total')
      .addSelect(`count(*) FILTER (WHERE e.status = 'active')`, 'active')
      .addSelect(`count(*) FILTER (WHERE e.status = 'suspended')`, 'suspended')
      .addSelect(`count(*) FILTER (WHERE e.status = 'closed')`, 'closed');
    const r = await this.reporting.row<Record<string, string>>(this.access.scopeToEnterprises(qb, actor, 'e'));
    return { total: num(r?.total), active: num(r?.active), suspended: num(r?.suspended), closed: num(r?.closed) };
  }

  async machineCounts(actor: Actor, withChips: boolean) {
    const qb = this.ds
      .createQueryBuilder()
      .from('machines', 'm')
      .innerJoin('enterprises', 'e', 'e.id = m.enterprise_id')
      .select(`count(*) FILTER (WHERE m.status <> 'retired')`, 'total')
      .addSelect(`count(*) FILTER (WHERE m.status = 'registered')`, 'registered')
      .addSelect(`count(*) FILTER (WHERE m.status = 'active')`, 'active')
      .addSelect(`count(*) FILTER (WHERE m.status = 'suspended')`, 'suspended')
      .addSelect(`count(*) FILTER (WHERE m.status = 'retired')`, 'retired')
      .addSelect(`count(*) FILTER (WHERE m.status <> 'retired' AND m.chip_id IS NOT NULL)`, 'chipped');
    if (withChips) {
      // The chip row must still be bound to this machine: an unbound chip's last state says nothing.
      qb.leftJoin('chips', 'c', 'c.chip_id = m.chip_id AND c.machine_id = m.id')
        .addSelect(`count(*) FILTER (WHERE m.status <> 'retired' AND c.online)`, 'online')
        .addSelect(`count(*) FILTER (WHERE m.status <> 'retired' AND c.online AND c.state = 'arcing')`, 'arcing');
    }
    const r = await this.reporting.row<Record<string, string>>(this.access.scopeToEnterprises(qb, actor, 'e'));
    return {
      total: num(r?.total),
      registered: num(r?.registered),
      active: num(r?.active),
      suspended: num(r?.suspended),
      retired: num(r?.retired),
      chipped: num(r?.chipped),
      online: num(r?.online),
      arcing: num(r?.arcing),
    };
  }

  /** Not-retired machines whose bound chip reports online now, and of those the ones arcing (live; the census has the rest). */
  async machinesOnline(actor: Actor): Promise<{ online: number; arcing: number }> {
    const qb = this.ds
      .createQueryBuilder()
      .from('chips', 'c')
      .innerJoin('machines', 'm', 'm.chip_id = c.chip_id AND m.id = c.machine_id')
      .innerJoin('enterprises', 'e', 'e.id = m.enterprise_id')
      .select(`count(*)`, 'online')
      .addSelect(`count(*) FILTER (WHERE c.state = 'arcing')`, 'arcing')
      .where('c.online')
      .andWhere(`m.status <> 'retired'`);
    const r = await this.reporting.row<Record<string, string>>(this.access.scopeToEnterprises(qb, actor, 'e'));
    return { online: num(r?.online), arcing: num(r?.arcing) };
  }

  /**
   * Active welders the actor is responsible for: the welders ledger's own definition (employed in scope,
   * or engaged today with an enterprise in scope), so that the overview and the ledger agree.
   */
  /**
   * Active welders per region of `regions`, by the welders ledger's definition: those a regulator of that
   * region would see there (employed there or dispatched there today), of those the caller sees. A
   * dispatched welder counts in both the employer's and the host's region, as both regions' ledgers list
   * her. One statement: each (welder, region) pair is one joined row, so count(*) counts her once per region.
   */
  async activeWeldersByRegion(actor: Actor, regions: RegionRef[]): Promise<Map<string, number>> {
    const out = new Map(regions.map((r) => [r.code, 0]));
    if (!regions.length) return out;
    const today = this.welderScope.today();
    const qb = this.ds
      .createQueryBuilder()
      .from('welders', 'w')
      .innerJoin('enterprises', 'e', 'e.id = w.employer_id')
      .innerJoin('regions', 'r', `r.code IN (:...statsCodes) AND ${this.welderScope.inRegionSql('r.path')}`, {
        statsCodes: regions.map((r) => r.code),
      })
      .select('r.code', 'code')
      .addSelect('count(*)', 'n')
      .where(`w.status = 'active'`)
      .groupBy('r.code')
      .setParameter('scopeToday', today);
    for (const r of await this.reporting.rows<{ code: string; n: string }>(
      this.welderScope.scopeQuery(qb, actor, today),
    ))
      out.set(r.code, num(r.n));
    return out;
  }

  /** Approved permits whose planned window overlaps [dayStart, dayEnd). */
  async permitsActiveBetween(actor: Actor, dayStart: Date, dayEnd: Date): Promise<number> {
    const qb = this.ds
      .createQueryBuilder()
      .from('permits', 'p')
      .innerJoin('enterprises', 'e', 'e.id = p.enterprise_id')
      .select('count(*)', 'n')
      .where(`p.status = 'approved'`)
      .andWhere('p.planned_start < :dayEnd AND p.planned_end > :dayStart', { dayStart, dayEnd });
    return num((await this.reporting.row<Record<string, string>>(this.access.scopeToEnterprises(qb, actor, 'e')))?.n);
  }

  async regionByCode(code: string): Promise<RegionRef | null> {
    const [r] = await this.ds.query(`SELECT code, name, path, level FROM regions WHERE code = $1`, [code]);
    return r ?? null;
  }

  async childRegions(parentCode: string): Promise<RegionRef[]> {
    return this.ds.query(`SELECT code, name, path, level FROM regions WHERE parent_code = $1 ORDER BY code`, [
      parentCode,
    ]);
  }

  async rootRegions(): Promise<RegionRef[]> {
    return this.ds.query(`SELECT code, name, path, level FROM regions WHERE parent_code IS NULL ORDER BY code`);
  }

  async enterpriseRegion(enterpriseId: string): Promise<RegionRef | null> {
    const [r] = await this.ds.query(
      `SELECT r.code, r.name, r.path, r.level FROM enterprises e JOIN regions r ON r.code = e.region_code WHERE e.id = $1`,
      [enterpriseId],
    );
    return r ?? null;
  }

  /** Per region of `regions`: enterprises, machines and chipped machines inside its subtree (welders: activeWeldersByRegion). */
  async registryByRegion(
    actor: Actor,
    regions: RegionRef[],
  ): Promise<Map<string, { enterprises: number; machines: number; chipped: number }>> {
    const out = new Map(regions.map((r) => [r.code, { enterprises: 0, machines: 0, chipped: 0 }]));
    if (!regions.length) return out;
    const codes = regions.map((r) => r.code);
    const inRegions = <T extends ObjectLiteral>(qb: SelectQueryBuilder<T>) =>
      qb
        .innerJoin('regions', 'r', `e.region_path LIKE r.path || '%'`)
        .andWhere('r.code IN (:...codes)', { codes })
        .groupBy('r.code')
        .addSelect('r.code', 'code');

    const ent = inRegions(this.ds.createQueryBuilder().from('enterprises', 'e').select('count(*)', 'n'));
    const mac = inRegions(
      this.ds
        .createQueryBuilder()
        .from('machines', 'm')
        .innerJoin('enterprises', 'e', 'e.id = m.enterprise_id')
        .select(`count(*) FILTER (WHERE m.status <> 'retired')`, 'n')
        .addSelect(`count(*) FILTER (WHERE m.status <> 'retired' AND m.chip_id IS NOT NULL)`, 'chipped'),
    );
    const [entRows, macRows] = await Promise.all([
      this.reporting.rows<Record<string, string>>(this.access.scopeToEnterprises(ent, actor, 'e')),
      this.reporting.rows<Record<string, string>>(this.access.scopeToEnterprises(mac, actor, 'e')),
    ]);
    for (const r of entRows) out.get(r.code)!.enterprises = num(r.n);
    for (const r of macRows) Object.assign(out.get(r.code)!, { machines: num(r.n), chipped: num(r.chipped) });
    return out;
  }

  /**
   * Not-closed alerts per region of `regions`: counted per region path first (IN, so the state index
   * serves it; at most one row per township), then summed into the regions (province: 253 → 24 ms).
   */
  async openAlertsByRegion(actor: Actor, regions: RegionRef[]): Promise<Map<string, number>> {
    const out = new Map(regions.map((r) => [r.code, 0]));
    if (!regions.length) return out;
    const perPath = this.alertScope.apply(
      this.ds
        .createQueryBuilder()
        .from('alerts', 'a')
        .select('a.region_path', 'region_path')
        .addSelect('count(*)', 'n')
        .where(`a.state IN ('open', 'acknowledged')`)
        .groupBy('a.region_path'),
      actor,
      'a',
    );
    const qb = this.ds
      .createQueryBuilder()
      .from(`(${perPath.getQuery()})`, 'p')
      .innerJoin('regions', 'r', `p.region_path LIKE r.path || '%'`)
      .select('r.code', 'code')
      .addSelect('sum(p.n)', 'n')
      .where('r.code IN (:...codes)', { codes: regions.map((r) => r.code) })
      .setParameters(perPath.getParameters())
      .groupBy('r.code');
    for (const r of await this.reporting.rows<Record<string, string>>(qb)) out.set(r.code, num(r.n));
    return out;
  }

  async alertsPerDay(actor: Actor, from: Date, to: Date): Promise<DailyCount[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('alerts', 'a')
      .select(`to_char(a.first_seen_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, 'day')
      .addSelect('count(*)', 'n')
      .where('a.first_seen_at >= :from AND a.first_seen_at < :to', { from, to })
      .groupBy('day');
    return (await this.reporting.rows<Record<string, string>>(this.alertScope.apply(qb, actor, 'a'))).map((r) => ({
      day: r.day,
      n: num(r.n),
    }));
  }

  async arcsPerDay(actor: Actor, from: Date, to: Date): Promise<DailyCount[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('arcs', 'x')
      .select(`to_char(x.started_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, 'day')
      .addSelect('count(*)', 'n')
      .where('x.started_at >= :from AND x.started_at < :to', { from, to })
      .groupBy('day');
    // Where the arc was made (its own scope columns, as the arc list), not where its machine is now.
    return (await this.reporting.rows<Record<string, string>>(this.access.scopeByOwnColumns(qb, actor, 'x'))).map(
      (r) => ({
        day: r.day,
        n: num(r.n),
      }),
    );
  }

  async permitsPerDay(actor: Actor, from: Date, to: Date): Promise<DailyCount[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('permits', 'p')
      .innerJoin('enterprises', 'e', 'e.id = p.enterprise_id')
      .select(`to_char(p.planned_start AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')`, 'day')
      .addSelect('count(*)', 'n')
      .where(`p.status IN ('approved', 'closed')`)
      .andWhere('p.planned_start >= :from AND p.planned_start < :to', { from, to })
      .groupBy('day');
    return (await this.reporting.rows<Record<string, string>>(this.access.scopeToEnterprises(qb, actor, 'e'))).map(
      (r) => ({
        day: r.day,
        n: num(r.n),
      }),
    );
  }
}
