import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEnum,
  IsObject,
  IsOptional,
  ValidateNested,
} from 'class-validator';
import { ApproverPosition, MAX_CHAIN_STEPS } from '../approval-chain';
import { IsChinaDate, IsHhMm } from '../../common/validation/date-time.validators';

export class NightHoursDto {
  @ApiProperty({ example: '22:00', description: 'China time' })
  @IsHhMm()
  start!: string;

  @ApiProperty({ example: '06:00', description: 'China time; at or before start means the next morning' })
  @IsHhMm()
  end!: string;
}

export class ApprovalChainsDto {
  @ApiProperty({
    enum: ApproverPosition,
    enumName: 'ApproverPosition',
    isArray: true,
    example: ['unit_head', 'safety_department', 'principal'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CHAIN_STEPS)
  @IsEnum(ApproverPosition, { each: true })
  special!: ApproverPosition[];

  @ApiProperty({
    enum: ApproverPosition,
    enumName: 'ApproverPosition',
    isArray: true,
    example: ['unit_head', 'safety_department'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CHAIN_STEPS)
  @IsEnum(ApproverPosition, { each: true })
  level1!: ApproverPosition[];

  @ApiProperty({ enum: ApproverPosition, enumName: 'ApproverPosition', isArray: true, example: ['unit_head'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CHAIN_STEPS)
  @IsEnum(ApproverPosition, { each: true })
  level2!: ApproverPosition[];
}

export class PermitSettingsDto {
  @ApiProperty({
    type: [String],
    example: ['2026-01-01', '2026-02-17'],
    description: 'Holidays (China dates) that raise the level by one',
  })
  @IsArray()
  @ArrayMaxSize(366)
  @ArrayUnique()
  @IsChinaDate({ each: true })
  holidays!: string[];

  @ApiPropertyOptional({
    type: NightHoursDto,
    nullable: true,
    description: 'Night hours that raise the level by one; null for none',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => NightHoursDto)
  nightHours?: NightHoursDto | null;

  @ApiProperty({ default: true })
  @IsBoolean()
  upgradeOnHolidays!: boolean;

  @ApiProperty({ default: true })
  @IsBoolean()
  upgradeAtNight!: boolean;

  @ApiProperty({ type: ApprovalChainsDto, description: 'Positions that sign, in order, per effective level' })
  // IsObject: `[]` would otherwise pass ValidateNested (no elements to check) and be stored as `{}`.
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalChainsDto)
  approvalChains!: ApprovalChainsDto;
}

export class UserPositionsDto {
  @ApiProperty({
    enum: ApproverPosition,
    enumName: 'ApproverPosition',
    isArray: true,
    example: ['unit_head'],
    description: 'Replaces the positions the user holds',
  })
  @IsArray()
  @ArrayMaxSize(3)
  @ArrayUnique()
  @IsEnum(ApproverPosition, { each: true })
  positions!: ApproverPosition[];
}
