import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsEnum, IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsMobile, IsRegionCode } from '../../common/validation/identifier.validators';
import { ReportStatus } from '../report.entity';

/** Forms post empty inputs as "": treat them as absent. Text is trimmed. */
const blankToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

/** Multipart (fields + up to three `photos`) or JSON without photos. */
export class SubmitReportDto {
  @ApiProperty({ example: '夜间在厂房外有人用无码焊机焊接钢架，旁边堆放纸箱', minLength: 5, maxLength: 2000 })
  @Transform(blankToUndefined)
  @IsString()
  @MinLength(5)
  @MaxLength(2000)
  description!: string;

  @ApiPropertyOptional({
    example: 'M0ZK3X7Q9T2BC8N4HJ6V5R',
    description: 'The machine code that was scanned, or a /q/<code> address',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(200)
  machineCode?: string;

  @ApiPropertyOptional({
    example: '411426100',
    description: 'Where it happens, when there is no machine code to place it',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({
    example: 34.1721,
    minimum: -90,
    maximum: 90,
    description: 'Give together with longitude (WGS-84, from the phone)',
  })
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

  @ApiPropertyOptional({
    example: '会亭镇工业园区纬一路东侧',
    maxLength: 300,
    description: 'Typed location when the phone gives none',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsString()
  @MaxLength(300)
  address?: string;

  @ApiPropertyOptional({
    example: '13800138000',
    description: 'Optional, for the reward (查实即奖); stored encrypted, only ever shown masked, never to enterprises',
  })
  @IsOptional()
  @Transform(blankToUndefined)
  @IsMobile()
  contact?: string;
}

export class TransitionReportDto {
  @ApiProperty({
    enum: ReportStatus,
    enumName: 'ReportStatus',
    description: 'received → verifying → verified | rejected → closed; received → rejected',
  })
  @IsEnum(ReportStatus)
  to!: ReportStatus;

  @ApiPropertyOptional({
    example: '现场核查属实，已责令停止作业',
    maxLength: 1000,
    description: 'Required for verified, rejected and closed (审核把关销号)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  @Matches(/\S/, { message: 'note must not be blank' })
  note?: string;
}

export class ListReportsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ReportStatus, enumName: 'ReportStatus' })
  @IsOptional()
  @IsEnum(ReportStatus)
  status?: ReportStatus;
}
