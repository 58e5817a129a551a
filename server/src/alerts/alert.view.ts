import { ApiProperty } from '@nestjs/swagger';
import { Alert } from './alert.entity';
import { ALERT_TYPES, AlertSeverity, AlertState, AlertType } from './alert-type';
import { AlertContext, EMPTY_CONTEXT } from './alert-context';

/** What the API and the live stream show of an alert. */
export class AlertView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: AlertType, enumName: 'AlertType' }) type!: AlertType;
  @ApiProperty({ example: '无授权起弧（疑似绕过或改装设备）' }) title!: string;
  @ApiProperty({ example: 'Arc without a valid grant (bypass or modified machine)' }) titleEn!: string;
  @ApiProperty({ enum: AlertSeverity, enumName: 'AlertSeverity' }) severity!: AlertSeverity;
  @ApiProperty({ enum: AlertState, enumName: 'AlertState' }) state!: AlertState;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) enterpriseId!: string | null;
  @ApiProperty({ type: String, nullable: true }) enterpriseName!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '/411426/411426100/' }) regionPath!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) machineId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) welderId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) permitId!: string | null;
  @ApiProperty({ type: String, nullable: true }) chipId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '2号电焊机' }) machineName!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The machine's active identity code (一机一码)" })
  machineCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '陈静' }) welderName!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '4114**********1234', description: 'Masked ID number' })
  welderIdMasked!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '411426100' }) townshipCode!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '会亭镇', description: "The enterprise's township" })
  townshipName!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The permit's site, else the enterprise's address" })
  placeAddress!: string | null;
  @ApiProperty({ type: Number, nullable: true }) placeLatitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) placeLongitude!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['permit', 'enterprise'],
    description: 'Where the place comes from',
  })
  placeSource!: 'permit' | 'enterprise' | null;
  @ApiProperty({ type: String, nullable: true, description: "The permit's work description" })
  permitWork!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) permitStart!: Date | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) permitEnd!: Date | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Evidence of the first occurrence (personal data masked)',
  })
  evidence!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Evidence of the latest repeat',
  })
  lastEvidence!: Record<string, unknown> | null;
  @ApiProperty({ type: String, nullable: true }) dedupeKey!: string | null;
  @ApiProperty({ description: 'How many times it was raised while not closed' }) count!: number;
  @ApiProperty() firstSeenAt!: Date;
  @ApiProperty() lastSeenAt!: Date;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) acknowledgedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledgedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) acknowledgeNote!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) closedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) closeNote!: string | null;
}

/** The view of an alert; `ctx` from the joined read (alert-context.ts), empty where only the row is at hand. */
export function toAlertView(a: Alert, ctx: AlertContext = EMPTY_CONTEXT): AlertView {
  const info = ALERT_TYPES[a.type];
  return {
    id: a.id,
    type: a.type,
    title: info.titleZh,
    titleEn: info.titleEn,
    severity: a.severity,
    state: a.state,
    enterpriseId: a.enterpriseId,
    enterpriseName: a.enterprise?.name ?? null,
    regionPath: a.regionPath,
    machineId: a.machineId,
    welderId: a.welderId,
    permitId: a.permitId,
    chipId: a.chipId,
    ...ctx,
    evidence: a.evidence,
    lastEvidence: a.lastEvidence,
    dedupeKey: a.dedupeKey,
    count: a.count,
    firstSeenAt: a.firstSeenAt,
    lastSeenAt: a.lastSeenAt,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgeNote: a.acknowledgeNote,
    closedBy: a.closedBy,
    closedAt: a.closedAt,
    closeNote: a.closeNote,
  };
}

/** The fields the audit log keeps of an alert (evidence is already masked). */
export function alertAuditSnapshot(a: Alert): Record<string, unknown> {
  return {
    type: a.type,
    severity: a.severity,
    state: a.state,
    count: a.count,
    dedupeKey: a.dedupeKey,
    machineId: a.machineId,
    welderId: a.welderId,
    permitId: a.permitId,
    chipId: a.chipId,
    lastSeenAt: a.lastSeenAt,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgeNote: a.acknowledgeNote,
    closedBy: a.closedBy,
    closeNote: a.closeNote,
  };
}
