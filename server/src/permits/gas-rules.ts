import { PermitLevel } from './permit-levels';

/** Lower explosive limit class of the combustible gas analysed. */
export enum LelClass {
  AtLeast4 = 'ge4',
  Below4 = 'lt4',
}

/** GB 30871-2022 5.3.5: pass mark in % vol: ≤ 0.5 where LEL ≥ 4 %, ≤ 0.2 where LEL < 4 %. */
export const PASS_MARK_PERCENT_VOL: Record<LelClass, number> = {
  [LelClass.AtLeast4]: 0.5,
  [LelClass.Below4]: 0.2,
};

/** An analysis may be at most 30 min old when work starts. */
export const ANALYSIS_MAX_AGE_MIN = 30;

/** A pause longer than this since the last arc needs a new analysis. */
export const PAUSE_LIMIT_MIN: Record<PermitLevel, number> = {
  [PermitLevel.Special]: 30,
  [PermitLevel.Level1]: 30,
  [PermitLevel.Level2]: 60,
};

const MINUTE_MS = 60_000;

export function lelClassOf(lelPercent: number): LelClass {
  return lelPercent >= 4 ? LelClass.AtLeast4 : LelClass.Below4;
}

/** Compared in 1/10000 % vol so that 0.5 is not lost to binary floating point. */
export function gasAnalysisPasses(lelClass: LelClass, readingPercentVol: number): boolean {
  if (!Number.isFinite(readingPercentVol) || readingPercentVol < 0) return false;
  return Math.round(readingPercentVol * 10_000) <= Math.round(PASS_MARK_PERCENT_VOL[lelClass] * 10_000);
}

export interface AnalysisFact {
  takenAt: Date;
  passed: boolean;
}

export interface ArcFacts {
  firstArcAt: Date | null;
  lastArcStartedAt: Date | null;
  lastArcEndedAt: Date | null;
}

export type GasVerdict =
  'OK' | 'GAS_ANALYSIS_MISSING' | 'GAS_ANALYSIS_FAILED' | 'GAS_ANALYSIS_STALE' | 'GAS_RETEST_REQUIRED';

/**
 * May an arc start at `at` as far as gas analysis goes? Before the first arc the latest analysis
 * must pass and be at most 30 min old. After that, a pause longer than the level's limit since the
 * last arc activity needs a passing re-test taken during the pause. An arc reported started but
 * never ended counts from its start, so a lost "end" message cannot keep the gate open.
 */
export function gasVerdict(level: PermitLevel, analyses: AnalysisFact[], arcs: ArcFacts, at: Date): GasVerdict {
  const past = analyses.filter((a) => a.takenAt.getTime() <= at.getTime());
  if (!past.length) return 'GAS_ANALYSIS_MISSING';
  const latest = past.reduce((a, b) => (b.takenAt.getTime() > a.takenAt.getTime() ? b : a));
  if (!latest.passed) return 'GAS_ANALYSIS_FAILED';
  const ageMin = (at.getTime() - latest.takenAt.getTime()) / MINUTE_MS;
  const lastActivity = latestOf(arcs.lastArcStartedAt, arcs.lastArcEndedAt);
  if (!arcs.firstArcAt || !lastActivity || arcs.firstArcAt.getTime() > at.getTime()) {
    return ageMin > ANALYSIS_MAX_AGE_MIN ? 'GAS_ANALYSIS_STALE' : 'OK';
  }
  const pauseMin = (at.getTime() - lastActivity.getTime()) / MINUTE_MS;
  if (pauseMin <= PAUSE_LIMIT_MIN[level]) return 'OK';
  const retested = latest.takenAt.getTime() >= lastActivity.getTime() && ageMin <= ANALYSIS_MAX_AGE_MIN;
  return retested ? 'OK' : 'GAS_RETEST_REQUIRED';
}

function latestOf(a: Date | null, b: Date | null): Date | null {
  if (!a) return b;
  if (!b) return a;
  return a.getTime() >= b.getTime() ? a : b;
}
