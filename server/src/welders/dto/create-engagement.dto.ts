import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { EngagementKind } from '../welder-engagement.entity';
import { IsCalendarDate } from './calendar-date.validator';

export class CreateEngagementDto {
  @ApiProperty({ format: 'uuid', description: 'The enterprise the welder works for (not the employer)' })
  @IsUUID()
  enterpriseId!: string;

  @ApiProperty({
    enum: EngagementKind,
    enumName: 'EngagementKind',
    description: 'dispatched 劳务派遣, outsourced 外包, contractor 承包',
  })
  @IsEnum(EngagementKind)
  kind!: EngagementKind;

  @ApiProperty({ example: '2026-01-01' })
  @IsCalendarDate()
  startsOn!: string;

  @ApiPropertyOptional({
    type: String,
    example: '2026-12-31',
    nullable: true,
    description: 'Last day (inclusive); open-ended when omitted',
  })
  @IsOptional()
  @IsCalendarDate()
  endsOn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}
