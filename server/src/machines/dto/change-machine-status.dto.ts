import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Trim } from '../../common/validation/field-helpers';
import { MachineStatus } from '../machine.entity';

/** "registered" is only the initial state; nobody moves a machine back to it. */
export const SETTABLE_MACHINE_STATUSES = [
  MachineStatus.Active,
  MachineStatus.Suspended,
  MachineStatus.Retired,
] as const;
export type SettableMachineStatus = (typeof SETTABLE_MACHINE_STATUSES)[number];

export class ChangeMachineStatusDto {
  @ApiProperty({ enum: SETTABLE_MACHINE_STATUSES })
  @IsIn(SETTABLE_MACHINE_STATUSES)
  status!: SettableMachineStatus;

  @ApiPropertyOptional({ example: '不符合安全要求, 予以淘汰', description: 'Required for suspended and retired' })
  @ValidateIf((o: ChangeMachineStatusDto) => o.status !== MachineStatus.Active || o.reason !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}
