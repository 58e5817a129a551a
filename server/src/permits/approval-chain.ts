import { PermitLevel } from './permit-levels';

/** Enterprise positions that sign permits; users hold them through user_positions. */
export enum ApproverPosition {
  /** 动火所在单位负责人 / 车间负责人 */
  UnitHead = 'unit_head',
  /** 安全管理部门 */
  SafetyDepartment = 'safety_department',
  /** 主要负责人 */
  Principal = 'principal',
}

export const POSITION_LABELS: Record<ApproverPosition, string> = {
  [ApproverPosition.UnitHead]: '单位负责人',
  [ApproverPosition.SafetyDepartment]: '安全管理部门',
  [ApproverPosition.Principal]: '主要负责人',
};

export type ApprovalChains = Record<PermitLevel, ApproverPosition[]>;

export const CHAIN_LEVELS: PermitLevel[] = [PermitLevel.Special, PermitLevel.Level1, PermitLevel.Level2];
const POSITIONS = new Set<string>(Object.values(ApproverPosition));

/**
 * Platform minimum per GB 30871-2022: 二级 is approved by the head of the unit where the work takes
 * place; 一级 additionally by the safety management department; 特级 finally by the 主要负责人.
 * A regulator may raise it for its region, an enterprise may add steps; nobody may go below it.
 */
export const PLATFORM_MINIMUM_CHAINS: ApprovalChains = {
  [PermitLevel.Level2]: [ApproverPosition.UnitHead],
  [PermitLevel.Level1]: [ApproverPosition.UnitHead, ApproverPosition.SafetyDepartment],
  [PermitLevel.Special]: [ApproverPosition.UnitHead, ApproverPosition.SafetyDepartment, ApproverPosition.Principal],
};

/** An enterprise that never saved settings signs exactly the minimum. */
export const DEFAULT_APPROVAL_CHAINS: ApprovalChains = PLATFORM_MINIMUM_CHAINS;

export const MAX_CHAIN_STEPS = 6;

/** True when `required` appears in `chain` in the same order (steps may be added between, none removed or reordered). */
export function containsInOrder(chain: readonly ApproverPosition[], required: readonly ApproverPosition[]): boolean {
  let i = 0;
  for (const p of chain) if (i < required.length && p === required[i]) i++;
  return i === required.length;
}

/**
 * Shortest chain that contains both a and b in order (shortest common supersequence). Used where a
 * stored chain falls short of the minimum: the missing steps are added, the enterprise's extra steps kept.
 */
export function mergeChains(a: readonly ApproverPosition[], b: readonly ApproverPosition[]): ApproverPosition[] {
  const n = a.length,
    m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: ApproverPosition[] = [];
  let i = 0,
    j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return [...out, ...a.slice(i), ...b.slice(j)];
}

/** A stored chain read back from jsonb: only a non-empty array of known positions counts; anything else is null. */
export function readChain(v: unknown): ApproverPosition[] | null {
  if (!Array.isArray(v) || v.length === 0 || v.length > MAX_CHAIN_STEPS * 3) return null;
  return v.every((p) => typeof p === 'string' && POSITIONS.has(p)) ? (v as ApproverPosition[]) : null;
}

/** Stored chains per level, each checked; a level that is missing or malformed is null (callers fall back to the minimum). */
export function readChains(v: unknown): Record<PermitLevel, ApproverPosition[] | null> {
  const o = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return {
    [PermitLevel.Special]: readChain(o[PermitLevel.Special]),
    [PermitLevel.Level1]: readChain(o[PermitLevel.Level1]),
    [PermitLevel.Level2]: readChain(o[PermitLevel.Level2]),
  };
}

/** The chain a permit is signed by: the enterprise's own if it honours the minimum, otherwise the two merged (never weaker). */
export function instantiateChain(
  own: readonly ApproverPosition[] | null,
  minimum: readonly ApproverPosition[],
): ApproverPosition[] {
  if (!own) return [...minimum];
  return containsInOrder(own, minimum) ? [...own] : mergeChains(own, minimum);
}

/** Levels whose chain drops or reorders a required step. */
export function chainsBelowMinimum(chains: ApprovalChains, minimum: ApprovalChains): PermitLevel[] {
  return CHAIN_LEVELS.filter((l) => !containsInOrder(chains[l], minimum[l]));
}
