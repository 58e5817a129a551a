// Types of the reward endpoints (/api/rewards…), generated from the server's OpenAPI document.
import { rewardStateValues, type components } from '../../api/schema';

type S = components['schemas'];
export type RewardView = S['RewardView'];
export type RewardRule = S['RewardRuleView'];
export type RewardState = S['RewardState'];

export const REWARD_STATES = rewardStateValues;
export const REWARD_STATE_COLOUR: Record<RewardState, string> = { proposed: 'gold', approved: 'blue', paid: 'green' };

export const rewardPath = (id: string) => `/console/rewards?open=${id}`;

/** A county (or higher) account sets the reward table: GB/T 2260 county codes have six digits, townships nine. */
export function setsRewardTable(regionCode: string | null | undefined): boolean {
  return !!regionCode && regionCode.length <= 6;
}

/** Why the caller may not approve a proposed reward, or null when they may. */
export function approveBlockedBy(w: RewardView, role: string | undefined): 'proposer' | 'role' | null {
  if (w.state !== 'proposed' || w.canApprove) return null;
  return role === 'regulator' ? 'proposer' : 'role';
}
