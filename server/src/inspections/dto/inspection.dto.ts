import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { AUDIT_LISTS, type AuditList } from '../../off-platform/off-platform-rules';
import { IsChinaDate } from '../../common/validation/date-time.validators';
import { IsRegionCode } from '../../common/validation/identifier.validators';

const trim = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

/** What raises an enterprise's chance of being drawn; 0 leaves the factor out. */
export class DrawWeightsDto {
  @ApiProperty({ minimum: 0, maximum: 10, example: 1, description: 'Weight of each open alert' })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  openAlerts!: number;

  @ApiProperty({ minimum: 0, maximum: 10, example: 1, description: 'Weight of each year without inspection' })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10)
  daysSinceInspection!: number;
}

export class CreateInspectionPlanDto {
  @ApiProperty({ example: '2026年12月会亭镇焊接作业双随机抽查', maxLength: 200 })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  title!: string;

  @ApiProperty({ example: '411426100', description: 'The region the plan covers (its subtree)' })
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ example: '2026-12-07', format: 'date' })
  @IsChinaDate()
  periodStart!: string;

  @ApiProperty({ example: '2026-12-31', format: 'date' })
  @IsChinaDate()
  periodEnd!: string;

  @ApiProperty({ minimum: 1, maximum: 200, example: 5, description: 'How many enterprises to draw' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  sampleSize!: number;

  @ApiProperty({ type: DrawWeightsDto })
  @ValidateNested()
  @Type(() => DrawWeightsDto)
  weights!: DrawWeightsDto;

  @ApiPropertyOptional({
    maxLength: 128,
    description: 'The draw seed; leave out to let the server pick a random one. Recorded and published.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(8)
  @MaxLength(128)
  seed?: string;
}

/** The off-platform audit row a targeted inspection comes from. */
export class InspectionSourceDto {
  @ApiProperty({ enum: AUDIT_LISTS, example: 'silent-machines' })
  @IsIn(AUDIT_LISTS)
  list!: AuditList;

  @ApiPropertyOptional({ maxLength: 200, description: 'What the row named (a machine, welder or permit label)' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(200)
  label?: string;
}

/** 定向检查 (四不两直): one enterprise named by the regulator; its two inspectors are drawn at random. */
export class CreateTargetedInspectionDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID('all')
  enterpriseId!: string;

  @ApiProperty({ example: '焊机长期未上线，疑似线下作业', maxLength: 500 })
  @Transform(trim)
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;

  @ApiProperty({ example: '2026-12-07', format: 'date' })
  @IsChinaDate()
  periodStart!: string;

  @ApiProperty({ example: '2026-12-14', format: 'date' })
  @IsChinaDate()
  periodEnd!: string;

  @ApiPropertyOptional({ type: InspectionSourceDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => InspectionSourceDto)
  source?: InspectionSourceDto;
}

/** 现场检查 check-in: where the inspector stands (WGS-84 from the phone). */
export class CheckInDto {
  @ApiProperty({ example: 34.1721, minimum: -90, maximum: 90 })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude!: number;

  @ApiProperty({ example: 116.0012, minimum: -180, maximum: 180 })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude!: number;
}
