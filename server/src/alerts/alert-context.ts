import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/**
 * Who, which machine and where, for an alert: read in the same query as the alert by joining the
 * tables its references point to (one query per page, never one per row). Owned read-only SQL over
 * other modules' tables, like the stats read model: the alert only names them.
 */
export interface AlertContext {
  machineName: string | null;
  /** The machine's active identity code (一机一码), null once revoked. */
  machineCode: string | null;
  welderName: string | null;
  /** ID number masked as stored by the welders module (e.g. 4114**********1234). */
  welderIdMasked: string | null;
  /** The township (乡镇) the enterprise lies in, or the enterprise's own region when it is not under a township. */
  townshipCode: string | null;
  townshipName: string | null;
  /** The permit's site when the alert names a permit, else the enterprise's address. */
  placeAddress: string | null;
  placeLatitude: number | null;
  placeLongitude: number | null;
  placeSource: 'permit' | 'enterprise' | null;
  permitWork: string | null;
  permitStart: Date | null;
  permitEnd: Date | null;
}

export const EMPTY_CONTEXT: AlertContext = {
  machineName: null,
  machineCode: null,
  welderName: null,
  welderIdMasked: null,
  townshipCode: null,
  townshipName: null,
  placeAddress: null,
  placeLatitude: null,
  placeLongitude: null,
  placeSource: null,
  permitWork: null,
  permitStart: null,
  permitEnd: null,
};

/** Adds the context joins and columns to a query over alerts `a` joined to its enterprise `e`. */
export function withContext<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>): SelectQueryBuilder<T> {
  return qb
    .leftJoin('machines', 'cm', 'cm.id = a.machine_id')
    .leftJoin(
      'identity_codes',
      'cc',
      `cc.subject_type = 'machine' AND cc.subject_id = a.machine_id AND cc.status = 'active'`,
    )
    .leftJoin('welders', 'cw', 'cw.id = a.welder_id')
    .leftJoin('permits', 'cp', 'cp.id = a.permit_id')
    .leftJoin('regions', 'cr', 'cr.code = e.region_code')
    .leftJoin('regions', 'ct', `ct.level = 'township' AND e.region_path LIKE ct.path || '%'`)
    .addSelect('cm.name', 'ctx_machine_name')
    .addSelect('cc.code', 'ctx_machine_code')
    .addSelect('cw.real_name', 'ctx_welder_name')
    .addSelect('cw.id_number_masked', 'ctx_welder_id_masked')
    .addSelect('COALESCE(ct.code, cr.code)', 'ctx_township_code')
    .addSelect('COALESCE(ct.name, cr.name)', 'ctx_township_name')
    .addSelect('cp.work_description', 'ctx_permit_work')
    .addSelect('cp.planned_start', 'ctx_permit_start')
    .addSelect('cp.planned_end', 'ctx_permit_end')
    .addSelect('cp.site_address', 'ctx_permit_address')
    .addSelect('cp.site_latitude', 'ctx_permit_lat')
    .addSelect('cp.site_longitude', 'ctx_permit_lon')
    .addSelect('e.address', 'ctx_enterprise_address')
    .addSelect('e.latitude', 'ctx_enterprise_lat')
    .addSelect('e.longitude', 'ctx_enterprise_lon');
}

type Raw = Record<string, unknown>;
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const date = (v: unknown): Date | null => (v === null || v === undefined ? null : new Date(v as string | Date));

/** Reads the context columns of one raw row of a withContext query. */
export function contextOf(raw: Raw): AlertContext {
  const fromPermit = raw.ctx_permit_address !== null && raw.ctx_permit_address !== undefined;
  const fromEnterprise = raw.ctx_enterprise_address !== null && raw.ctx_enterprise_address !== undefined;
  return {
    machineName: str(raw.ctx_machine_name),
    machineCode: str(raw.ctx_machine_code),
    welderName: str(raw.ctx_welder_name),
    welderIdMasked: str(raw.ctx_welder_id_masked),
    townshipCode: str(raw.ctx_township_code),
    townshipName: str(raw.ctx_township_name),
    placeAddress: fromPermit ? str(raw.ctx_permit_address) : str(raw.ctx_enterprise_address),
    placeLatitude: fromPermit ? num(raw.ctx_permit_lat) : num(raw.ctx_enterprise_lat),
    placeLongitude: fromPermit ? num(raw.ctx_permit_lon) : num(raw.ctx_enterprise_lon),
    placeSource: fromPermit ? 'permit' : fromEnterprise ? 'enterprise' : null,
    permitWork: str(raw.ctx_permit_work),
    permitStart: date(raw.ctx_permit_start),
    permitEnd: date(raw.ctx_permit_end),
  };
}
