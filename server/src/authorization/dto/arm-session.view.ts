import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ReasonCode } from '@arcgate/protocol';

export class LocalizedTextDto {
  @ApiProperty({ example: '授权通过' })
  'zh-CN'!: string;

  @ApiProperty({ example: 'Authorized' })
  en!: string;
}

export class GrantRefDto {
  @ApiProperty({ format: 'uuid' })
  grantId!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'Never later than the permit end, the certificate cover or 8 h from now',
  })
  expiresAt!: string;
}

export class ArmSessionResultDto {
  @ApiProperty()
  allowed!: boolean;

  @ApiProperty({ enum: ReasonCode, enumName: 'ReasonCode' })
  reason!: ReasonCode;

  @ApiProperty({ type: LocalizedTextDto })
  message!: LocalizedTextDto;

  @ApiPropertyOptional({ format: 'uuid', description: 'Present when allowed: poll GET /api/arm-sessions/{id}' })
  sessionId?: string;

  @ApiPropertyOptional({ type: GrantRefDto })
  grant?: GrantRefDto;

  @ApiProperty({
    description:
      'grant.push was sent to the device now; otherwise it is sent if the device comes online before pushDeadline',
  })
  delivered!: boolean;

  @ApiPropertyOptional({ format: 'date-time' })
  pushDeadline?: string;
}

export type ArmSessionStatus = 'pending' | 'delivered' | 'armed' | 'expired' | 'revoked';

export class ArmSessionViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    enum: ['pending', 'delivered', 'armed', 'expired', 'revoked'],
    description:
      'pending: waiting for the device; delivered: pushed, waiting for the welder to confirm on the device; armed: the device took the grant',
  })
  status!: ArmSessionStatus;

  @ApiProperty()
  delivered!: boolean;

  @ApiProperty({ format: 'uuid' })
  machineId!: string;

  @ApiProperty({ format: 'uuid' })
  permitId!: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  pushDeadline!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  pushedAt!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The device must ask for the grant before this',
  })
  confirmBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  usedAt!: string | null;

  @ApiProperty({ type: GrantRefDto })
  grant!: GrantRefDto;

  @ApiProperty({ enum: ReasonCode, enumName: 'ReasonCode', nullable: true })
  revokeReason!: ReasonCode | null;
}
