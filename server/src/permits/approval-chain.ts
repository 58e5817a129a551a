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

/** Default sign-off: 二级 by the unit head; 一级 adds the safety department; 特级 adds the principal. */
export const DEFAULT_APPROVAL_CHAINS: ApprovalChains = {
  [PermitLevel.Level2]: [ApproverPosition.UnitHead],
  [PermitLevel.Level1]: [ApproverPosition.UnitHead, ApproverPosition.SafetyDepartment],
  [PermitLevel.Special]: [ApproverPosition.UnitHead, ApproverPosition.SafetyDepartment, ApproverPosition.Principal],
};

export const MAX_CHAIN_STEPS = 6;
