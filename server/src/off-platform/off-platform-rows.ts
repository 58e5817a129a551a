import type { RankingRowView } from './dto/audit.views';
import { RANKING_SIGNALS, signalPoints } from './off-platform-rules';

/**
 * A list's raw rows as their views: used by the list endpoints and, row by row, by the export worker
 * (off-platform-export.ts), so this module's imports stay light.
 */
type Row = Record<string, unknown>;

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const NUMERIC = new Set([
  'onlineDays',
  'onlineDaysWithoutPermit',
  'arcsWithoutGrant',
  'machines',
  'welders',
  'arcsElsewhere',
  'photoCount',
  'score',
  'rank',
]);

/** A raw row as its view: camelCase keys, counts as numbers, the paging helpers dropped. */
export function toView<T>(row: Row): T {
  const view: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (['total', 'row_enterprise_id', 'region_path', 'bound_before', 'has_machines', 'has_welders'].includes(k))
      continue;
    const key = camel(k);
    view[key] = NUMERIC.has(key) && v !== null ? Number(v) : v;
  }
  return view as T;
}

export function toRankingRow(row: Row, countedAt: Date | null = null): RankingRowView {
  const signals = RANKING_SIGNALS.map((signal) => {
    const count = Number(row[signal] ?? 0);
    return { signal, count, points: signalPoints(signal, count) };
  })
    .filter((s) => s.points > 0)
    .sort((a, b) => b.points - a.points);
  return {
    enterpriseId: row.enterprise_id as string,
    enterpriseName: row.enterprise_name as string,
    industry: row.industry as string,
    regionCode: row.region_code as string,
    regionName: row.region_name as string,
    rank: Number(row.rank),
    score: Number(row.score),
    signals,
    countedAt,
  };
}
