import { Injectable } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { CappedCount, cappedCount } from '../common/http/capped-count';
import { cursorInstantSql, decodeCursor, encodeCursor } from '../common/http/keyset-cursor';
import { offsetOf } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { ARC_CURSOR } from './arc-cursor';
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

  /**
   * A page of the arcs the actor may see, newest first, and the cursor of the next page. Scoped by
   * the arc's own enterprise_id / region_path (where the machine was when it welded), so each scope
   * reads one index in the list's order; with `cursor` the page starts after the previous one's last
   * arc instead of skipping `page` × `pageSize` rows.
   */
  async findPageVisibleTo(actor: Actor, q: ListArcsQueryDto): Promise<[ArcView[], CappedCount, string | null]> {
    const qb = this.ds.createQueryBuilder().from('arcs', 'a');
    if (actor.role === Role.Welder) qb.andWhere('a.welder_id = :own', { own: actor.welderId });
    else this.access.scopeByOwnColumns(qb, actor, 'a');
    if (q.machineId) qb.andWhere('a.machine_id = :machineId', { machineId: q.machineId });
    if (q.welderId) qb.andWhere('a.welder_id = :welderId', { welderId: q.welderId });
    if (q.permitId) qb.andWhere('a.permit_id = :permitId', { permitId: q.permitId });
    if (q.from) qb.andWhere('a.started_at >= :from', { from: q.from });
    if (q.to) qb.andWhere('a.started_at < :to', { to: q.to });
    const total = await cappedCount(qb);
    const after = q.cursor ? decodeCursor(ARC_CURSOR, q.cursor) : null;
    if (after)
      qb.andWhere(
        '(a.started_at, a.chip_id, a.stop_seq) < (CAST(:afterAt AS timestamptz), :afterChip, CAST(:afterSeq AS bigint))',
        { afterAt: after.startedAt, afterChip: after.chipId, afterSeq: after.stopSeq },
      );
    const rows = await qb
      .leftJoin('machines', 'm', 'm.id = a.machine_id')
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
        `${cursorInstantSql('a.started_at')} AS "keyStartedAt"`,
        'a.stop_seq::text AS "keyStopSeq"',
      ])
      .orderBy('a.started_at', 'DESC')
      .addOrderBy('a.chip_id', 'DESC')
      .addOrderBy('a.stop_seq', 'DESC')
      .offset(after ? 0 : offsetOf(q))
      // One row more than the page: whether a next page exists, without counting.
      .limit(q.pageSize + 1)
      .getRawMany<ArcView & { keyStartedAt: string; keyStopSeq: string }>();
    const page = rows.slice(0, q.pageSize);
    const last = page[page.length - 1];
    const next =
      rows.length > q.pageSize && last
        ? encodeCursor({ startedAt: last.keyStartedAt, chipId: last.chipId, stopSeq: last.keyStopSeq })
        : null;
    return [page.map(({ keyStartedAt: _at, keyStopSeq: _seq, ...arc }) => arc), total, next];
  }
}
