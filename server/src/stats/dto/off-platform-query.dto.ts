import { ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { AlertType } from '../../alerts/alert-type';
import { ListAlertsQueryDto } from '../../alerts/dto/list-alerts.query';

/** The alert types that mean welding happened (or was tried) outside the platform's control. */
export const OFF_PLATFORM_TYPES = [
  AlertType.UNREGISTERED_DEVICE,
  AlertType.ARC_WITHOUT_GRANT,
  AlertType.UNLICENSED_ATTEMPT,
  AlertType.ACTIVITY_AT_INACTIVE_ENTERPRISE,
] as const;
export type OffPlatformType = (typeof OFF_PLATFORM_TYPES)[number];

/** The alert list's filters, with `type` narrowed to the off-platform types (severity is not a filter here). */
export class OffPlatformFilterDto extends OmitType(ListAlertsQueryDto, [
  'type',
  'severity',
  'page',
  'pageSize',
] as const) {
  @ApiPropertyOptional({ enum: OFF_PLATFORM_TYPES, description: 'One type; all four when omitted' })
  @IsOptional()
  @IsIn(OFF_PLATFORM_TYPES)
  type?: OffPlatformType;
}

/** Filters plus ?page&pageSize. */
export class OffPlatformQueryDto extends IntersectionType(PaginationQueryDto, OffPlatformFilterDto) {}
