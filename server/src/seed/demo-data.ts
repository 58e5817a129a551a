import { idNumberCheckChar, usccCheckChar } from '../common/validation/identifiers';
import { EngagementKind } from '../welders/welder-engagement.entity';
import { MachineKind } from '../machines/machine.entity';
import { HazardCategory, HazardLevel, HazardSource, HazardState } from '../hazards/hazard-rules';

/** Demo data for Xiayi County (夏邑县, 411426). Township codes are illustrative, not official. */
export const DEMO_PASSWORD = 'ArcGate#2026';

export const DEMO_REGIONS = [
  { code: '411426', name: '夏邑县', level: 'county', parentCode: null },
  { code: '411426001', name: '孔祖大道街道', level: 'township', parentCode: '411426' },
  { code: '411426100', name: '会亭镇', level: 'township', parentCode: '411426' },
  { code: '411426101', name: '马头镇', level: 'township', parentCode: '411426' },
  { code: '411426102', name: '济阳镇', level: 'township', parentCode: '411426' },
  { code: '411426103', name: '李集镇', level: 'township', parentCode: '411426' },
  { code: '411426104', name: '车站镇', level: 'township', parentCode: '411426' },
  { code: '411426105', name: '杨集镇', level: 'township', parentCode: '411426' },
  { code: '411426106', name: '韩道口镇', level: 'township', parentCode: '411426' },
  { code: '411426107', name: '太平镇', level: 'township', parentCode: '411426' },
  { code: '411426108', name: '罗庄镇', level: 'township', parentCode: '411426' },
  { code: '411426109', name: '火店镇', level: 'township', parentCode: '411426' },
  { code: '411426110', name: '北岭镇', level: 'township', parentCode: '411426' },
  { code: '411426100201', name: '会亭村', level: 'village', parentCode: '411426100' },
] as const;

const uscc = (body17: string) => body17 + usccCheckChar(body17);
const idNo = (body17: string) => body17 + idNumberCheckChar(body17);

export const DEMO_ENTERPRISES = [
  {
    key: 'steel',
    name: '夏邑县恒达钢结构有限公司',
    uscc: uscc('91411426MA44HD001'),
    industry: '金属制品业',
    regionCode: '411426100',
    address: '会亭镇工业园区纬一路8号',
    latitude: 34.1721,
    longitude: 116.0012,
    principalName: '王建国',
    principalPhone: '13837001001',
  },
  {
    key: 'machinery',
    name: '夏邑县宏远农机制造厂',
    uscc: uscc('91411426MA44HY002'),
    industry: '专用设备制造业',
    regionCode: '411426101',
    address: '马头镇商丘路东段',
    latitude: 34.2489,
    longitude: 116.1321,
    principalName: '李红',
    principalPhone: '13837001002',
  },
  {
    key: 'construction',
    name: '商丘市夏邑建工集团有限公司',
    uscc: uscc('91411426MA44JG003'),
    industry: '建筑业',
    regionCode: '411426001',
    address: '孔祖大道188号',
    latitude: 34.2371,
    longitude: 116.1311,
    principalName: '赵强',
    principalPhone: '13837001003',
  },
] as const;

export const DEMO_MACHINES = [
  {
    enterprise: 'steel',
    name: '1号车间氩弧焊机',
    kind: MachineKind.ElectricArc,
    manufacturer: '时代焊机',
    model: 'WS-400',
    serialNumber: 'SD-WS400-240101',
    ratedInputKva: 12.5,
    ratedCurrentA: 400,
  },
  {
    enterprise: 'steel',
    name: '2号车间二保焊机',
    kind: MachineKind.ElectricArc,
    manufacturer: '奥太',
    model: 'NBC-500',
    serialNumber: 'AT-NBC500-230877',
    ratedInputKva: 25.2,
    ratedCurrentA: 500,
  },
  {
    enterprise: 'steel',
    name: '气割设备A',
    kind: MachineKind.Gas,
    manufacturer: '上海焊割工具厂',
    model: 'G01-100',
    serialNumber: 'SH-G01-100-5521',
    ratedInputKva: null,
    ratedCurrentA: null,
  },
  {
    enterprise: 'machinery',
    name: '点焊机',
    kind: MachineKind.Resistance,
    manufacturer: '佳士',
    model: 'DN-25',
    serialNumber: 'JS-DN25-992104',
    ratedInputKva: 25,
    ratedCurrentA: null,
  },
  {
    enterprise: 'construction',
    name: '工地手工焊机',
    kind: MachineKind.ElectricArc,
    manufacturer: '瑞凌',
    model: 'ZX7-315',
    serialNumber: 'RL-ZX7315-771235',
    ratedInputKva: 11.3,
    ratedCurrentA: 315,
  },
] as const;

export const DEMO_WELDERS = [
  {
    key: 'zhang',
    enterprise: 'steel',
    realName: '张伟',
    idNumber: idNo('41142619850312001'),
    phone: '13900001111',
    certificate: { issuedOn: '2022-03-01' },
  },
  {
    key: 'liu',
    enterprise: 'steel',
    realName: '刘洋',
    idNumber: idNo('41142619900719002'),
    phone: '13900002222',
    certificate: { issuedOn: '2020-12-15' },
  },
  {
    key: 'chen',
    enterprise: 'machinery',
    realName: '陈静',
    idNumber: idNo('41142619921105003'),
    phone: '13900003333',
    certificate: { issuedOn: '2019-11-20' },
  },
  {
    key: 'sun',
    enterprise: 'construction',
    realName: '孙磊',
    idNumber: idNo('41142619880228004'),
    phone: '13900004444',
    certificate: null,
  },
] as const;

export const DEMO_ENGAGEMENTS = [
  { welder: 'chen', enterprise: 'steel', kind: EngagementKind.Dispatched, startsOn: '2026-01-01' },
] as const;

export const DEMO_USERS = [
  { username: 'admin', displayName: '平台管理员', role: 'platform_admin' },
  { username: 'xiayi.regulator', displayName: '夏邑县应急管理局', role: 'regulator', regionCode: '411426' },
  { username: 'huiting.regulator', displayName: '会亭镇安监站', role: 'regulator', regionCode: '411426100' },
  { username: 'hengda.admin', displayName: '恒达钢结构安全科', role: 'enterprise_admin', enterprise: 'steel' },
  { username: 'welder.zhang', displayName: '张伟', role: 'welder', welder: 'zhang' },
] as const;

/** Hot-work permit signers: extra enterprise accounts and the signing positions users hold. */
export const DEMO_PERMIT_USERS = [
  { username: 'hengda.safety', displayName: '恒达钢结构安全管理部', role: 'safety_manager', enterprise: 'steel' },
  { username: 'hengda.foreman', displayName: '恒达钢结构车间主任', role: 'safety_manager', enterprise: 'steel' },
] as const;

export const DEMO_POSITIONS = [
  { username: 'hengda.admin', enterprise: 'steel', positions: ['unit_head', 'principal'] },
  { username: 'hengda.safety', enterprise: 'steel', positions: ['safety_department'] },
  { username: 'hengda.foreman', enterprise: 'steel', positions: ['unit_head'] },
] as const;

export interface DemoHazard {
  key: string;
  enterprise: (typeof DEMO_ENTERPRISES)[number]['name'];
  source: HazardSource;
  category: HazardCategory;
  level: HazardLevel;
  state: HazardState;
  description: string;
  createdDaysAgo: number;
  /** Relative to now (negative: past); null when no order was given. */
  deadlineInDays: number | null;
  signedOffDaysAgo: number | null;
}

/** The demo's hazard register (relative to the day it is seeded): overdue, signed off on time and late, awaiting sign-off. */
export const DEMO_HAZARDS: DemoHazard[] = [
  {
    key: 'fireEquipment',
    enterprise: '夏邑县恒达钢结构有限公司',
    source: HazardSource.SelfInspection,
    category: HazardCategory.FireEquipmentMissing,
    level: HazardLevel.General,
    state: HazardState.Ordered,
    description: '2号车间动火点未配置灭火器',
    createdDaysAgo: 12,
    deadlineInDays: -3,
    signedOffDaysAgo: null,
  },
  {
    key: 'modifiedMachine',
    enterprise: '夏邑县宏远农机制造厂',
    source: HazardSource.Inspection,
    category: HazardCategory.ModifiedMachine,
    level: HazardLevel.Major,
    state: HazardState.Ordered,
    description: '点焊机私自改装，拆除漏电保护装置',
    createdDaysAgo: 9,
    deadlineInDays: -2,
    signedOffDaysAgo: null,
  },
  {
    key: 'noPermit',
    enterprise: '夏邑县恒达钢结构有限公司',
    source: HazardSource.Inspection,
    category: HazardCategory.NoHotWorkPermit,
    level: HazardLevel.General,
    state: HazardState.SignedOff,
    description: '钢结构焊接现场无审批手续',
    createdDaysAgo: 25,
    deadlineInDays: -15,
    signedOffDaysAgo: 18,
  },
  {
    key: 'combustibles',
    enterprise: '商丘市夏邑建工集团有限公司',
    source: HazardSource.Inspection,
    category: HazardCategory.CombustiblesNearby,
    level: HazardLevel.General,
    state: HazardState.SignedOff,
    description: '工地焊接点周边堆放木模板等可燃物',
    createdDaysAgo: 30,
    deadlineInDays: -22,
    signedOffDaysAgo: 19,
  },
  {
    key: 'gasTest',
    enterprise: '夏邑县恒达钢结构有限公司',
    source: HazardSource.SelfInspection,
    category: HazardCategory.GasTestMissing,
    level: HazardLevel.General,
    state: HazardState.Verified,
    description: '储罐区焊接前未测可燃气浓度',
    createdDaysAgo: 8,
    deadlineInDays: 5,
    signedOffDaysAgo: null,
  },
  {
    key: 'fireWatch',
    enterprise: '夏邑县恒达钢结构有限公司',
    source: HazardSource.Inspection,
    category: HazardCategory.FireWatchMissing,
    level: HazardLevel.General,
    state: HazardState.Ordered,
    description: '高处焊接时无专人看护',
    createdDaysAgo: 3,
    deadlineInDays: 4,
    signedOffDaysAgo: null,
  },
];
