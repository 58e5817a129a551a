import { ApiProperty } from '@nestjs/swagger';
import { Blackout, BlackoutEffect, BlackoutKind } from './blackout.entity';
import { BlackoutStatus } from './dto/blackout.dto';

export class BlackoutView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '411426100' }) regionCode!: string;
  @ApiProperty({ example: '/411426/411426100/' }) regionPath!: string;
  @ApiProperty({ enum: BlackoutKind, enumName: 'BlackoutKind' }) kind!: BlackoutKind;
  @ApiProperty({
    enum: BlackoutEffect,
    enumName: 'BlackoutEffect',
    description: 'ban: no arcs and no approval of overlapping permits; raise_level: overlapping permits one level up',
  })
  effect!: BlackoutEffect;
  @ApiProperty({ description: 'Inclusive' }) startsAt!: Date;
  @ApiProperty({ description: 'Exclusive' }) endsAt!: Date;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: BlackoutStatus, enumName: 'BlackoutStatus', description: 'At the time of the request' })
  status!: BlackoutStatus;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) createdBy!: string | null;
  @ApiProperty() createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: Date | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) cancelledBy!: string | null;
  @ApiProperty({ type: String, nullable: true }) cancelReason!: string | null;
}

export function blackoutStatusAt(b: Pick<Blackout, 'startsAt' | 'endsAt' | 'cancelledAt'>, at: Date): BlackoutStatus {
  if (b.cancelledAt) return BlackoutStatus.Cancelled;
  if (at < b.startsAt) return BlackoutStatus.Scheduled;
  return at < b.endsAt ? BlackoutStatus.Active : BlackoutStatus.Ended;
}

export function toBlackoutView(b: Blackout, now: Date): BlackoutView {
  return {
    id: b.id,
    regionCode: b.regionCode,
    regionPath: b.regionPath,
    kind: b.kind,
    effect: b.effect,
    startsAt: b.startsAt,
    endsAt: b.endsAt,
    reason: b.reason,
    status: blackoutStatusAt(b, now),
    createdBy: b.createdBy,
    createdAt: b.createdAt,
    cancelledAt: b.cancelledAt,
    cancelledBy: b.cancelledBy,
    cancelReason: b.cancelReason,
  };
}
