import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { IsIdNumber } from '../../common/validation/identifier.validators';
import { WelderStatus } from '../welder.entity';

export const CERTIFICATE_STATE_FILTERS = [
  'valid',
  'expiring_90d',
  'expired',
  'review_overdue',
  'unverified',
  'none',
] as const;
export type CertificateStateFilter = (typeof CERTIFICATE_STATE_FILTERS)[number];

export class ListWeldersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ description: 'Name contains (case-insensitive)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  q?: string;

  @ApiPropertyOptional({ description: 'Exact ID number (matched through its blind index, never stored in clear)' })
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value))
  @IsIdNumber()
  idNumber?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  employerId?: string;

  @ApiPropertyOptional({ enum: WelderStatus, enumName: 'WelderStatus' })
  @IsOptional()
  @IsEnum(WelderStatus)
  status?: WelderStatus;

  @ApiPropertyOptional({
    enum: CERTIFICATE_STATE_FILTERS,
    description:
      'valid: holds a certificate valid today; expiring_90d: valid today but every valid one expires within 90 days; expired / review_overdue: none valid and one expired / overdue for review; unverified: none valid and one in term awaiting (or refused) regulator verification; none: no certificate',
  })
  @IsOptional()
  @IsIn(CERTIFICATE_STATE_FILTERS)
  certificateState?: CertificateStateFilter;
}
