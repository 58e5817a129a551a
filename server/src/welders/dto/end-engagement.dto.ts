import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsCalendarDate } from './calendar-date.validator';
import { IdParamDto } from './id-param.dto';

/** Route parameters `:id/engagements/:engagementId`. */
export class EngagementParamDto extends IdParamDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  engagementId!: string;
}

export class EndEngagementDto {
  @ApiProperty({
    example: '2026-01-20',
    description: 'New last day (inclusive): today at the earliest, earlier than the current end',
  })
  @IsCalendarDate()
  endsOn!: string;

  @ApiPropertyOptional({ maxLength: 500, description: 'Why it ends (kept in the audit trail)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}
