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

export class CaseView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty({ example: '恒达钢结构有限公司' }) enterpriseName!: string;
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ enum: CaseSourceType, enumName: 'CaseSourceType' }) sourceType!: CaseSourceType;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) sourceHazardId!: string | null;
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
