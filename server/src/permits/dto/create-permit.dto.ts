import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEnum,
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PermitLevel } from '../permit-levels';
import { IsInstant } from '../../common/validation/date-time.validators';

export class LatLngDto {
  @ApiProperty({ example: 34.1721, minimum: -90, maximum: 90 })
  @IsNumber()
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ example: 116.0012, minimum: -180, maximum: 180 })
  @IsNumber()
  @Min(-180)
  @Max(180)
  lng!: number;
}

export class GeofenceDto {
  @ApiProperty({ enum: ['circle', 'polygon'] })
  @IsIn(['circle', 'polygon'])
  type!: 'circle' | 'polygon';

  @ApiPropertyOptional({ type: LatLngDto, description: 'circle: centre' })
  @ValidateIf((o: GeofenceDto) => o.type === 'circle')
  @IsDefined()
  @ValidateNested()
  @Type(() => LatLngDto)
  center?: LatLngDto;

  @ApiPropertyOptional({ example: 50, minimum: 5, maximum: 2000, description: 'circle: radius in metres' })
  @ValidateIf((o: GeofenceDto) => o.type === 'circle')
  @IsNumber()
  @Min(5)
  @Max(2000)
  radiusM?: number;

  @ApiPropertyOptional({ type: [LatLngDto], description: 'polygon: 3 to 100 corners' })
  @ValidateIf((o: GeofenceDto) => o.type === 'polygon')
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LatLngDto)
  points?: LatLngDto[];
}

export class SiteDto {
  @ApiProperty({ example: '会亭镇工业园区纬一路8号 2号车间东侧' })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  address!: string;

  @ApiProperty({ type: LatLngDto, description: 'GPS point of the work site' })
  @IsDefined()
  @ValidateNested()
  @Type(() => LatLngDto)
  point!: LatLngDto;

  @ApiProperty({ type: GeofenceDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => GeofenceDto)
  geofence!: GeofenceDto;
}

/** 监护人: a registered person of the enterprise (not free text), with a phone, other than the welders of the permit. */
export class FireWatcherDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'A person of the enterprise registry (GET /api/welders): active, employed by the enterprise, with a phone; not one of welderIds',
  })
  @IsUUID()
  personId!: string;
}

/** Safety measures; see checklist.ts for which are mandatory at submission. */
export class ChecklistDto {
  @ApiPropertyOptional({ description: '动火点周围 15 m 内可燃物已清除 (mandatory)' })
  @IsOptional()
  @IsBoolean()
  combustiblesCleared15m?: boolean;
  @ApiPropertyOptional({ description: '灭火器材已配备到位 (mandatory)' })
  @IsOptional()
  @IsBoolean()
  extinguishersInPlace?: boolean;
  @ApiPropertyOptional({ description: '下水井、地漏、地沟等已封盖 (mandatory)' })
  @IsOptional()
  @IsBoolean()
  openingsCovered?: boolean;
  @ApiPropertyOptional({ description: '动火设备已隔离、清洗、置换 (mandatory)' })
  @IsOptional()
  @IsBoolean()
  equipmentIsolated?: boolean;
  @ApiPropertyOptional({ description: '劳动防护用品齐全 (mandatory)' }) @IsOptional() @IsBoolean() ppeInPlace?: boolean;
  @ApiPropertyOptional({ description: '防火花飞溅措施' }) @IsOptional() @IsBoolean() sparkShielding?: boolean;
  @ApiPropertyOptional({ description: '露天动火风力低于 5 级' }) @IsOptional() @IsBoolean() windBelowForce5?: boolean;
}

export class CreatePermitDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Defaults to your own enterprise; platform admins must give it' })
  @IsOptional()
  @IsUUID()
  enterpriseId?: string;

  @ApiProperty({
    enum: PermitLevel,
    enumName: 'PermitLevel',
    description: 'Requested level: special 特级, level1 一级, level2 二级',
  })
  @IsEnum(PermitLevel)
  level!: PermitLevel;

  @ApiProperty({ example: '2号车间钢梁焊接' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  workDescription!: string;

  @ApiProperty({ type: SiteDto })
  @IsDefined()
  @ValidateNested()
  @Type(() => SiteDto)
  site!: SiteDto;

  @ApiProperty({ example: '2026-01-06T09:00:00+08:00' })
  @IsInstant()
  plannedStart!: string;

  @ApiProperty({ example: '2026-01-06T17:00:00+08:00' })
  @IsInstant()
  plannedEnd!: string;

  @ApiProperty({ type: [String], format: 'uuid', description: 'Welders who will weld (1–20)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  welderIds!: string[];

  @ApiProperty({ type: [String], format: 'uuid', description: 'Machines to be used (1–20)' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  machineIds!: string[];

  @ApiPropertyOptional({ type: FireWatcherDto, description: '监护人; required to submit' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => FireWatcherDto)
  fireWatcher?: FireWatcherDto;

  @ApiPropertyOptional({ type: ChecklistDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ChecklistDto)
  checklist?: ChecklistDto;
}
