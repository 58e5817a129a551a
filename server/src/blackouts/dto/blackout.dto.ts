import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsInstant } from '../../common/validation/dates';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { BlackoutEffect, BlackoutKind } from '../blackout.entity';

export enum BlackoutStatus {
  Scheduled = 'scheduled',
  Active = 'active',
  Ended = 'ended',
  Cancelled = 'cancelled',
}

export class CreateBlackoutDto {
  @ApiProperty({
    example: '411426100',
    description: 'Region the blackout is declared for; it applies to the whole subtree',
  })
  @IsRegionCode()
  regionCode!: string;

  @ApiProperty({ enum: BlackoutKind, enumName: 'BlackoutKind' })
  @IsEnum(BlackoutKind)
  kind!: BlackoutKind;

  @ApiPropertyOptional({
    enum: BlackoutEffect,
    enumName: 'BlackoutEffect',
    default: BlackoutEffect.Ban,
    description:
      'ban (禁火, the default): no arcs, no approval of permits overlapping it; raise_level (升级管理): permits overlapping it are one level up, which enterprises cannot switch off',
  })
  @IsOptional()
  @IsEnum(BlackoutEffect)
  effect?: BlackoutEffect;

  @ApiProperty({ example: '2026-02-10T00:00:00+08:00', description: 'Inclusive' })
  @IsInstant()
  startsAt!: string;

  @ApiProperty({ example: '2026-02-18T00:00:00+08:00', description: 'Exclusive' })
  @IsInstant()
  endsAt!: string;

  @ApiProperty({ example: '春节期间全域禁止动火作业', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

export class CancelBlackoutDto {
  @ApiProperty({ example: '大风预警解除', minLength: 1, maxLength: 500 })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  @Matches(/\S/, { message: 'reason must not be blank' })
  reason!: string;
}

export class BlackoutIdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ListBlackoutsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: BlackoutStatus, enumName: 'BlackoutStatus', description: 'Relative to now' })
  @IsOptional()
  @IsEnum(BlackoutStatus)
  status?: BlackoutStatus;
}
