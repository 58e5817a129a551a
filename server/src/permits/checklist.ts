/** Safety measures confirmed before hot work (GB 30871-2022 5.3 and 附录 A). */
export const CHECKLIST_ITEMS = [
  { key: 'combustiblesCleared15m', label: '动火点周围 15 m 内可燃物已清除', mandatory: true },
  { key: 'extinguishersInPlace', label: '灭火器材已配备到位', mandatory: true },
  { key: 'openingsCovered', label: '下水井、地漏、地沟、电缆沟等已封盖', mandatory: true },
  { key: 'equipmentIsolated', label: '动火设备已隔离、清洗、置换', mandatory: true },
  { key: 'ppeInPlace', label: '作业人员劳动防护用品齐全', mandatory: true },
  { key: 'sparkShielding', label: '高处动火已采取防火花飞溅措施', mandatory: false },
  { key: 'windBelowForce5', label: '露天动火风力低于 5 级', mandatory: false },
] as const;

export type ChecklistKey = (typeof CHECKLIST_ITEMS)[number]['key'];
export type Checklist = Partial<Record<ChecklistKey, boolean>>;

/** Mandatory items not confirmed. */
export function missingChecklistItems(c: Checklist): { key: ChecklistKey; label: string }[] {
  return CHECKLIST_ITEMS.filter((i) => i.mandatory && c[i.key] !== true).map((i) => ({ key: i.key, label: i.label }));
}
