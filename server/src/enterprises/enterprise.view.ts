import { FieldCipher } from '../common/crypto/field-cipher';
import { maskPhone } from '../common/validation/identifiers';
import { Enterprise, EnterpriseStatus } from './enterprise.entity';

/** What the API shows of an enterprise: phones only ever masked. */
export interface EnterpriseView {
  id: string;
  name: string;
  uscc: string;
  industry: string;
  regionCode: string;
  regionPath: string;
  address: string;
  latitude: number | null;
  longitude: number | null;
  principalName: string;
  principalPhoneMasked: string;
  controllerName: string | null;
  controllerPhoneMasked: string | null;
  status: EnterpriseStatus;
  statusReason: string | null;
  /** Machines not retired. */
  machineCount: number;
  /** Active welders employed by the enterprise. */
  welderCount: number;
  createdAt: Date;
  updatedAt: Date;
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
