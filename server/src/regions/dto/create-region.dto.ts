import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { RegionLevel } from '../region.entity';

export class CreateRegionDto {
  @ApiProperty({
    example: '411426100',
    description: 'GB/T 2260 code: 6 digits for a county, 9 for a township, 12 for a village',
  })
  @IsRegionCode()
  code!: string;

  @ApiProperty({ example: '会亭镇' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: RegionLevel, enumName: 'RegionLevel' })
  @IsEnum(RegionLevel)
  level!: RegionLevel;

  @ApiPropertyOptional({ example: '411426', description: 'Parent region; omitted only for a root' })
  @IsOptional()
  @IsRegionCode()
  parentCode?: string;
}
