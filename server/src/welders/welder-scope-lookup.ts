import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import type { Actor } from '../access/actor';

/**
 * Which welders a user is responsible for, for other modules' read models (the overview's census):
 * exactly the welders the welders ledger lists for that user, i.e. those employed by an enterprise the
 * user may read plus those engaged today (劳务派遣 / 外包 / 承包) with such an enterprise. One definition,
 * so that the overview and the ledger never disagree about a dispatched welder.
 */
export interface WelderScopeLookup {
  /** China calendar date that decides which engagements run. */
  today(): string;
  /** Restricts a query over welders `w` joined to their employer enterprise `e`. */
  scopeQuery<T extends ObjectLiteral>(
    qb: SelectQueryBuilder<T>,
    actor: Actor,
    today: string,
    w?: string,
    e?: string,
  ): SelectQueryBuilder<T>;
  /**
   * The regulator rule of scopeQuery as a condition on a region path SQL expression (e.g. a joined
   * `r.path`), so that one statement can count welders for many regions at once. Uses the `:scopeToday`
   * parameter (set it to today()).
   */
  inRegionSql(pathExpr: string, w?: string, e?: string): string;
  /**
   * A sub-select of the engagements running today (the dispatched arm of the regulator rule): columns
   * `welder_id` and `region_path` (of the enterprise engaging). Uses the `:scopeToday` parameter.
   */
  engagementsTodaySql(): string;
}

export const WELDER_SCOPE_LOOKUP = 'WELDER_SCOPE_LOOKUP';
