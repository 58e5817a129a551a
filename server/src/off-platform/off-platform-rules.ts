/*
 * The off-platform audit (非法作业排查): who may be welding outside the platform's control. Every list
 * and every weight of the ranking is defined here, in words and in numbers, so that a regulator can be
 * told why an enterprise is on a list or near the top (docs/off-platform-audit.md says the same for readers).
 */

/** Default and longest look-back of the time-bound lists (online days, arcs, permits), in China calendar days. */
export const AUDIT_DEFAULT_DAYS = 30;
export const AUDIT_MAX_DAYS = 92;
/** Public reports weigh for a year: a report is rarer and more telling than a day of telemetry. */
export const REPORT_LOOKBACK_DAYS = 365;
/**
 * A chipped machine is "rarely online" when its chip, bound before the look-back began, was heard on at
 * most this many China days of the look-back (and "never online" when it has never been heard at all).
 */
export const RARELY_ONLINE_MAX_DAYS = 2;

/**
 * Industries where welding is routine (国民经济行业分类 GB/T 4754-2017 divisions, as enterprises record
 * `industry`, matched exactly): an enterprise of these with no machine or no welder registered most
 * likely welds with machines or people the platform does not know.
 */
export const WELDING_HEAVY_INDUSTRIES: readonly string[] = [
  '金属制品业',
  '通用设备制造业',
  '专用设备制造业',
  '汽车制造业',
  '铁路、船舶、航空航天和其他运输设备制造业',
  '电气机械和器材制造业',
  '黑色金属冶炼和压延加工业',
  '有色金属冶炼和压延加工业',
  '金属制品、机械和设备修理业',
  '建筑业',
  '房屋建筑业',
  '土木工程建筑业',
  '建筑安装业',
  '建筑装饰、装修和其他建筑业',
];

/** The suspect lists. */
export const AUDIT_LISTS = [
  'silent-machines',
  'unpermitted-machines',
  'empty-enterprises',
  'uncertified-welders',
  'review-due-certificates',
  'idle-permits',
  'reported-enterprises',
  'found-unregistered-machines',
  'ranking',
] as const;
export type AuditList = (typeof AUDIT_LISTS)[number];

/** Why a machine is on the silent-machines list. */
export const SILENT_REASONS = ['unchipped', 'never_online', 'rarely_online'] as const;
export type SilentReason = (typeof SILENT_REASONS)[number];

/** The ranking's signals, each counted per enterprise over the lists above. */
export const RANKING_SIGNALS = [
  'unchipped_machines',
  'silent_machines',
  'online_days_without_permit',
  'arcs_without_grant',
  'no_machines',
  'no_welders',
  'uncertified_welders',
  'review_due_certificates',
  'idle_permits',
  'public_reports',
  'unregistered_machines_found',
] as const;
export type RankingSignal = (typeof RANKING_SIGNALS)[number];

/**
 * Points per counted item and the most one signal can add, so that no single signal (a hundred
 * unchipped machines) buries the others. Score = Σ min(count × points, cap). The heavier weights go to
 * what shows welding happened (arcs without a grant, a public report, arcs elsewhere during a permit);
 * the lighter ones to what only makes it possible (unchipped machines, a review overdue).
 */
export const RANKING_WEIGHTS: Readonly<Record<RankingSignal, { points: number; cap: number }>> = {
  unchipped_machines: { points: 2, cap: 20 },
  silent_machines: { points: 2, cap: 20 },
  online_days_without_permit: { points: 1, cap: 20 },
  arcs_without_grant: { points: 3, cap: 30 },
  no_machines: { points: 15, cap: 15 },
  no_welders: { points: 10, cap: 10 },
  uncertified_welders: { points: 3, cap: 30 },
  review_due_certificates: { points: 1, cap: 5 },
  idle_permits: { points: 5, cap: 25 },
  public_reports: { points: 8, cap: 40 },
  // Seen with one's own eyes on site: the strongest sign that welding goes on outside the platform.
  unregistered_machines_found: { points: 10, cap: 40 },
};

export function signalPoints(signal: RankingSignal, count: number): number {
  const w = RANKING_WEIGHTS[signal];
  return Math.min(count * w.points, w.cap);
}
