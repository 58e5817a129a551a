import { ApiProperty } from '@nestjs/swagger';
import { IsEnum, IsString, MaxLength, MinLength } from 'class-validator';
import { CertificateStatus } from '../certificate.entity';

export class ChangeCertificateStatusDto {
  @ApiProperty({ enum: CertificateStatus, enumName: 'CertificateStatus' })
  @IsEnum(CertificateStatus)
  status!: CertificateStatus;

  @ApiProperty({ example: '违规动火作业，暂扣操作证', maxLength: 500 })
  @IsString()
  @MinLength(2)
  @MaxLength(500)
  reason!: string;
}
