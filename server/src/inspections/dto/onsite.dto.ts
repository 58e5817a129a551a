import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsEnum,
  IsNumber,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { HazardCategory, HazardLevel } from '../../hazards/hazard-rules';

/** Forms post empty inputs as "": treat them as absent. Text is trimmed. */
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;
/** Text fields the inspector may clear: "" stays "" (cleared), trimmed. */
const trimmed = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' || value === true ? true : value === 'false' || value === false ? false : value;

/** Where the inspector stood (WGS-84 from the phone); optional, both or neither. */
export class OnSiteWhereDto {
  @ApiPropertyOptional({ example: 34.1721, minimum: -90, maximum: 90 })
  @IsOptional()
  @Transform(blankToUndefined)
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  latitude?: number;

  @ApiPropertyOptional({ example: 116.0012, minimum: -180, maximum: 180 })
  @IsOptional()
  @Transform(blankToUndefined)
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  longitude?: number;
}

/** 现场查 / 现场讲: the record's text, either or both; "" clears. */
export class UpdateOnSiteRecordDto {
  @ApiPropertyOptional({ maxLength: 4000, example: '2号车间一台焊机未赋码，动火点未配灭火器' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(4000)
  findings?: string;

  @ApiPropertyOptional({ maxLength: 4000, example: '讲解了《焊接作业安全管理规定》和扫码开机要求' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(4000)
  explained?: string;
}

/** A machine code or welder badge scanned (or typed) on site. */
export class OnSiteScanDto extends OnSiteWhereDto {
  @ApiProperty({ minLength: 1, maxLength: 512, description: 'The QR payload or the code typed in' })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  code!: string;
}

/** A machine found on site with no code (multipart, up to three `photos`). */
export class UnregisteredMachineDto extends OnSiteWhereDto {
  @ApiProperty({ minLength: 2, maxLength: 2000, example: '2号车间西侧一台无铭牌交流焊机，无二维码' })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional({ enum: HazardLevel, enumName: 'HazardLevel', default: HazardLevel.General })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsEnum(HazardLevel)
  level?: HazardLevel;
}

/** 现场交办 of an already registered hazard of this visit: the order with its deadline. */
export class HandOverDto extends OnSiteWhereDto {
  @ApiProperty({ example: '2026-12-20T10:00:00.000Z', description: '整改期限, in the future' })
  @IsDateString({ strict: true })
  deadline!: string;

  @ApiProperty({ minLength: 2, maxLength: 2000, example: '限期7日内为焊机加装控制芯片并赋码' })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;
}

/** 现场交办 of a new finding: registered as a hazard of this visit and ordered at once. */
export class HandOverNewHazardDto extends HandOverDto {
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' })
  @IsEnum(HazardCategory)
  category!: HazardCategory;

  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' })
  @IsEnum(HazardLevel)
  level!: HazardLevel;

  @ApiProperty({ minLength: 2, maxLength: 2000, example: '动火点5米内堆放油漆桶' })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  description!: string;
}

/** 现场签字: who signed (multipart with the PNG `signature` drawn on the phone). */
export class SignOnSiteDto extends OnSiteWhereDto {
  @ApiProperty({ minLength: 2, maxLength: 50, example: '王建国' })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(50)
  signerName!: string;
}

/** 现场验收 of a hazard this visit handed over, after the enterprise reported its rectification. */
export class VerifyOnSiteDto extends OnSiteWhereDto {
  @ApiProperty()
  @Transform(toBoolean)
  @IsBoolean()
  passed!: boolean;

  @ApiProperty({ minLength: 2, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;

  @ApiPropertyOptional({ description: 'When not passed: a new deadline' })
  @IsOptional()
  @IsDateString({ strict: true })
  deadline?: string;
}
