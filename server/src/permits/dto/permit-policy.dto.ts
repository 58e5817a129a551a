import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsInt,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { ApprovalChainsDto } from './permit-settings.dto';
import { IsChinaDate } from '../../common/validation/date-time.validators';

export class RegionCodeParam {
  @ApiProperty({ example: '411426' })
  @IsRegionCode()
  code!: string;
}

export class RegionalMinimumDto {
  @ApiProperty({
    type: ApprovalChainsDto,
    description:
      'Minimum positions, in order, per level; must keep every step of the minimum above (platform or a wider region)',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ApprovalChainsDto)
  chains!: ApprovalChainsDto;
}

export class HolidayDayDto {
  @ApiProperty({ example: '2027-01-01' })
  @IsChinaDate()
  date!: string;

  @ApiProperty({ example: '元旦' })
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @Matches(/\S/)
  name!: string;
}

export class HolidayYearDto {
  @ApiProperty({ description: 'True once the 国务院办公厅 notice for the year is published and entered' })
  @IsBoolean()
  published!: boolean;

  @ApiProperty({ example: '国务院办公厅关于2027年部分节假日安排的通知' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  @Matches(/\S/)
  source!: string;

  @ApiProperty({ type: [HolidayDayDto], description: 'The days off (not the make-up working days)' })
  @IsArray()
  @ArrayMaxSize(60)
  @ArrayUnique((d: HolidayDayDto) => d?.date)
  @ValidateNested({ each: true })
  @Type(() => HolidayDayDto)
  days!: HolidayDayDto[];
}

export class HolidayYearParam {
  @ApiProperty({ example: 2027 })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;
}
