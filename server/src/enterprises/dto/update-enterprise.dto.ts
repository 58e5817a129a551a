import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsMobile, IsRegionCode, IsUscc } from '../../common/validation/identifier.validators';
import { OmittableNotNull, Trim, TrimUpper } from '../../common/validation/field-helpers';

/** Profile changes. regionCode and uscc are identity fields: only a platform admin may change them. */
export class UpdateEnterpriseDto {
  @ApiPropertyOptional({ example: '夏邑县恒达钢结构有限公司' })
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ description: 'Platform admin only' })
  @OmittableNotNull()
  @TrimUpper()
  @IsUscc()
  uscc?: string;

  @ApiPropertyOptional({ example: '金属制品业' })
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional({ description: 'Platform admin only' })
  @OmittableNotNull()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({
    type: Number,
    minimum: -90,
    maximum: 90,
    nullable: true,
    description: 'null clears the location (with longitude)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @ApiPropertyOptional({ type: Number, minimum: -180, maximum: 180, nullable: true })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(-180)
  @Max(180)
  longitude?: number | null;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  principalName?: string;

  @ApiPropertyOptional()
  @OmittableNotNull()
  @IsMobile()
  principalPhone?: string;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  controllerName?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null clears it' })
  @IsOptional()
  @IsMobile()
  controllerPhone?: string | null;
}
