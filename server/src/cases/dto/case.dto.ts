import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  Matches,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { CaseDecisionKind, CaseState } from '../case.entity';

const trimmed = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim()) : value;

/** 一案双罚: the responsible person penalised besides the enterprise. */
export class SecondPartyDto {
  @ApiProperty({ example: '王建国', maxLength: 50 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  name!: string;

  @ApiProperty({ example: '主要负责人', maxLength: 60 })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(60)
  role!: string;
}

export class OpenCaseDto {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The hazard the case is opened from (or give inspectionPlanId and inspectionPosition)',
  })
  @IsOptional()
  @IsUUID()
  hazardId?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The inspection plan whose drawn enterprise the case is against',
  })
  @IsOptional()
  @IsUUID()
  inspectionPlanId?: string;

  @ApiPropertyOptional({ description: "The target's place in the plan's draw (1…200)", minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  inspectionPosition?: number;

  @ApiProperty({ example: '《中华人民共和国安全生产法》第一百零一条', maxLength: 500 })
  @Transform(trimmed)
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  legalBasis!: string;

  @ApiProperty({ example: '未办理动火作业票擅自焊接', maxLength: 2000 })
  @Transform(trimmed)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  facts!: string;

  @ApiPropertyOptional({ description: '警告' })
  @IsOptional()
  @IsBoolean()
  warning?: boolean;

  @ApiPropertyOptional({ description: '罚款 in yuan', example: 20000, minimum: 1, maximum: 100000000 })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(1)
  @Max(100_000_000)
  fineYuan?: number;

  @ApiPropertyOptional({ description: '停产整顿' })
  @IsOptional()
  @IsBoolean()
  productionHalt?: boolean;

  @ApiPropertyOptional({ type: [String], description: "The enterprise's machines to suspend (暂停使用)" })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsUUID('all', { each: true })
  suspendMachineIds?: string[];

  @ApiPropertyOptional({ type: SecondPartyDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => SecondPartyDto)
  secondParty?: SecondPartyDto;
}

export class CloseCaseDto {
  @ApiProperty({ example: '罚款已缴纳，整改完成，结案', maxLength: 2000 })
  @Transform(trimmed)
  @IsString()
  @MinLength(2)
  @MaxLength(2000)
  note!: string;

  @ApiProperty({ description: 'Reactivate the machines this case suspended (解除暂停)' })
  @IsBoolean()
  liftSuspension!: boolean;
}

export class ListCasesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CaseState, enumName: 'CaseState' })
  @IsOptional()
  @IsIn(Object.values(CaseState))
  state?: CaseState;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  hazardId?: string;

  @ApiPropertyOptional({ example: '411426100', description: 'Cases of enterprises in this region (and below)' })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({
    enum: CaseDecisionKind,
    enumName: 'CaseDecisionKind',
    description: 'Cases whose decision includes it',
  })
  @IsOptional()
  @IsIn(Object.values(CaseDecisionKind))
  decision?: CaseDecisionKind;

  @ApiPropertyOptional({ example: '2026-06', description: 'Opened in this month (China time), YYYY-MM' })
  @IsOptional()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/)
  month?: string;
}

export class EnforcementStatisticsQueryDto {
  @ApiProperty({ example: '2026-01', description: 'First month (China time), YYYY-MM' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/)
  from!: string;

  @ApiProperty({ example: '2026-06', description: 'Last month, YYYY-MM; at most 24 months after from' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/)
  to!: string;
}
