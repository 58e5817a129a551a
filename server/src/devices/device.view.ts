import type { Position } from '@arcgate/protocol';
import { ApiProperty } from '@nestjs/swagger';
import { Chip } from './chip.entity';
import { RecentDeviceEvent } from './chips.repository';

/** What GET /api/machines/:id/device shows: the binding and the device's presence. */
export class DeviceStatusView {
  @ApiProperty() machineId!: string;
  @ApiProperty({ nullable: true, type: String }) chipId!: string | null;
  @ApiProperty({ nullable: true, type: String }) publicKey!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) boundAt!: Date | null;
  @ApiProperty() online!: boolean;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastSeenAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastStatusAt!: Date | null;
  @ApiProperty({ nullable: true, type: String, description: 'Last known state (kept while offline)' }) state!:
    string | null;
  @ApiProperty({
    type: [String],
    description: 'Health faults of the last online status (journal_unwritable, board_lost, relay_fault)',
  })
  faults!: string[];
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'Offline since, when it went offline armed or arcing',
  })
  offlineArmedSince!: Date | null;
  @ApiProperty({
    nullable: true,
    type: String,
    format: 'date-time',
    description: 'When an on-site check was asked for',
  })
  onsiteCheckAt!: Date | null;
  @ApiProperty({ nullable: true, type: String }) firmware!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) lastPosition!: Position | null;
  @ApiProperty({ nullable: true, type: String, format: 'date-time' }) lastPositionAt!: Date | null;
  @ApiProperty({ description: 'Every event with seq ≤ this is stored' }) lastSeq!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Latest events, newest first',
  })
  recentEvents!: RecentDeviceEvent[];
}

export function toDeviceStatusView(
  machineId: string,
  chip: Chip | null,
  recentEvents: RecentDeviceEvent[],
): DeviceStatusView {
  return {
    machineId,
    chipId: chip?.chipId ?? null,
    publicKey: chip?.publicKey ?? null,
    boundAt: chip?.boundAt ?? null,
    online: chip?.online ?? false,
    lastSeenAt: chip?.lastSeenAt ?? null,
    lastStatusAt: chip?.lastStatusAt ?? null,
    state: chip?.state ?? null,
    faults: chip?.faults ?? [],
    offlineArmedSince: chip?.offlineArmedSince ?? null,
    onsiteCheckAt: chip?.onsiteCheckAt ?? null,
    firmware: chip?.firmware ?? null,
    lastPosition: chip?.lastPosition ?? null,
    lastPositionAt: chip?.lastPositionAt ?? null,
    lastSeq: chip?.lastSeq ?? 0,
    recentEvents,
  };
}

export class ServerKeyView {
  @ApiProperty({ example: 'Ed25519' }) algorithm!: 'Ed25519';
  @ApiProperty({ description: 'Raw 32-byte public key, base64url: devices verify every server message with it' })
  publicKey!: string;
}

/** GET /api/machines/:id/chip/certificate: the chip's mutual-TLS certificate and the CA chain to trust. */
export class ChipCertificateView {
  @ApiProperty() chipId!: string;
  @ApiProperty({ description: 'Serial number, lower-case hex' }) serial!: string;
  @ApiProperty({ type: String, format: 'date-time' }) notBefore!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) notAfter!: Date;
  @ApiProperty({ description: "PEM X.509 certificate for the chip's own Ed25519 key, CN = chip id" })
  certificatePem!: string;
  @ApiProperty({ description: 'PEM certificate of the device CA (the broker presents a certificate it issued)' })
  caPem!: string;
}

export class DeviceCaView {
  @ApiProperty({ description: 'PEM certificate of the device CA' }) certificatePem!: string;
}
