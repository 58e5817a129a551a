import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsIn, IsNumber, IsString, Max, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { GAS_CATALOGUE } from '../gas-catalogue';
import { LelClass } from '../gas-rules';
import { IsInstant } from '../../common/validation/date-time.validators';

/**
 * One gas analysis. The gas decides the pass mark: name a catalogue gas (`gasCode`, or its name in
 * `gas`) and its LEL sets the class; any other gas typed in is judged at the stricter 0.2 % vol.
 */
export class GasAnalysisDto {
  @ApiProperty({ example: '2026-01-06T08:45:00+08:00', description: 'When the sample was taken; not in the future' })
  @IsInstant()
  takenAt!: string;

  @ApiPropertyOptional({
    enum: GAS_CATALOGUE.map((g) => g.code),
    example: 'methane',
    description: 'A gas of GET /api/gas-catalogue; give this or gas',
  })
  @ValidateIf((o: GasAnalysisDto) => o.gasCode !== undefined || o.gas === undefined)
  @IsIn(GAS_CATALOGUE.map((g) => g.code))
  gasCode?: string;

  @ApiPropertyOptional({
    example: '甲烷',
    description:
      'The gas by name when not picked from the catalogue; a catalogue name or alias counts as that gas, anything else is judged at 0.2 % vol',
  })
  @ValidateIf((o: GasAnalysisDto) => o.gas !== undefined || o.gasCode === undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  gas?: string;

  @ApiPropertyOptional({
    enum: LelClass,
    enumName: 'LelClass',
    deprecated: true,
    description:
      'Not used for the judgement (the gas decides); refused when it contradicts the gas, or claims LEL ≥ 4 % for a gas the catalogue does not know',
  })
  @ValidateIf((o: GasAnalysisDto) => o.lelClass !== undefined)
  @IsEnum(LelClass)
  lelClass?: LelClass;

  @ApiPropertyOptional({
    example: 5,
    deprecated: true,
    description: 'Not used for the judgement; refused under the same rule as lelClass',
  })
  @ValidateIf((o: GasAnalysisDto) => o.lelPercent !== undefined)
  @IsNumber()
  @Min(0.1)
  @Max(100)
  lelPercent?: number;

  @ApiProperty({ example: 0.3, description: 'Measured concentration in % vol' })
  @IsNumber({ maxDecimalPlaces: 4 })
  @Min(0)
  @Max(100)
  readingPercentVol!: number;

  @ApiProperty({ example: '李分析' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  analyst!: string;
}
