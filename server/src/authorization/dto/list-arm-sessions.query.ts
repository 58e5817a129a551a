import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsInstant } from '../../common/validation/dates';

/** The welder's own phone starts in a period (the phone asks for its local day: 今日作业). */
export class ListArmSessionsQueryDto {
  @ApiProperty({ description: 'Sessions requested at or after this instant', example: '2026-12-05T16:00:00Z' })
  @IsInstant()
  from!: string;

  @ApiPropertyOptional({ description: 'Sessions requested before this instant (default: from + 24 h)' })
  @IsOptional()
  @IsInstant()
  to?: string;
}
