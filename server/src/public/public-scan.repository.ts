import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface MachineAuthorisation {
  /** An approved hot-work permit naming this machine is in its window now. */
  permitInForce: boolean;
  /** The machine holds an unexpired, unrevoked grant right now (unlocked for a named welder). */
  unlockedNow: boolean;
}

@Injectable()
export class PublicScanRepository {
  constructor(private readonly ds: DataSource) {}

  async findMachineAuthorisationAt(machineId: string, at: Date): Promise<MachineAuthorisation> {
    const [row] = await this.ds.query(
      `SELECT
         EXISTS (SELECT 1 FROM permit_machines pm JOIN permits p ON p.id = pm.permit_id
                  WHERE pm.machine_id = $1 AND p.status = 'approved' AND p.planned_start <= $2 AND p.planned_end > $2) AS "permitInForce",
         EXISTS (SELECT 1 FROM grants g
                  WHERE g.machine_id = $1 AND g.revoked_at IS NULL AND g.issued_at <= $2 AND g.expires_at > $2) AS "unlockedNow"`,
      [machineId, at],
    );
    return { permitInForce: row.permitInForce === true, unlockedNow: row.unlockedNow === true };
  }

  /** The welder's approved portrait (welder_photos, the welders module's table; read here as the scan's one look at it). */
  async findApprovedWelderPhoto(welderId: string): Promise<{ contentType: string; data: Buffer } | null> {
    const rows: { contentType: string; data: Buffer }[] = await this.ds.query(
      `SELECT content_type AS "contentType", data FROM welder_photos WHERE welder_id = $1 AND status = 'approved'`,
      [welderId],
    );
    return rows[0] ?? null;
  }

  async hasApprovedWelderPhoto(welderId: string): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM welder_photos WHERE welder_id = $1 AND status = 'approved'`,
      [welderId],
    );
    return rows.length > 0;
  }
}
