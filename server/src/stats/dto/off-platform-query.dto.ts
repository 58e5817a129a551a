import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { AlertState, AlertType } from '../../alerts/alert-type';

/** The alert types that mean welding happened (or was tried) outside the platform's control. */
export const OFF_PLATFORM_TYPES = [
  AlertType.UNREGISTERED_DEVICE,
  AlertType.ARC_WITHOUT_GRANT,
  AlertType.UNLICENSED_ATTEMPT,
  AlertType.ACTIVITY_AT_INACTIVE_ENTERPRISE,
] as const;
export type OffPlatformType = (typeof OFF_PLATFORM_TYPES)[number];

export class OffPlatformFilterDto {
  @ApiPropertyOptional({ enum: OFF_PLATFORM_TYPES, description: 'One type; all four when omitted' })
  @IsOptional() @IsIn(OFF_PLATFORM_TYPES)
  type?: OffPlatformType;

  @ApiPropertyOptional({ enum: AlertState })
  @IsOptional() @IsIn(Object.values(AlertState))
  state?: AlertState;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional() @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({ example: '2026-01-01T00:00:00+08:00', description: 'Last seen at or after' })
  @IsOptional() @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00+08:00', description: 'First seen before' })
  @IsOptional() @IsISO8601({ strict: true })
  to?: string;
}

/** Filters plus ?page&pageSize. */
export class OffPlatformQueryDto extends IntersectionType(PaginationQueryDto, OffPlatformFilterDto) {}
