import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { CappedCount, cappedCount } from '../common/http/capped-count';
import { offsetOf } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { ListArcsQueryDto } from './dto/list-arcs-query.dto';

const STATISTICS = { type: 'object', additionalProperties: { type: 'number' }, nullable: true } as const;
const DATE_TIME = { type: String, format: 'date-time' } as const;

export class ArcView {
  @ApiProperty() chipId!: string;
  @ApiProperty({ type: String, nullable: true }) machineId!: string | null;
  @ApiProperty({ type: String, nullable: true }) machineName!: string | null;
  @ApiProperty({ type: String, nullable: true }) welderId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '张伟' }) welderName!: string | null;
  @ApiProperty({ type: String, nullable: true }) permitId!: string | null;
  @ApiProperty({ type: String, nullable: true }) grantId!: string | null;
  @ApiProperty(DATE_TIME) startedAt!: Date;
  @ApiProperty(DATE_TIME) endedAt!: Date;
  @ApiProperty() durationMs!: number;
  /** Null when an interrupted arc's statistics were lost with the agent (see interrupted). */
  @ApiProperty({ ...STATISTICS, description: 'e.g. mean, max (A)' }) current!: Record<string, number> | null;
  @ApiProperty({ ...STATISTICS, description: 'e.g. mean (V)' }) voltage!: Record<string, number> | null;
  @ApiProperty() samples!: number;
  @ApiProperty() sampleRateHz!: number;
  @ApiProperty({ type: Boolean, nullable: true }) authorized!: boolean | null;
  @ApiProperty({ type: [String] }) flags!: string[];
  /** Set when the arc was cut off by the agent stopping, crashing or losing its board rather than ended by the current. */
  @ApiProperty({ enum: ['agent_stopped', 'agent_crashed', 'board_lost'], enumName: 'ArcInterruption', nullable: true })
  interrupted!: 'agent_stopped' | 'agent_crashed' | 'board_lost' | null;
}

/** Arcs as the telemetry ingest stored them (one row per arc.stop), for machine timelines. */
@Injectable()
export class ArcsRepository {
  constructor(
    private readonly ds: DataSource,
    private readonly access: AccessPolicy,
  ) {}

  async findPageVisibleTo(actor: Actor, q: ListArcsQueryDto): Promise<[ArcView[], CappedCount]> {
    const qb = this.ds
      .createQueryBuilder()
      .from('arcs', 'a')
      .innerJoin('machines', 'm', 'm.id = a.machine_id')
      .innerJoin('enterprises', 'e', 'e.id = m.enterprise_id');
    if (actor.role === Role.Welder) qb.andWhere('a.welder_id = :own', { own: actor.welderId });
    else this.access.scopeToEnterprises(qb, actor, 'e');
    if (q.machineId) qb.andWhere('a.machine_id = :machineId', { machineId: q.machineId });
    if (q.welderId) qb.andWhere('a.welder_id = :welderId', { welderId: q.welderId });
    if (q.permitId) qb.andWhere('a.permit_id = :permitId', { permitId: q.permitId });
    if (q.from) qb.andWhere('a.started_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.started_at < :to', { to: q.to });
    const total = await cappedCount(qb);
    const rows = await qb
      .leftJoin('welders', 'w', 'w.id = a.welder_id')
      .select([
        'a.chip_id AS "chipId"',
        'a.machine_id AS "machineId"',
        'm.name AS "machineName"',
        'a.welder_id AS "welderId"',
        'w.real_name AS "welderName"',
        'a.permit_id AS "permitId"',
        'a.grant_id AS "grantId"',
        'a.started_at AS "startedAt"',
        'a.ended_at AS "endedAt"',
        'a.duration_ms::float8 AS "durationMs"',
        'a.current_stats AS "current"',
        'a.voltage_stats AS "voltage"',
        'a.samples AS "samples"',
        'a.sample_rate_hz::float8 AS "sampleRateHz"',
        'a.authorized AS "authorized"',
        'a.flags AS "flags"',
        'a.interrupted AS "interrupted"',
      ])
      .orderBy('a.started_at', 'DESC')
      .offset(offsetOf(q))
      .limit(q.pageSize)
      .getRawMany<ArcView>();
    return [rows, total];
  }
}
