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
export const ARM_SESSION_STATUSES: readonly ArmSessionStatus[] = [
  'pending',
  'delivered',
  'armed',
  'expired',
  'revoked',
];

export const WORK_PHASES = ['waiting', 'relay_closed', 'arcing', 'ended'] as const;
export type WorkPhase = (typeof WORK_PHASES)[number];

export class LastArcDto {
  @ApiProperty({ format: 'date-time' })
  endedAt!: string;

  @ApiProperty()
  durationMs!: number;

  @ApiProperty({ type: Number, nullable: true, description: 'Mean welding current (A); null when the arc was cut off' })
  currentMeanA!: number | null;

  @ApiProperty({ type: Number, nullable: true, description: 'Highest welding current (A)' })
  currentMaxA!: number | null;
}

/** What the machine did with this session's grant, from the events the device reported. */
export class WorkProgressDto {
  @ApiProperty({
    enum: WORK_PHASES,
    enumName: 'WorkPhase',
    description:
      'waiting: the relay has not closed yet; relay_closed: the machine is powered, no arc; arcing: an arc is burning now; ended: the relay opened again, or the grant was revoked or ran out',
  })
  phase!: WorkPhase;

  @ApiProperty({ description: "The machine's device is connected now" })
  deviceOnline!: boolean;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'The device reported its relay closed',
  })
  relayClosedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The arc burning now started' })
  arcStartedAt!: string | null;

  @ApiProperty({ description: 'Arcs finished under this grant' })
  arcCount!: number;

  @ApiProperty({ description: 'Total arc time of the finished arcs (ms)' })
  arcMs!: number;

  @ApiProperty({ type: LastArcDto, nullable: true })
  lastArc!: LastArcDto | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;
}

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

  @ApiProperty({ type: WorkProgressDto })
  work!: WorkProgressDto;
}

/** One line of the welder's day (今日作业). */
export class WorkSessionDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ enum: ['pending', 'delivered', 'armed', 'expired', 'revoked'], enumName: 'ArmSessionStatus' })
  status!: ArmSessionStatus;

  @ApiProperty({ format: 'uuid' })
  machineId!: string;

  @ApiProperty({ example: '1号车间氩弧焊机' })
  machineName!: string;

  @ApiProperty({ format: 'uuid' })
  permitId!: string;

  @ApiProperty({ example: '1号车间钢梁对接焊' })
  permitWork!: string;

  @ApiProperty({ format: 'date-time', description: 'When the welder asked for the start' })
  requestedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  relayClosedAt!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  endedAt!: string | null;

  @ApiProperty()
  arcCount!: number;

  @ApiProperty({ description: 'Total arc time (ms)' })
  arcMs!: number;

  @ApiProperty({ enum: ReasonCode, enumName: 'ReasonCode', nullable: true })
  revokeReason!: ReasonCode | null;
}
