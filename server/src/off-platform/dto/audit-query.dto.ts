import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { AUDIT_DEFAULT_DAYS, AUDIT_LISTS, AUDIT_MAX_DAYS, AuditList } from '../off-platform-rules';

/** The filters every suspect list takes: where (township or any region below the caller's), which industry, how far back. */
export class AuditFilterDto {
  @ApiPropertyOptional({
    example: '411426100',
    description: 'Only enterprises registered in this region (a township, or any region of your scope) or below it',
  })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ example: '金属制品业', description: 'Exact industry, as enterprises record it' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: AUDIT_MAX_DAYS,
    default: AUDIT_DEFAULT_DAYS,
    description:
      'Look-back in China calendar days, today included, for online days, arcs and permits (public reports always weigh for a year)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_MAX_DAYS)
  days: number = AUDIT_DEFAULT_DAYS;
}

export class AuditQueryDto extends IntersectionType(PaginationQueryDto, AuditFilterDto) {}

/** The filters plus which list (or the ranking) to export. */
export class AuditExportQueryDto extends AuditFilterDto {
  @ApiProperty({ enum: AUDIT_LISTS, enumName: 'AuditList' })
  @IsIn(AUDIT_LISTS)
  list!: AuditList;
}
