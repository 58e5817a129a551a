import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { OmittableNotNull, Trim } from '../../common/validation/field-helpers';
import { MachineKind } from '../machine.entity';
import { MAX_RATED_CURRENT_A, MAX_RATED_INPUT_KVA } from './create-machine.dto';

/** Descriptive fields only: status has its own endpoint, ownership and chip binding are not edited here. */
export class UpdateMachineDto {
  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: MachineKind, enumName: 'MachineKind' })
  @OmittableNotNull()
  @IsEnum(MachineKind)
  kind?: MachineKind;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  manufacturer?: string;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  model?: string;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  serialNumber?: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Required (> 0) for electric machines, null for gas sets',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(MAX_RATED_INPUT_KVA)
  ratedInputKva?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description:
      'Rated current (A); null clears it. Absent or null for gas sets. Applies to grants issued from then on.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATED_CURRENT_A)
  ratedCurrentA?: number | null;
}
