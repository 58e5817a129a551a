import { ApiProperty } from '@nestjs/swagger';
import { IdentityCode } from '../codes/identity-code.entity';
import { Machine, MachineKind, MachineStatus } from './machine.entity';

export class MachineCodeView {
  @ApiProperty() code!: string;
  /** What the QR label encodes: the public verification page. */
  @ApiProperty() url!: string;
  @ApiProperty({ type: String, format: 'date-time' }) issuedAt!: Date;
}

export class MachineView {
  @ApiProperty() id!: string;
  @ApiProperty() enterpriseId!: string;
  @ApiProperty() enterpriseName!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: MachineKind, enumName: 'MachineKind' }) kind!: MachineKind;
  @ApiProperty() manufacturer!: string;
  @ApiProperty() model!: string;
  @ApiProperty() serialNumber!: string;
  @ApiProperty({ type: Number, nullable: true }) ratedInputKva!: number | null;
  @ApiProperty({ type: Number, nullable: true }) ratedCurrentA!: number | null;
  @ApiProperty({ enum: MachineStatus, enumName: 'MachineStatus' }) status!: MachineStatus;
  @ApiProperty({ type: String, nullable: true }) statusReason!: string | null;
  @ApiProperty() suspendedByRegulator!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt!: Date | null;
  @ApiProperty({ type: String, nullable: true }) chipId!: string | null;
  /** The active QR code, or null once revoked (retired machine). */
  @ApiProperty({ type: () => MachineCodeView, nullable: true }) code!: MachineCodeView | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export function toMachineView(
  m: Machine,
  enterpriseName: string,
  code: IdentityCode | null,
  urlFor: (code: string) => string,
): MachineView {
  return {
    id: m.id,
    enterpriseId: m.enterpriseId,
    enterpriseName,
    name: m.name,
    kind: m.kind,
    manufacturer: m.manufacturer,
    model: m.model,
    serialNumber: m.serialNumber,
    ratedInputKva: m.ratedInputKva,
    ratedCurrentA: m.ratedCurrentA,
    status: m.status,
    statusReason: m.statusReason,
    suspendedByRegulator: m.suspendedByRegulator,
    retiredAt: m.retiredAt,
    chipId: m.chipId,
    code: code ? { code: code.code, url: urlFor(code.code), issuedAt: code.issuedAt } : null,
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
  };
}

/** The audited form: the machine's record, without timestamps that the audit entry itself carries. */
export function machineAuditSnapshot(v: MachineView): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, enterpriseName: _n, code, ...rest } = v;
  return { ...rest, code: code?.code ?? null };
}
