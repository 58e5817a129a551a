import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsMobile } from '../../common/validation/identifier.validators';
import { WelderStatus } from '../welder.entity';
import { IsOmittable } from './calendar-date.validator';

export class UpdateWelderDto {
  @ApiPropertyOptional({ example: '张伟', maxLength: 50 })
  @IsOmittable()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  realName?: string;

  @ApiPropertyOptional({
    type: String,
    example: '13900001111',
    nullable: true,
    description: 'null removes the phone number',
  })
  @IsOptional()
  @IsMobile()
  phone?: string | null;

  @ApiPropertyOptional({ enum: WelderStatus, enumName: 'WelderStatus' })
  @IsOmittable()
  @IsEnum(WelderStatus)
  status?: WelderStatus;
}
