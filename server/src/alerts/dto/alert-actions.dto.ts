import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { IsInstant } from '../../common/validation/dates';

export class AlertIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class AcknowledgeAlertDto {
  @ApiPropertyOptional({ example: '已通知车间主任到场核查', maxLength: 1000 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  note?: string;
}

export class CloseAlertDto {
  @ApiProperty({ example: '现场核查：设备已停用并加装芯片，责令整改完毕', minLength: 1, maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  @Matches(/\S/, { message: 'note must not be blank' })
  note!: string;
}

export class MarkAlertsSeenDto {
  @ApiProperty({
    example: '2026-03-02T10:00:00+08:00',
    description:
      'Alerts raised or repeated up to this instant are seen (the list as shown); a later instant counts as now',
  })
  @IsInstant()
  upTo!: string;
}
