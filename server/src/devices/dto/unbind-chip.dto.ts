import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { Trim } from '../../common/validation/field-helpers';
import { BindChipDto } from './bind-chip.dto';

/** Why a chip leaves its machine: kept in the audit trail and shown in the machine's history. */
export const CHIP_UNBIND_REASONS = [
  'chip_faulty',
  'chip_damaged',
  'chip_lost',
  'bound_by_mistake',
  'machine_disposed',
  'other',
] as const;
export type ChipUnbindReason = (typeof CHIP_UNBIND_REASONS)[number];

export class UnbindChipDto {
  @ApiProperty({ enum: CHIP_UNBIND_REASONS, enumName: 'ChipUnbindReason' })
  @IsIn(CHIP_UNBIND_REASONS)
  reason!: ChipUnbindReason;

  @ApiPropertyOptional({ example: '芯片进水，无法上电', description: 'Free text; required when reason is "other"' })
  @ValidateIf((o: UnbindChipDto) => o.reason === 'other' || o.note !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  note?: string;
}

/** Unbind the machine's chip for a reason and bind the new one scanned from its label, in one step. */
export class ReplaceChipDto extends BindChipDto {
  @ApiProperty({ enum: CHIP_UNBIND_REASONS, enumName: 'ChipUnbindReason' })
  @IsIn(CHIP_UNBIND_REASONS)
  reason!: ChipUnbindReason;

  @ApiPropertyOptional({ example: '芯片进水，无法上电', description: 'Free text; required when reason is "other"' })
  @ValidateIf((o: ReplaceChipDto) => o.reason === 'other' || o.note !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  note?: string;
}
