import { ApiProperty } from '@nestjs/swagger';
import { CaseSourceType, CaseState } from './case.entity';

export class CaseMachineView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2号电焊机' }) name!: string;
  @ApiProperty({ example: 'SD-WS400-240101' }) serialNumber!: string;
  @ApiProperty({ example: 'suspended', description: 'The machine status now' }) status!: string;
}

export class CaseSecondPartyView {
  @ApiProperty({ example: '王**', description: 'Masked' }) nameMasked!: string;
  @ApiProperty({ example: '主要负责人' }) role!: string;
}

/** The inspection a case came from: the plan and the drawn enterprise's place in it. */
export class CaseInspectionSourceView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ example: '2026年6月会亭镇双随机检查' }) planTitle!: string;
  @ApiProperty({ example: 1 }) position!: number;
}

/** A machine an open case keeps suspended (暂停使用), for the machine ledger's mark. */
export class CaseSuspensionView {
  @ApiProperty({ format: 'uuid' }) machineId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) openedAt!: string;
}

export class CaseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty({ example: '恒达钢结构有限公司' }) enterpriseName!: string;
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ type: String, nullable: true, example: '会亭镇' }) regionName!: string | null;
  @ApiProperty({ enum: CaseSourceType, enumName: 'CaseSourceType' }) sourceType!: CaseSourceType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sourceHazardId!: string | null;
  @ApiProperty({ type: CaseInspectionSourceView, nullable: true })
  sourceInspection!: CaseInspectionSourceView | null;
  @ApiProperty() legalBasis!: string;
  @ApiProperty() facts!: string;
  @ApiProperty() warning!: boolean;
  @ApiProperty({ type: Number, nullable: true, example: 20000 }) fineYuan!: number | null;
  @ApiProperty() productionHalt!: boolean;
  @ApiProperty({ type: [CaseMachineView] }) suspendedMachines!: CaseMachineView[];
  @ApiProperty({ type: CaseSecondPartyView, nullable: true }) secondParty!: CaseSecondPartyView | null;
  @ApiProperty({ enum: CaseState, enumName: 'CaseState' }) state!: CaseState;
  @ApiProperty({ type: String, nullable: true }) closureNote!: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) suspensionLifted!: boolean | null;
  @ApiProperty({ example: '会亭镇监管员' }) openedByName!: string;
  @ApiProperty({ type: String, format: 'date-time' }) openedAt!: string;
  @ApiProperty({ type: String, nullable: true }) closedByName!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
}

/** One township in one month. A row with cases = 0 is a zero-penalty township that month. */
export class EnforcementStatView {
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ example: '会亭镇' }) regionName!: string;
  @ApiProperty({ example: '2026-06' }) month!: string;
  @ApiProperty() hazardsFound!: number;
  @ApiProperty({ description: 'Signed off by the deadline' }) rectifiedOnTime!: number;
  @ApiProperty({ description: 'Past the deadline and not signed off by it' }) overdue!: number;
  @ApiProperty() cases!: number;
  @ApiProperty({ example: 20000 }) finesYuan!: number;
}
