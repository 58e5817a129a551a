import { describe, expect, it } from 'vitest';
import { approveBlockedBy, setsRewardTable, type RewardView } from './rewardsApi';

const reward = (over: Partial<RewardView>): RewardView =>
  ({ state: 'proposed', canApprove: false, ...over }) as RewardView;

describe('rewards in the console', () => {
  it('says why a proposed reward cannot be approved by the caller', () => {
    expect(approveBlockedBy(reward({}), 'regulator')).toBe('proposer');
    expect(approveBlockedBy(reward({}), 'platform_admin')).toBe('role');
    expect(approveBlockedBy(reward({ canApprove: true }), 'regulator')).toBeNull();
    expect(approveBlockedBy(reward({ state: 'approved' }), 'regulator')).toBeNull();
  });

  it('lets county (six-digit) accounts edit the reward table, not townships', () => {
    expect(setsRewardTable('411426')).toBe(true);
    expect(setsRewardTable('411426100')).toBe(false);
    expect(setsRewardTable(null)).toBe(false);
  });
});
