import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsRegionCode } from '../../common/validation/identifier.validators';
import { EnterpriseStatus } from '../enterprise.entity';
import { TrimOrAbsent } from '../../common/validation/field-helpers';

export class ListEnterprisesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({
    example: '411426100',
    description: 'Only enterprises in this region and below (within your own scope)',
  })
  @IsOptional()
  @IsRegionCode()
  regionCode?: string;

  @ApiPropertyOptional({ enum: EnterpriseStatus, enumName: 'EnterpriseStatus' })
  @IsOptional()
  @IsEnum(EnterpriseStatus)
  status?: EnterpriseStatus;

  @ApiPropertyOptional({ example: '金属制品业', description: 'Exact industry' })
  @TrimOrAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  industry?: string;

  @ApiPropertyOptional({ example: '恒达', description: 'Name contains' })
  @TrimOrAbsent()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}
