import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { UUID_PATTERN } from './audit-entry.view';

/**
 * Display names for the ids an audit page mentions, in one query. Names only (a person's name with the
 * ID number masked, a machine's name and serial number, a code): nothing the entry's reader could not
 * already open. Ids that are not UUIDs (region codes) are looked up as region codes.
 */
@Injectable()
export class AuditNames {
  constructor(private readonly ds: DataSource) {}

  async resolve(ids: Iterable<string>): Promise<Map<string, string>> {
    const all = [...new Set(ids)];
    const uuids = all.filter((id) => UUID_PATTERN.test(id)).map((id) => id.toLowerCase());
    const codes = all.filter((id) => /^\d{6,12}$/.test(id));
    if (!uuids.length && !codes.length) return new Map();
    const rows: { id: string; name: string }[] = await this.ds.query(
      `SELECT id::text AS id, display_name AS name FROM users WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, name FROM enterprises WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, name || '（' || serial_number || '）' FROM machines WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, real_name || '（' || id_number_masked || '）' FROM welders WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, site_address FROM permits WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, code FROM identity_codes WHERE id = ANY($1::uuid[])
       UNION ALL SELECT c.id::text, w.real_name FROM certificates c JOIN welders w ON w.id = c.welder_id
                 WHERE c.id = ANY($1::uuid[])
       UNION ALL SELECT id::text, tracking_code FROM reports WHERE id = ANY($1::uuid[])
       UNION ALL SELECT id::text, left(description, 40) FROM hazards WHERE id = ANY($1::uuid[])
       UNION ALL SELECT code, name FROM regions WHERE code = ANY($2::text[])`,
      [uuids, codes],
    );
    return new Map(rows.filter((r) => r.name).map((r) => [r.id, r.name]));
  }
}
