import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsOptional, IsUUID } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';

export class ListArcsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID()
  machineId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  welderId?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID()
  permitId?: string;

  @ApiPropertyOptional({ description: 'Arcs started at or after this instant' }) @IsOptional() @IsDateString()
  from?: string;

  @ApiPropertyOptional({ description: 'Arcs started before this instant' }) @IsOptional() @IsDateString()
  to?: string;
}
