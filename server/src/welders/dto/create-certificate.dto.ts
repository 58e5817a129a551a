import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { CertificateSubOperation } from '../certificate.entity';
import { IsCalendarDate } from './calendar-date.validator';

/** A certificate entered by hand; expiry and review dates are computed from the rules, never typed in. */
export class CreateCertificateDto {
  @ApiProperty({ enum: CertificateSubOperation, enumName: 'CertificateSubOperation' })
  @IsEnum(CertificateSubOperation)
  subOperation!: CertificateSubOperation;

  @ApiProperty({ example: '2022-03-01' })
  @IsCalendarDate()
  issuedOn!: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '2025-02-20',
    description: 'Date of the last 复审, if any',
  })
  @IsOptional()
  @IsCalendarDate()
  lastReviewedOn?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: '商丘市应急管理局', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  issuingAuthority?: string | null;
}
