import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { PermitLevel } from '../permit-levels';
import { DISPLAY_STATUSES, PermitDisplayStatus } from '../permit-status';
import { IsInstant } from '../../common/validation/date-time.validators';

export class ListPermitsQuery extends PaginationQueryDto {
  @ApiPropertyOptional({
    enum: DISPLAY_STATUSES,
    description: 'active / expired are derived from the window and the current time',
  })
  @IsOptional()
  @IsIn(DISPLAY_STATUSES)
  status?: PermitDisplayStatus;

  @ApiPropertyOptional({ enum: PermitLevel, enumName: 'PermitLevel', description: 'Effective level' })
  @IsOptional()
  @IsEnum(PermitLevel)
  level?: PermitLevel;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  welderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional({ description: 'Approved permits whose window contains this instant' })
  @IsOptional()
  @IsInstant()
  activeAt?: string;
}
