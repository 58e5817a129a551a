import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { Role } from '../common/roles/role';

/** Caps of the map's lists: a county's fleet fits; past them the view says it is truncated. */
export const MAP_LIMITS = { machines: 5000, alerts: 1000, permits: 1000, reports: 1000 } as const;

export interface PointJson {
  lat: number | string;
  lng: number | string;
}

export interface MachineRow {
  id: string;
  name: string;
  serial_number: string;
  status: string;
  enterprise_id: string;
  enterprise_name: string;
  chipped: boolean;
  online: boolean;
  arcing: boolean;
  device_position: PointJson | null;
  device_position_at: Date | null;
  permit_site: PointJson | null;
  enterprise_latitude: string | null;
  enterprise_longitude: string | null;
}

export interface AlertRow {
  id: string;
  type: string;
  severity: string;
  state: string;
  enterprise_id: string;
  enterprise_name: string;
  machine_id: string | null;
  machine_name: string | null;
  count: number;
  last_seen_at: Date;
  device_position: PointJson | null;
  permit_site: PointJson | null;
  enterprise_latitude: string | null;
  enterprise_longitude: string | null;
}

export interface PermitRow {
  id: string;
  level: string;
  enterprise_id: string;
  enterprise_name: string;
  site_address: string;
  planned_start: Date;
  planned_end: Date;
  site_latitude: string;
  site_longitude: string;
}

export interface ReportRow {
  id: string;
  status: string;
  address: string | null;
  created_at: Date;
  latitude: string;
  longitude: string;
}

/** The site of the machine's latest approved (or since closed) permit: where it was last allowed to work. */
const LAST_PERMIT_SITE = (machineAlias: string) => `(
  SELECT jsonb_build_object('lat', lp.site_latitude, 'lng', lp.site_longitude)
  FROM permit_machines lpm JOIN permits lp ON lp.id = lpm.permit_id
  WHERE lpm.machine_id = ${machineAlias}.id AND lp.status IN ('approved', 'closed')
  ORDER BY lp.planned_start DESC LIMIT 1)`;

/**
 * Read model of the overview's map: one scoped statement per layer (machines, alerts, permits), each
 * bounded by MAP_LIMITS (+1 row to tell that it was cut). It joins other modules' tables on purpose, as
 * the overview's counts do (stats/stats.repository.ts), with the same scope rule (AccessPolicy).
 */
@Injectable()
export class MapRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly access: AccessPolicy,
  ) {}

  machinesInScope(actor: Actor): Promise<MachineRow[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('machines', 'm')
      .innerJoin('enterprises', 'e', 'e.id = m.enterprise_id')
      // The chip row must still be bound to this machine: an unbound chip's state says nothing of it.
      .leftJoin('chips', 'c', 'c.chip_id = m.chip_id AND c.machine_id = m.id')
      .select('m.id', 'id')
      .addSelect('m.name', 'name')
      .addSelect('m.serial_number', 'serial_number')
      .addSelect('m.status', 'status')
      .addSelect('e.id', 'enterprise_id')
      .addSelect('e.name', 'enterprise_name')
      .addSelect('m.chip_id IS NOT NULL', 'chipped')
      .addSelect('coalesce(c.online, false)', 'online')
      .addSelect(`coalesce(c.online AND c.state = 'arcing', false)`, 'arcing')
      .addSelect('c.last_position', 'device_position')
      .addSelect('c.last_position_at', 'device_position_at')
      .addSelect(LAST_PERMIT_SITE('m'), 'permit_site')
      .addSelect('e.latitude', 'enterprise_latitude')
      .addSelect('e.longitude', 'enterprise_longitude')
      .where(`m.status <> 'retired'`)
      .orderBy('e.name')
      .addOrderBy('m.name')
      .addOrderBy('m.id')
      .limit(MAP_LIMITS.machines + 1);
    return this.access.scopeToEnterprises(qb, actor, 'e').getRawMany();
  }

  /**
   * Not-closed alerts of enterprises in scope. Alerts without an enterprise (an unregistered device) have
   * no registered place to be drawn at; the alerts list shows them.
   */
  openAlertsInScope(actor: Actor): Promise<AlertRow[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('alerts', 'a')
      .innerJoin('enterprises', 'e', 'e.id = a.enterprise_id')
      .leftJoin('machines', 'm', 'm.id = a.machine_id')
      .leftJoin('chips', 'c', 'c.chip_id = m.chip_id AND c.machine_id = m.id')
      .leftJoin('permits', 'p', 'p.id = a.permit_id')
      .select('a.id', 'id')
      .addSelect('a.type', 'type')
      .addSelect('a.severity', 'severity')
      .addSelect('a.state', 'state')
      .addSelect('e.id', 'enterprise_id')
      .addSelect('e.name', 'enterprise_name')
      .addSelect('m.id', 'machine_id')
      .addSelect('m.name', 'machine_name')
      .addSelect('a.count', 'count')
      .addSelect('a.last_seen_at', 'last_seen_at')
      .addSelect('c.last_position', 'device_position')
      .addSelect(
        `CASE WHEN p.id IS NOT NULL THEN jsonb_build_object('lat', p.site_latitude, 'lng', p.site_longitude)
              WHEN m.id IS NOT NULL THEN ${LAST_PERMIT_SITE('m')} END`,
        'permit_site',
      )
      .addSelect('e.latitude', 'enterprise_latitude')
      .addSelect('e.longitude', 'enterprise_longitude')
      .where(`a.state <> 'closed'`)
      .orderBy('a.last_seen_at', 'DESC')
      .addOrderBy('a.id')
      .limit(MAP_LIMITS.alerts + 1);
    return this.access.scopeToEnterprises(qb, actor, 'e').getRawMany();
  }

  /** Approved permits whose planned window holds `at` (the permits list's "active"). */
  permitsInForce(actor: Actor, at: Date): Promise<PermitRow[]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('permits', 'p')
      .innerJoin('enterprises', 'e', 'e.id = p.enterprise_id')
      .select('p.id', 'id')
      .addSelect('p.effective_level', 'level')
      .addSelect('e.id', 'enterprise_id')
      .addSelect('e.name', 'enterprise_name')
      .addSelect('p.site_address', 'site_address')
      .addSelect('p.planned_start', 'planned_start')
      .addSelect('p.planned_end', 'planned_end')
      .addSelect('p.site_latitude', 'site_latitude')
      .addSelect('p.site_longitude', 'site_longitude')
      .where(`p.status = 'approved'`)
      .andWhere('p.planned_start <= :at AND p.planned_end > :at', { at })
      .orderBy('p.planned_start')
      .addOrderBy('p.id')
      .limit(MAP_LIMITS.permits + 1);
    return this.access.scopeToEnterprises(qb, actor, 'e').getRawMany();
  }

  /**
   * Public reports with a location still being handled, by the reports module's own rule: regulators see
   * their subtree and the reports placed nowhere; platform admins all; enterprises none.
   */
  async openReportsInScope(actor: Actor): Promise<ReportRow[]> {
    const all = actor.role === 'system' || actor.role === Role.PlatformAdmin;
    if (!all && !(actor.role === Role.Regulator && actor.regionPath)) return [];
    const qb = this.ds
      .createQueryBuilder()
      .from('reports', 'r')
      .select('r.id', 'id')
      .addSelect('r.status', 'status')
      .addSelect('r.address', 'address')
      .addSelect('r.created_at', 'created_at')
      .addSelect('r.latitude', 'latitude')
      .addSelect('r.longitude', 'longitude')
      .where(`r.status NOT IN ('rejected', 'closed')`)
      .andWhere('r.latitude IS NOT NULL AND r.longitude IS NOT NULL')
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id')
      .limit(MAP_LIMITS.reports + 1);
    if (!all)
      qb.andWhere('(r.region_path IS NULL OR starts_with(r.region_path, :reportScopePath))', {
        reportScopePath: actor.regionPath,
      });
    return qb.getRawMany();
  }
}
