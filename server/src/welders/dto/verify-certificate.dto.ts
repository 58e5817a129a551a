import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { PaginationQueryDto } from '../../common/http/pagination';
import { CertificateVerification } from '../certificate.entity';

export const VERIFICATION_DECISIONS = [CertificateVerification.Verified, CertificateVerification.Rejected] as const;
export type VerificationDecision = (typeof VERIFICATION_DECISIONS)[number];

/** A regulator's verdict on a certificate record, after checking it against the certificate itself or the issuer. */
export class VerifyCertificateDto {
  @ApiProperty({ enum: VERIFICATION_DECISIONS })
  @IsIn(VERIFICATION_DECISIONS)
  decision!: VerificationDecision;

  @ApiPropertyOptional({
    example: '与操作证原件核对不符：发证日期错误',
    maxLength: 500,
    description: 'Required for a rejection: the enterprise sees it',
  })
  @ValidateIf((o: VerifyCertificateDto) => o.decision === CertificateVerification.Rejected || o.reason !== undefined)
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason?: string;
}

export const QUEUE_STATES = [
  CertificateVerification.Unverified,
  CertificateVerification.Rejected,
  CertificateVerification.Verified,
] as const;

export class VerificationQueueQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: QUEUE_STATES, default: CertificateVerification.Unverified })
  @IsOptional()
  @IsIn(QUEUE_STATES)
  verification: CertificateVerification = CertificateVerification.Unverified;
}
