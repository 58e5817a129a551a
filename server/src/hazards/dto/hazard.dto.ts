import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEnum,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsCalendarDate } from '../../common/validation/dates';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { HazardCategory, HazardLevel, HazardMeasureKind, HazardSource, HazardState } from '../hazard-rules';

/** Forms post empty inputs as "": treat them as absent. Text is trimmed. */
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;
/** Multipart and query strings carry booleans as text. */
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

/** Where the person stood when acting (WGS-84 from the phone); optional, but both or neither. */
export class WhereDto {
  @ApiPropertyOptional({ example: 34.1721, minimum: -90, maximum: 90 })
  @IsOptional()
  @Transform(blankToUndefined)
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ApiPropertyOptional({ example: 116.0012, minimum: -180, maximum: 180 })
  @IsOptional()
  @Transform(blankToUndefined)
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number;
}

/** What the finding is: shared by every way a hazard is registered. */
export class HazardFindingDto extends WhereDto {
  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' })
  @IsEnum(HazardLevel)
  level!: HazardLevel;

  @ApiPropertyOptional({ example: '厂房东侧动火作业未配置灭火器', maxLength: 500, description: '依据 (legal basis)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(500)
  legalBasis?: string;
}

/**
 * Multipart (fields + up to three `photos`) or JSON. An enterprise user reports its own self-inspection
 * finding (enterpriseId is theirs whatever is sent); a regulator records an inspection finding.
 */
export class CreateHazardDto extends HazardFindingDto {
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' })
  @IsEnum(HazardCategory)
  category!: HazardCategory;

  @ApiProperty({ example: '2号焊机旁未配置灭火器，监护人不在场', minLength: 5, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional({ format: 'uuid', description: "Required for regulators; an enterprise user's own is used" })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  welderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  permitId?: string;
}

/** Promoting a platform alert or a confirmed public report (线上巡查执法, 群众举报查实). */
export class PromoteToHazardDto extends HazardFindingDto {
  @ApiPropertyOptional({
    enum: HazardCategory,
    enumName: 'HazardCategory',
    description: "Defaults, for an alert, to its type's category (required for a report)",
  })
  @IsOptional()
  @IsEnum(HazardCategory)
  category?: HazardCategory;

  @ApiPropertyOptional({ maxLength: 2000, description: "Defaults to the alert's title or the report's text" })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  description?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For a report nobody could place at an enterprise: the enterprise the check found',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  enterpriseId?: string;
}

/** 责令限期整改. */
export class OrderRectificationDto extends WhereDto {
  @ApiProperty({ example: '2026-12-20T10:00:00.000Z', description: '整改期限, in the future' })
  @IsDateString({ strict: true })
  deadline!: string;

  @ApiProperty({ example: '限7日内配齐灭火器并落实监护人', minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;
}

/** The enterprise's rectification report: text plus up to three photos (multipart). */
export class ReportRectificationDto extends WhereDto {
  @ApiProperty({ example: '已配置4具灭火器，监护人已到岗', minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;
}

/** The regulator's check of the rectification: passed → verified; not passed → back to the enterprise. */
export class VerifyRectificationDto extends WhereDto {
  @ApiProperty()
  @Transform(toBoolean)
  @IsBoolean()
  passed!: boolean;

  @ApiProperty({ description: 'true: checked on site (现场验收); false: on paper' })
  @Transform(toBoolean)
  @IsBoolean()
  onSite!: boolean;

  @ApiProperty({ minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ description: 'When not passed: a new deadline (else the old one stays)' })
  @IsOptional()
  @IsDateString({ strict: true })
  deadline?: string;
}

/** 销号 (approve) or sending it back to the enterprise. */
export class SignOffDto extends WhereDto {
  @ApiProperty({ description: 'true: 销号; false: sent back for rectification' })
  @Transform(toBoolean)
  @IsBoolean()
  approve!: boolean;

  @ApiProperty({ minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ description: 'When sent back: a new deadline (else the old one stays)' })
  @IsOptional()
  @IsDateString({ strict: true })
  deadline?: string;
}

export class ListHazardsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ example: '411426100', description: 'Township (or any region): its subtree' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ enum: HazardCategory, enumName: 'HazardCategory' })
  @IsOptional()
  @IsEnum(HazardCategory)
  category?: HazardCategory;

  @ApiPropertyOptional({ enum: HazardLevel, enumName: 'HazardLevel' })
  @IsOptional()
  @IsEnum(HazardLevel)
  level?: HazardLevel;

  @ApiPropertyOptional({ enum: HazardState, enumName: 'HazardState' })
  @IsOptional()
  @IsEnum(HazardState)
  state?: HazardState;

  @ApiPropertyOptional({ enum: HazardSource, enumName: 'HazardSource' })
  @IsOptional()
  @IsEnum(HazardSource)
  source?: HazardSource;

  @ApiPropertyOptional({ format: 'uuid', description: 'The hazard promoted from this alert, if any' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  sourceAlertId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The hazard promoted from this public report, if any' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  sourceReportId?: string;

  @ApiPropertyOptional({ description: 'Only ordered hazards past their deadline' })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  overdue?: boolean;

  @ApiPropertyOptional({
    example: '金属制品业',
    maxLength: 100,
    description: "The enterprise's industry (statistics drill-down)",
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional({ example: '2026-01-01', description: 'Registered on or after this day (China time)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-31', description: 'Registered on or before this day (China time)' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsCalendarDate()
  to?: string;
}

/** 函告、通报、约谈、曝光. */
export class RecordMeasureDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  enterpriseId!: string;

  @ApiProperty({ enum: HazardMeasureKind, enumName: 'HazardMeasureKind' })
  @IsIn(Object.values(HazardMeasureKind))
  kind!: HazardMeasureKind;

  @ApiProperty({ example: '约谈企业主要负责人，要求3日内完成整改', minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The hazard it is about, if one' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsUUID()
  hazardId?: string;
}
