import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { HazardCategory, HazardLevel } from '../../hazards/hazard-rules';
import { RewardState } from '../reward.entity';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

export class SetRewardRuleDto {
  @ApiProperty({ enum: HazardCategory, enumName: 'HazardCategory' })
  @IsIn(Object.values(HazardCategory))
  category!: HazardCategory;

  @ApiProperty({ enum: HazardLevel, enumName: 'HazardLevel' })
  @IsIn(Object.values(HazardLevel))
  level!: HazardLevel;

  @ApiProperty({ example: 500, minimum: 1, maximum: 1000000 })
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(1_000_000)
  amountYuan!: number;
}

export class ProposeRewardDto {
  @ApiProperty({ format: 'uuid', description: 'The confirmed (查实) public report' })
  @IsUUID()
  reportId!: string;
}

export class PayRewardDto {
  @ApiProperty({ type: String, format: 'date-time' })
  @IsDateString({ strict: true })
  paidAt!: string;

  @ApiProperty({ example: 'WX20261206-0001', maxLength: 64 })
  @Transform(trimmed)
  @IsString()
  @Matches(/^[\w\-./]{4,64}$/)
  @MaxLength(64)
  paymentReference!: string;
}

export class ListRewardsQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: RewardState, enumName: 'RewardState' })
  @IsOptional()
  @IsIn(Object.values(RewardState))
  state?: RewardState;

  @ApiPropertyOptional({ format: 'uuid', description: 'The reward of this report (at most one)' })
  @IsOptional()
  @IsUUID()
  reportId?: string;
}
