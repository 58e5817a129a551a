import { EnterpriseStatus } from '../../enterprises/enterprise.entity';
import { MachineKind, MachineStatus } from '../../machines/machine.entity';
import { WelderStatus } from '../../welders/welder.entity';
import { EnumOption } from '../sheet/ledger-sheet';

/** Chinese labels of the API's enum values, shared by templates, imports and exports. */
export const MACHINE_KIND_OPTIONS: EnumOption[] = [
  { value: MachineKind.ElectricArc, label: '电弧焊机' },
  { value: MachineKind.Resistance, label: '电阻焊机' },
  { value: MachineKind.Gas, label: '气焊(割)设备' },
];

export const MACHINE_STATUS_OPTIONS: EnumOption[] = [
  { value: MachineStatus.Registered, label: '已登记' },
  { value: MachineStatus.Active, label: '在用' },
  { value: MachineStatus.Suspended, label: '停用' },
  { value: MachineStatus.Retired, label: '已淘汰' },
];

export const ENTERPRISE_STATUS_OPTIONS: EnumOption[] = [
  { value: EnterpriseStatus.Active, label: '正常' },
  { value: EnterpriseStatus.Suspended, label: '停产整顿' },
  { value: EnterpriseStatus.Closed, label: '关闭' },
];

export const WELDER_STATUS_OPTIONS: EnumOption[] = [
  { value: WelderStatus.Active, label: '在岗' },
  { value: WelderStatus.Inactive, label: '离岗' },
];

export function labelOf(options: EnumOption[], value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return options.find((o) => o.value === value)?.label ?? value;
}
