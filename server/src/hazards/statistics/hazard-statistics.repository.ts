import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface HazardStatisticsFilter {
  /** The caller's scope: a region path prefix ('/' for all). */
  scopePath: string;
  /** A narrower region inside the scope, if one is chosen. */
  regionPath: string | null;
  industry: string | null;
  /** China calendar days, inclusive. */
  from: string;
  to: string;
  now: Date;
}

export interface HazardTotalsRow {
  total: number;
  major: number;
  overdue: number;
  signedOff: number;
  onTime: number;
  late: number;
  medianHours: number | null;
  p90Hours: number | null;
}

export interface HazardDimensionRow {
  dim: 'source' | 'level' | 'state' | 'category';
  key: string;
  count: number;
}

export interface HazardCellRow {
  regionCode: string;
  regionName: string;
  industry: string;
  category: string;
  total: number;
  major: number;
  overdue: number;
  signedOff: number;
}

export interface HazardStatisticsRows {
  totals: HazardTotalsRow;
  dimensions: HazardDimensionRow[];
  cells: HazardCellRow[];
}

/**
 * 隐患统计 in one statement over one snapshot: totals and time to sign-off, counts by source / level /
 * state / category, and the township × industry × category cells. Nothing but aggregates leaves
 * PostgreSQL. Reads enterprises (industry) and regions (township names) beside the hazards
 * (declared in table-ownership.spec.ts). A hazard of an enterprise registered above township level
 * counts under the region it was registered in.
 */
@Injectable()
export class HazardStatisticsRepository {
  constructor(private readonly ds: DataSource) {}

  async aggregate(f: HazardStatisticsFilter): Promise<HazardStatisticsRows> {
    const [row]: { totals: HazardTotalsRow; dimensions: HazardDimensionRow[]; cells: HazardCellRow[] }[] =
      await this.ds.query(
        `WITH base AS (
           SELECT h.source, h.level, h.state, h.category, h.deadline, h.signed_off_at, h.created_at,
                  e.industry,
                  coalesce((SELECT t.code FROM regions t
                             WHERE t.level = 'township' AND starts_with(h.region_path, t.path)
                             LIMIT 1), h.region_code) AS region_code,
                  (h.state = 'ordered' AND h.deadline < $6) AS is_overdue
             FROM hazards h
             JOIN enterprises e ON e.id = h.enterprise_id
            WHERE starts_with(h.region_path, $1)
              AND ($2::text IS NULL OR starts_with(h.region_path, $2::text))
              AND ($3::text IS NULL OR e.industry = $3::text)
              AND h.created_at >= ($4::date)::timestamp AT TIME ZONE 'Asia/Shanghai'
              AND h.created_at < ($5::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'),
         totals AS (
           SELECT count(*)::int AS total,
                  count(*) FILTER (WHERE level = 'major')::int AS major,
                  count(*) FILTER (WHERE is_overdue)::int AS overdue,
                  count(*) FILTER (WHERE state = 'signed_off')::int AS "signedOff",
                  count(*) FILTER (WHERE state = 'signed_off' AND deadline IS NOT NULL
                                     AND signed_off_at <= deadline)::int AS "onTime",
                  count(*) FILTER (WHERE state = 'signed_off' AND deadline IS NOT NULL
                                     AND signed_off_at > deadline)::int AS late,
                  round((percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM signed_off_at - created_at) / 3600)
                          FILTER (WHERE state = 'signed_off'))::numeric, 1)::float8 AS "medianHours",
                  round((percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM signed_off_at - created_at) / 3600)
                          FILTER (WHERE state = 'signed_off'))::numeric, 1)::float8 AS "p90Hours"
             FROM base),
         dims AS (
           SELECT CASE WHEN GROUPING(source) = 0 THEN 'source'
                       WHEN GROUPING(level) = 0 THEN 'level'
                       WHEN GROUPING(state) = 0 THEN 'state'
                       ELSE 'category' END AS dim,
                  coalesce(source, level, state, category) AS key,
                  count(*)::int AS count
             FROM base
            GROUP BY GROUPING SETS ((source), (level), (state), (category))),
         cells AS (
           SELECT b.region_code AS "regionCode", coalesce(r.name, b.region_code) AS "regionName",
                  b.industry, b.category,
                  count(*)::int AS total,
                  count(*) FILTER (WHERE b.level = 'major')::int AS major,
                  count(*) FILTER (WHERE b.is_overdue)::int AS overdue,
                  count(*) FILTER (WHERE b.state = 'signed_off')::int AS "signedOff"
             FROM base b LEFT JOIN regions r ON r.code = b.region_code
            GROUP BY b.region_code, r.name, b.industry, b.category)
         SELECT (SELECT row_to_json(totals) FROM totals) AS totals,
                (SELECT coalesce(json_agg(dims ORDER BY dim, count DESC, key), '[]') FROM dims) AS dimensions,
                (SELECT coalesce(json_agg(cells ORDER BY "regionCode", industry, category), '[]') FROM cells) AS cells`,
        [f.scopePath, f.regionPath, f.industry, f.from, f.to, f.now],
      );
    return row;
  }
}
