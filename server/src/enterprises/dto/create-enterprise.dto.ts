import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { IsMobile, IsRegionCode, IsUscc } from '../../common/validation/identifier.validators';
import { Trim, TrimUpper } from '../../common/validation/field-helpers';

export class CreateEnterpriseDto {
  @ApiProperty({ example: '夏邑县恒达钢结构有限公司' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({
    example: '91411426MA44HD001X',
    description: '统一社会信用代码, 18 characters with a valid check character',
  })
  @TrimUpper()
  @IsUscc()
  uscc!: string;

  @ApiProperty({ example: '金属制品业' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  industry!: string;

  @ApiProperty({ example: '411426100', description: 'Region (GB/T 2260) where the enterprise is located' })
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ example: '会亭镇工业园区纬一路8号' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(300)
  address!: string;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 34.1721,
    minimum: -90,
    maximum: 90,
    description: 'Give together with longitude',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(-90)
  @Max(90)
  latitude?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    example: 116.0012,
    minimum: -180,
    maximum: 180,
    description: 'Give together with latitude',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 6 })
  @Min(-180)
  @Max(180)
  longitude?: number | null;

  @ApiProperty({ example: '王建国', description: '主要负责人' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  principalName!: string;

  @ApiProperty({ example: '13837001001', description: 'Stored encrypted, returned masked' })
  @IsMobile()
  principalPhone!: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '王建国', description: '实际控制人' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  controllerName?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '13837001009',
    description: 'Stored encrypted, returned masked',
  })
  @IsOptional()
  @IsMobile()
  controllerPhone?: string | null;
}
