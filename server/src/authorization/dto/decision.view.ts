import { ReasonCode, reasonMessage } from '@arcgate/protocol';
import { ApiProperty } from '@nestjs/swagger';
import { DecisionRecord } from '../decision.entity';
import { GrantRecord } from '../grant.entity';
import { LocalizedTextDto } from './arm-session.view';

export class DecisionViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: ['device', 'phone'] }) source!: string;
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ enum: ReasonCode, enumName: 'ReasonCode' }) reason!: ReasonCode;
  @ApiProperty({ type: LocalizedTextDto }) message!: LocalizedTextDto;
  @ApiProperty({ type: String, nullable: true }) chipId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) machineId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enterpriseId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) welderId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '张伟' }) welderName!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) permitId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) grantId!: string | null;
  @ApiProperty({ description: 'arm.request id (device) or phone session id (phone)' }) requestId!: string;
  @ApiProperty({
    nullable: true,
    description: 'Position given with the request (WGS-84)',
    type: 'object',
    additionalProperties: true,
  })
  position!: Record<string, unknown> | null;
  @ApiProperty({ description: 'Server time spent deciding, ms' }) latencyMs!: number;
}

export class GrantViewDto {
  @ApiProperty({ format: 'uuid' }) grantId!: string;
  @ApiProperty({
    enum: ['pending', 'active', 'expired', 'revoked'],
    description: 'pending: a phone grant the device has not asked for yet',
  })
  status!: string;
  @ApiProperty({ enum: ['device', 'phone'] }) source!: string;
  @ApiProperty() chipId!: string;
  @ApiProperty({ format: 'uuid' }) machineId!: string;
  @ApiProperty({ format: 'uuid' }) enterpriseId!: string;
  @ApiProperty({ format: 'uuid' }) welderId!: string;
  @ApiProperty({ type: String, nullable: true, example: '张伟' }) welderName!: string | null;
  @ApiProperty({ format: 'uuid' }) permitId!: string;
  @ApiProperty({ format: 'uuid' }) decisionId!: string;
  @ApiProperty({ format: 'date-time' }) issuedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deliveredAt!: string | null;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ enum: ReasonCode, enumName: 'ReasonCode', nullable: true }) revokeReason!: ReasonCode | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export function toDecisionView(d: DecisionRecord, welderName: string | null = null): DecisionViewDto {
  return {
    id: d.id,
    at: d.at.toISOString(),
    source: d.source,
    allowed: d.allowed,
    reason: d.reason,
    message: reasonMessage(d.reason),
    chipId: d.chipId,
    machineId: d.machineId,
    enterpriseId: d.enterpriseId,
    welderId: d.welderId,
    welderName,
    permitId: d.permitId,
    grantId: d.grantId,
    requestId: d.requestId,
    position: d.position as Record<string, unknown> | null,
    latencyMs: d.latencyMs,
  };
}

export function toGrantView(g: GrantRecord, now: Date, welderName: string | null = null): GrantViewDto {
  const status = g.revokedAt ? 'revoked' : g.expiresAt <= now ? 'expired' : g.requestId === null ? 'pending' : 'active';
  return {
    grantId: g.grantId,
    status,
    source: g.source,
    chipId: g.chipId,
    machineId: g.machineId,
    enterpriseId: g.enterpriseId,
    welderId: g.welderId,
    welderName,
    permitId: g.permitId,
    decisionId: g.decisionId,
    issuedAt: g.issuedAt.toISOString(),
    deliveredAt: iso(g.deliveredAt),
    expiresAt: g.expiresAt.toISOString(),
    revokedAt: iso(g.revokedAt),
    revokeReason: g.revokeReason,
  };
}
