import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsCalendarDate } from '../../common/validation/dates';
import { IsRegionCode } from '../../common/validation/identifier.validators';

const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

/** 隐患统计: the period (China calendar days of registration), a region under the caller's scope, an industry. */
export class HazardStatisticsQueryDto {
  @ApiPropertyOptional({
    example: '2026-01-01',
    description: 'First day registered (China time); default a year before `to`',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'Last day registered (China time); default today. At most 3 years after `from`',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ example: '411426100', description: 'A region inside your scope: its subtree' })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ example: '金属制品业', maxLength: 100, description: "The enterprise's industry (exact)" })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(100)
  industry?: string;
}
