import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEnum, IsOptional, IsUUID } from 'class-validator';
import { QueryBoolean } from '../../common/validation/field-helpers';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsInstant } from '../../common/validation/dates';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { AlertSeverity, AlertState, AlertType } from '../alert-type';

export class AlertPeriodQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00+08:00',
    description: 'Alerts last seen at or after this instant',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00+08:00', description: 'Alerts first seen before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

export class ListAlertsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: AlertType, enumName: 'AlertType' })
  @IsOptional()
  @IsEnum(AlertType)
  type?: AlertType;

  @ApiPropertyOptional({ enum: AlertSeverity, enumName: 'AlertSeverity' })
  @IsOptional()
  @IsEnum(AlertSeverity)
  severity?: AlertSeverity;

  @ApiPropertyOptional({ enum: AlertState, enumName: 'AlertState' })
  @IsOptional()
  @IsEnum(AlertState)
  state?: AlertState;

  @ApiPropertyOptional({
    type: Boolean,
    description: 'true: open and acknowledged ones (what the overview counts as not closed)',
  })
  @QueryBoolean()
  @IsOptional()
  @IsBoolean()
  notClosed?: boolean;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({
    example: '411426100',
    description: "Alerts of enterprises in this region's subtree (e.g. a township); unknown code: 400 regionCode",
  })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({
    example: '2026-01-01T00:00:00+08:00',
    description: 'Alerts last seen at or after this instant',
  })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ example: '2026-02-01T00:00:00+08:00', description: 'Alerts first seen before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;
}

/** The menu's badge: open alerts this user has not seen yet. */
export class UnseenAlertsView {
  @ApiProperty({ description: 'Open alerts raised or repeated since the user last opened the alert list' })
  unseen!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null: never opened' })
  seenAt!: Date | null;
}
