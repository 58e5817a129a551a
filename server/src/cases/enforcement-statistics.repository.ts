import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface EnforcementStatRow {
  regionCode: string;
  regionName: string;
  month: string;
  hazardsFound: number;
  rectifiedOnTime: number;
  overdue: number;
  cases: number;
  finesYuan: number;
}

/**
 * Enforcement statistics per township and month (China time): hazards found, signed off by their deadline,
 * overdue (past the deadline and not signed off by it), cases opened and fines decided. Every township under
 * the scope appears in every month, so the zero-penalty ones are visible. Reads hazards and regions in one
 * statement (declared in table-ownership.spec.ts).
 */
@Injectable()
export class EnforcementStatisticsRepository {
  constructor(private readonly ds: DataSource) {}

  async perTownshipAndMonth(
    scopePath: string,
    fromMonth: string,
    toMonth: string,
    now: Date,
  ): Promise<EnforcementStatRow[]> {
    const rows: Record<string, string | number>[] = await this.ds.query(
      `WITH months AS (
         SELECT to_char(m, 'YYYY-MM') AS month
           FROM generate_series(to_date($2, 'YYYY-MM'), to_date($3, 'YYYY-MM'), interval '1 month') m),
       towns AS (
         SELECT code, name, path FROM regions WHERE level = 'township' AND starts_with(path, $1)),
       h AS (
         SELECT t.code, to_char(h.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
                count(*) AS found,
                count(*) FILTER (WHERE h.state = 'signed_off' AND h.signed_off_at <= h.deadline) AS on_time,
                count(*) FILTER (WHERE h.deadline IS NOT NULL AND h.deadline < coalesce(h.signed_off_at, $4)) AS overdue
           FROM hazards h JOIN towns t ON starts_with(h.region_path, t.path)
          GROUP BY 1, 2),
       c AS (
         SELECT t.code, to_char(c.opened_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS month,
                count(*) AS cases, coalesce(sum(c.fine_yuan), 0) AS fines
           FROM enforcement_cases c JOIN towns t ON starts_with(c.region_path, t.path)
          GROUP BY 1, 2)
       SELECT t.code AS "regionCode", t.name AS "regionName", m.month,
              coalesce(h.found, 0)::int AS "hazardsFound", coalesce(h.on_time, 0)::int AS "rectifiedOnTime",
              coalesce(h.overdue, 0)::int AS overdue, coalesce(c.cases, 0)::int AS cases,
              coalesce(c.fines, 0)::float8 AS "finesYuan"
         FROM towns t CROSS JOIN months m
         LEFT JOIN h ON h.code = t.code AND h.month = m.month
         LEFT JOIN c ON c.code = t.code AND c.month = m.month
        ORDER BY m.month, t.code`,
      [scopePath, fromMonth, toMonth, now],
    );
    return rows as unknown as EnforcementStatRow[];
  }
}
