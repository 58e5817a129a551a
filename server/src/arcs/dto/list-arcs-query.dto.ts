import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { IsCursor } from '../../common/http/keyset-cursor';
import { PaginationQueryDto } from '../../common/http/pagination';
import { ARC_CURSOR } from '../arc-cursor';
import { IsInstant } from '../../common/validation/dates';

export class ListArcsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  machineId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  welderId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  permitId?: string;

  @ApiPropertyOptional({ description: 'Arcs started at or after this instant' })
  @IsOptional()
  @IsInstant()
  from?: string;

  @ApiPropertyOptional({ description: 'Arcs started before this instant' })
  @IsOptional()
  @IsInstant()
  to?: string;

  @ApiPropertyOptional({
    description:
      "The previous answer's nextCursor: the arcs after that page (in place of page, which it overrides; deep pages stay as fast as the first)",
  })
  @IsOptional()
  @IsCursor(ARC_CURSOR)
  cursor?: string;
}
