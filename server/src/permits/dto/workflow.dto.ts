import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsInstant } from '../../common/validation/date-time.validators';

export class ApproveDto {
  @ApiPropertyOptional({ example: '措施落实，同意动火' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  remark?: string;
}

export class ReasonDto {
  @ApiProperty({ example: '监护人未到位' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class ExtendDto {
  @ApiProperty({
    example: '2026-01-06T19:00:00+08:00',
    description: 'New end; never beyond the level maximum counted from the original start',
  })
  @IsInstant()
  newEnd!: string;

  @ApiProperty({ example: '钢梁焊接未完成' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class CloseDto {
  @ApiProperty({ example: '2026-01-06T16:00:00+08:00', description: 'When hot work stopped' })
  @IsInstant()
  workStoppedAt!: string;

  @ApiProperty({
    example: '2026-01-06T16:30:00+08:00',
    description: 'When the fire watch ended: at least 30 min after work stopped',
  })
  @IsInstant()
  fireWatchEndedAt!: string;
}
