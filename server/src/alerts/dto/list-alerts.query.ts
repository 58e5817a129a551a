import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsInstant } from '../../common/validation/dates';
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

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  machineId?: string;

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
