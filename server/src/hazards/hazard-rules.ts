import { AlertType } from '../alerts/alert-type';

/** 隐患类别: the welding-specific list; codes in the API, labels in the console. */
export enum HazardCategory {
  /** 无证焊接: welding without a valid special-operation certificate. */
  UnlicensedWelding = 'unlicensed_welding',
  /** 未办理动火作业票. */
  NoHotWorkPermit = 'no_hot_work_permit',
  /** 焊机未加芯赋码. */
  MachineNotChipped = 'machine_not_chipped',
  /** 监护缺失 (fire watcher absent). */
  FireWatchMissing = 'fire_watch_missing',
  /** 气体检测缺失. */
  GasTestMissing = 'gas_test_missing',
  /** 消防器材缺失. */
  FireEquipmentMissing = 'fire_equipment_missing',
  /** 改装焊机 (modified or bypassed machine). */
  ModifiedMachine = 'modified_machine',
  /** 无授权起弧 (arc with no grant: interlock bypassed). */
  ArcWithoutGrant = 'arc_without_grant',
  /** 焊机超时运行. */
  MachineOveruse = 'machine_overuse',
  /** 动火点周边可燃物未清理. */
  CombustiblesNearby = 'combustibles_nearby',
  Other = 'other',
}

/** 一般 / 重大. Only a county-level regulator signs off a major hazard. */
export enum HazardLevel {
  General = 'general',
  Major = 'major',
}

/** Where the hazard came from: 企业自查, 督导检查发现, 群众举报查实, 线上巡查 (platform alert). */
export enum HazardSource {
  SelfInspection = 'self_inspection',
  Inspection = 'inspection',
  PublicReport = 'public_report',
  PlatformAlert = 'platform_alert',
}

/**
 * open (registered) → ordered (责令限期整改) → rectified (enterprise reported, with evidence)
 * → verified (regulator checked) → signed_off (销号, by someone else). Verify and sign-off may send it
 * back to ordered.
 */
export enum HazardState {
  Open = 'open',
  Ordered = 'ordered',
  Rectified = 'rectified',
  Verified = 'verified',
  SignedOff = 'signed_off',
}

/** 函告、通报、约谈、曝光 against an enterprise whose rectification is slow. */
export enum HazardMeasureKind {
  Letter = 'letter',
  Circular = 'circular',
  Interview = 'interview',
  Exposure = 'exposure',
}

/** What each step is called on the timeline and in the audit log. */
export enum HazardStep {
  Created = 'created',
  Ordered = 'ordered',
  Rectified = 'rectified',
  Verified = 'verified',
  Returned = 'returned',
  SignedOff = 'signed_off',
}

/** The category a promoted alert suggests (the regulator may choose another). */
export const CATEGORY_OF_ALERT: Partial<Record<AlertType, HazardCategory>> = {
  [AlertType.ARC_WITHOUT_GRANT]: HazardCategory.ArcWithoutGrant,
  [AlertType.MACHINE_OVERUSE_24H]: HazardCategory.MachineOveruse,
  [AlertType.UNLICENSED_ATTEMPT]: HazardCategory.UnlicensedWelding,
  [AlertType.CERTIFICATE_EXPIRED]: HazardCategory.UnlicensedWelding,
  [AlertType.OVER_CURRENT]: HazardCategory.ModifiedMachine,
  [AlertType.TAMPER]: HazardCategory.ModifiedMachine,
  [AlertType.UNREGISTERED_DEVICE]: HazardCategory.MachineNotChipped,
  [AlertType.ARC_AFTER_PERMIT_END]: HazardCategory.NoHotWorkPermit,
  [AlertType.ARC_OUTSIDE_GEOFENCE]: HazardCategory.NoHotWorkPermit,
  [AlertType.GAS_ABOVE_LIMIT]: HazardCategory.GasTestMissing,
};

/** A hazard is overdue while its rectification is ordered and the deadline has passed. */
export function isOverdue(h: { state: HazardState; deadline: Date | null }, now: Date): boolean {
  return h.state === HazardState.Ordered && !!h.deadline && h.deadline.getTime() < now.getTime();
}

export const overdueAlertKey = (hazardId: string, deadline: Date) =>
  `hazard-overdue:${hazardId}:${deadline.toISOString()}`;
