import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsBoolean, IsNumber, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { LatLngDto } from './create-permit.dto';
import { IsInstant } from '../../common/validation/date-time.validators';

export class PositionDto extends LatLngDto {
  @ApiPropertyOptional({ example: 12, description: 'Reported accuracy in metres' })
  @IsOptional()
  @IsNumber()
  @Min(0)
  @Max(100000)
  accuracyM?: number;
}

export class EvaluateDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  welderId!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  machineId!: string;

  @ApiPropertyOptional({ description: 'Instant to evaluate; defaults to now' })
  @IsOptional()
  @IsInstant()
  at?: string;

  @ApiPropertyOptional({ type: PositionDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => PositionDto)
  position?: PositionDto;

  @ApiPropertyOptional({
    description: 'Site sensor reports continuous gas monitoring within limits (required for special level)',
  })
  @IsOptional()
  @IsBoolean()
  continuousGasOk?: boolean;
}
