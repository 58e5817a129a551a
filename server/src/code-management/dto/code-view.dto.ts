import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CodeStatus, CodeSubjectType } from '../../codes/identity-code.entity';

export class CodeViewDto {
  @ApiProperty({ example: 'M0ZK3X7Q9T2BC8N4HJ6V5RA1' })
  code!: string;

  @ApiProperty({
    description: 'What the QR image encodes',
    example: 'https://arcgate.example/q/M0ZK3X7Q9T2BC8N4HJ6V5RA1',
  })
  url!: string;

  @ApiProperty({ enum: CodeStatus })
  status!: CodeStatus;

  @ApiProperty({ type: String, format: 'date-time' })
  issuedAt!: Date;

  @ApiProperty({ enum: CodeSubjectType })
  subjectType!: CodeSubjectType;

  @ApiProperty({ format: 'uuid' })
  subjectId!: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'Set once revoked' })
  revokedAt?: Date | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Set once revoked' })
  revokedReason?: string | null;
}
