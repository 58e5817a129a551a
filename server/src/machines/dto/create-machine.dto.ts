import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEnum,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { Trim } from '../../common/validation/field-helpers';
import { MachineKind } from '../machine.entity';

export const MAX_RATED_INPUT_KVA = 10000;
export const MAX_RATED_CURRENT_A = 2000;

export class CreateMachineDto {
  @ApiPropertyOptional({
    description: 'Owning enterprise; required for a platform admin, defaults to your own for enterprise users',
  })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiProperty({ example: '1号车间氩弧焊机' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: MachineKind, enumName: 'MachineKind' })
  @IsEnum(MachineKind)
  kind!: MachineKind;

  @ApiProperty({ example: '时代焊机' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  manufacturer!: string;

  @ApiProperty({ example: 'WS-400' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  model!: string;

  @ApiProperty({ example: 'SD-WS400-240101', description: 'Unique per manufacturer' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  serialNumber!: string;

  @ApiPropertyOptional({
    type: Number,
    example: 12.5,
    nullable: true,
    description: 'Rated input in kVA: required (> 0) for electric_arc and resistance, absent or null for gas',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(MAX_RATED_INPUT_KVA)
  ratedInputKva?: number | null;

  @ApiPropertyOptional({
    type: Number,
    example: 315,
    nullable: true,
    description:
      'Rated current on the nameplate (A; resistance welders: primary current). Optional for electric machines, absent or null for gas. Grants carry it as maxCurrentA: the device cuts an arc above it.',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATED_CURRENT_A)
  ratedCurrentA?: number | null;
}
