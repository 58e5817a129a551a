import { IdentityCode } from '../codes/identity-code.entity';
import { Machine, MachineKind, MachineStatus } from './machine.entity';

export interface MachineCodeView {
  code: string;
  /** What the QR label encodes: the public verification page. */
  url: string;
  issuedAt: Date;
}

export interface MachineView {
  id: string;
  enterpriseId: string;
  enterpriseName: string;
  name: string;
  kind: MachineKind;
  manufacturer: string;
  model: string;
  serialNumber: string;
  ratedInputKva: number | null;
  ratedCurrentA: number | null;
  status: MachineStatus;
  statusReason: string | null;
  suspendedByRegulator: boolean;
  retiredAt: Date | null;
  chipId: string | null;
  /** The active QR code, or null once revoked (retired machine). */
  code: MachineCodeView | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toMachineView(m: Machine, enterpriseName: string, code: IdentityCode | null, urlFor: (code: string) => string): MachineView {
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
