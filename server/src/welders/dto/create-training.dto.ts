import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsEnum,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Max,
  MaxLength,
  MinLength,
} from 'class-validator';
import { TrainingTier } from '../training-record.entity';
import { IsCalendarDate } from './calendar-date.validator';

export class CreateTrainingDto {
  @ApiProperty({
    enum: TrainingTier,
    enumName: 'TrainingTier',
    description: 'county / township: recorded by regulators; enterprise: by the enterprise',
  })
  @IsEnum(TrainingTier)
  tier!: TrainingTier;

  @ApiProperty({ example: '电气焊作业安全全员培训', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  course!: string;

  @ApiProperty({ example: 8, description: 'Hours, one decimal place at most' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 })
  @IsPositive()
  @Max(9999)
  hours!: number;

  @ApiProperty({ example: '2026-03-15' })
  @IsCalendarDate()
  completedOn!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '夏邑县应急管理局', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  provider?: string | null;

  @ApiProperty()
  @IsBoolean()
  passed!: boolean;
}
