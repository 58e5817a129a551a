import { ApiProperty } from '@nestjs/swagger';
import { FieldCipher } from '../common/crypto/field-cipher';
import { maskPhone } from '../common/validation/identifiers';
import { Enterprise, EnterpriseStatus } from './enterprise.entity';

/** What the API shows of an enterprise: phones only ever masked. */
export class EnterpriseView {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() uscc!: string;
  @ApiProperty() industry!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty() regionPath!: string;
  @ApiProperty() address!: string;
  @ApiProperty({ type: Number, nullable: true }) latitude!: number | null;
  @ApiProperty({ type: Number, nullable: true }) longitude!: number | null;
  @ApiProperty() principalName!: string;
  @ApiProperty() principalPhoneMasked!: string;
  @ApiProperty({ type: String, nullable: true }) controllerName!: string | null;
  @ApiProperty({ type: String, nullable: true }) controllerPhoneMasked!: string | null;
  @ApiProperty({ enum: EnterpriseStatus, enumName: 'EnterpriseStatus' }) status!: EnterpriseStatus;
  @ApiProperty({ type: String, nullable: true }) statusReason!: string | null;
  /** Machines not retired. */
  @ApiProperty() machineCount!: number;
  /** Active welders employed by the enterprise. */
  @ApiProperty() welderCount!: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: Date;
}

export interface AssetCounts {
  machineCount: number;
  welderCount: number;
}

export function toEnterpriseView(e: Enterprise, cipher: FieldCipher, counts: AssetCounts): EnterpriseView {
  return {
    id: e.id,
    name: e.name,
    uscc: e.uscc,
    industry: e.industry,
    regionCode: e.regionCode,
    regionPath: e.regionPath,
    address: e.address,
    latitude: e.latitude,
    longitude: e.longitude,
    principalName: e.principalName,
    principalPhoneMasked: maskPhone(cipher.decrypt(e.principalPhoneEnc)),
    controllerName: e.controllerName,
    controllerPhoneMasked: e.controllerPhoneEnc ? maskPhone(cipher.decrypt(e.controllerPhoneEnc)) : null,
    status: e.status,
    statusReason: e.statusReason,
    machineCount: counts.machineCount,
    welderCount: counts.welderCount,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

/** The audited form: profile and status, phones masked, no counts (they are not part of the record). */
export function enterpriseAuditSnapshot(v: EnterpriseView): Record<string, unknown> {
  const { machineCount: _m, welderCount: _w, createdAt: _c, updatedAt: _u, ...rest } = v;
  return rest;
}
