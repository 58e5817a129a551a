import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsNumber, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { LelClass } from '../gas-rules';
import { IsInstant } from './validators';

export class GasAnalysisDto {
  @ApiProperty({ example: '2026-01-06T08:45:00+08:00', description: 'When the sample was taken; not in the future' })
  @IsInstant()
  takenAt!: string;

  @ApiProperty({ example: '甲烷' })
  @IsString() @MinLength(1) @MaxLength(50)
  gas!: string;

  @ApiPropertyOptional({ enum: LelClass, description: 'LEL class of the gas (ge4: LEL ≥ 4 %, lt4: LEL < 4 %); give this or lelPercent' })
  @ValidateIf((o: GasAnalysisDto) => o.lelPercent === undefined || o.lelClass !== undefined) @IsEnum(LelClass)
  lelClass?: LelClass;

  @ApiPropertyOptional({ example: 5, description: 'The gas LEL in % vol; give this or lelClass' })
  @ValidateIf((o: GasAnalysisDto) => o.lelPercent !== undefined) @IsNumber() @Min(0.1) @Max(100)
  lelPercent?: number;

  @ApiProperty({ example: 0.3, description: 'Measured concentration in % vol' })
  @IsNumber({ maxDecimalPlaces: 4 }) @Min(0) @Max(100)
  readingPercentVol!: number;

  @ApiProperty({ example: '李分析' })
  @IsString() @MinLength(1) @MaxLength(50)
  analyst!: string;
}
