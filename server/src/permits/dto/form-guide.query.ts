import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsUUID } from 'class-validator';
import { IsInstant } from '../../common/validation/date-time.validators';
import { PermitLevel } from '../permit-levels';

/** The window the applicant is filling in: what the form should show before anything is submitted. */
export class FormGuideQuery {
  @ApiPropertyOptional({ format: 'uuid', description: "Defaults to the caller's enterprise" })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiProperty({ enum: PermitLevel, enumName: 'PermitLevel', description: 'The level applied for' })
  @IsEnum(PermitLevel)
  level!: PermitLevel;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ format: 'date-time' })
  @IsInstant()
  plannedEnd!: string;
}
