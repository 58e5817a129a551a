import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface TodayQuery {
  userId: string;
  /** The regulator's region path (subtree scope). */
  scopePath: string;
  /** Signs off major (重大) hazards: a county-level (or higher) regulator. */
  county: boolean;
  now: Date;
  /** Today in China time, YYYY-MM-DD. */
  today: string;
  limit: number;
}

export interface TodayHazardRow {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  regionName: string | null;
  category: string;
  level: string;
  state: string;
  deadline: string | null;
}

export interface TodayInspectionRow {
  planId: string;
  planTitle: string;
  position: number;
  enterpriseId: string;
  enterpriseName: string;
  periodEnd: string;
  assignedToMe: boolean;
}

export interface TodayReportRow {
  id: string;
  status: string;
  description: string;
  address: string | null;
  regionName: string | null;
  createdAt: string;
}

interface Section<T> {
  count: number;
  items: T[];
}

export interface TodayRows {
  overdue: Section<TodayHazardRow>;
  awaitingSignOff: Section<TodayHazardRow>;
  awaitingVerification: Section<TodayHazardRow>;
  inspections: Section<TodayInspectionRow>;
  reports: Section<TodayReportRow>;
}

/**
 * What needs a regulator today, in one statement: ordered hazards past their deadline; verified
 * hazards they may sign off (never one they handled; a major one only at county level); rectified ones
 * to check; inspection targets of a plan whose period holds today, not yet checked in, assigned to them
 * or in their region; public reports received or being verified (their region, or placed nowhere).
 * A read model over hazards, inspections, reports, enterprises and regions (table-ownership.spec.ts).
 */
@Injectable()
export class TodayRepository {
  constructor(private readonly ds: DataSource) {}

  async forRegulator(q: TodayQuery): Promise<TodayRows> {
    const [row]: TodayRows[] = await this.ds.query(
      `WITH h AS (
         SELECT h.id, h.enterprise_id AS "enterpriseId", e.name AS "enterpriseName", r.name AS "regionName",
                h.category, h.level, h.state, h.deadline, h.handler_ids, h.created_at
           FROM hazards h
           JOIN enterprises e ON e.id = h.enterprise_id
           LEFT JOIN regions r ON r.code = h.region_code
          WHERE starts_with(h.region_path, $2) AND h.state IN ('ordered', 'rectified', 'verified')),
       overdue AS (
         SELECT * FROM h WHERE state = 'ordered' AND deadline < $4),
       sign AS (
         SELECT * FROM h WHERE state = 'verified' AND NOT ($1::uuid = ANY(handler_ids))
                          AND (level <> 'major' OR $3::boolean)),
       verify AS (
         SELECT * FROM h WHERE state = 'rectified'),
       insp AS (
         SELECT p.id AS "planId", p.title AS "planTitle", t.position, t.enterprise_id AS "enterpriseId",
                e.name AS "enterpriseName", to_char(p.period_end, 'YYYY-MM-DD') AS "periodEnd",
                ($1::uuid = ANY(t.inspector_ids)) AS "assignedToMe"
           FROM inspection_targets t
           JOIN inspection_plans p ON p.id = t.plan_id
           JOIN enterprises e ON e.id = t.enterprise_id
          WHERE t.checked_in_at IS NULL
            AND p.period_start <= $5::date AND p.period_end >= $5::date
            AND ($1::uuid = ANY(t.inspector_ids) OR starts_with(p.region_path, $2))),
       rep AS (
         SELECT rp.id, rp.status, left(rp.description, 120) AS description, rp.address,
                r.name AS "regionName", rp.created_at AS "createdAt"
           FROM reports rp LEFT JOIN regions r ON r.code = rp.region_code
          WHERE rp.status IN ('received', 'verifying')
            AND (rp.region_path IS NULL OR starts_with(rp.region_path, $2)))
       SELECT
         json_build_object('count', (SELECT count(*) FROM overdue),
           'items', (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT "id", "enterpriseId", "enterpriseName", "regionName", category, level, state, deadline
               FROM overdue ORDER BY deadline, id LIMIT $6) x)) AS overdue,
         json_build_object('count', (SELECT count(*) FROM sign),
           'items', (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT "id", "enterpriseId", "enterpriseName", "regionName", category, level, state, deadline
               FROM sign ORDER BY level DESC, created_at, id LIMIT $6) x)) AS "awaitingSignOff",
         json_build_object('count', (SELECT count(*) FROM verify),
           'items', (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT "id", "enterpriseId", "enterpriseName", "regionName", category, level, state, deadline
               FROM verify ORDER BY created_at, id LIMIT $6) x)) AS "awaitingVerification",
         json_build_object('count', (SELECT count(*) FROM insp),
           'items', (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT * FROM insp ORDER BY "assignedToMe" DESC, "periodEnd", "planId", position LIMIT $6) x)) AS inspections,
         json_build_object('count', (SELECT count(*) FROM rep),
           'items', (SELECT coalesce(json_agg(x), '[]') FROM (
             SELECT * FROM rep ORDER BY "createdAt", id LIMIT $6) x)) AS reports`,
      [q.userId, q.scopePath, q.county, q.now, q.today, q.limit],
    );
    return row;
  }
}
