import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { DeviceCertificate } from './device-certificate.entity';
import { returnedRows } from '../../database/returned-rows';

@Injectable()
export class DeviceCertificatesRepository {
  constructor(private readonly ds: DataSource) {}

  record(
    em: EntityManager,
    cert: Pick<DeviceCertificate, 'serial' | 'chipId' | 'notBefore' | 'notAfter' | 'pem' | 'issuedAt'> &
      Partial<Pick<DeviceCertificate, 'renewalRequestId' | 'renewsSerial'>>,
  ): Promise<DeviceCertificate> {
    return em.save(DeviceCertificate, {
      renewalRequestId: null,
      renewsSerial: null,
      ...cert,
      revokedAt: null,
      supersededAt: null,
    });
  }

  findBySerial(em: EntityManager, serial: string): Promise<DeviceCertificate | null> {
    return em.getRepository(DeviceCertificate).findOne({ where: { serial } });
  }

  /** The certificate that already answered this cert.renew of the chip (a retried request), if any. */
  findRenewal(em: EntityManager, chipId: string, requestId: string): Promise<DeviceCertificate | null> {
    return em.getRepository(DeviceCertificate).findOne({ where: { chipId, renewalRequestId: requestId } });
  }

  /** When the chip's latest renewal was issued (the renewal rate limit counts from it; binding does not count). */
  async lastRenewedAt(em: EntityManager, chipId: string): Promise<Date | null> {
    const rows: { at: Date | null }[] = await em.query(
      `SELECT max(issued_at) AS at FROM device_certificates WHERE chip_id = $1 AND renewal_request_id IS NOT NULL`,
      [chipId],
    );
    return rows[0]?.at ?? null;
  }

  /** A renewal replaced it: it stays valid for the grace period, then the sweep revokes it. */
  async markSuperseded(em: EntityManager, serial: string, at: Date): Promise<void> {
    await em.query(`UPDATE device_certificates SET superseded_at = $2 WHERE serial = $1 AND superseded_at IS NULL`, [
      serial,
      at,
    ]);
  }

  /** Revokes the superseded certificates whose grace ended at or before `cutoff`; returns how many. */
  async revokeSupersededBefore(cutoff: Date, now: Date): Promise<number> {
    const rows: unknown[] = await this.ds.query(
      `UPDATE device_certificates SET revoked_at = $2
        WHERE superseded_at IS NOT NULL AND superseded_at <= $1 AND revoked_at IS NULL RETURNING serial`,
      [cutoff, now],
    );
    return returnedRows(rows).length;
  }

  /** Changes whenever the CRL's content would (another replica revoked something): count and latest revocation. */
  async revokedFingerprint(now: Date): Promise<string> {
    const rows: { n: string; at: Date | null }[] = await this.ds.query(
      `SELECT count(*) AS n, max(revoked_at) AS at FROM device_certificates WHERE revoked_at IS NOT NULL AND not_after > $1`,
      [now],
    );
    return `${rows[0]?.n ?? 0}/${rows[0]?.at?.toISOString() ?? ''}`;
  }

  /** The chip's newest certificate still in force (not revoked), if any. */
  findCurrentForChip(chipId: string): Promise<DeviceCertificate | null> {
    return this.ds.getRepository(DeviceCertificate).findOne({
      where: { chipId, revokedAt: IsNull() },
      order: { issuedAt: 'DESC' },
    });
  }

  /** Revoked certificates that have not expired yet: the CRL (expired ones are refused anyway). */
  async findRevokedUnexpired(now: Date): Promise<{ serial: string; revokedAt: Date }[]> {
    const rows: { serial: string; revoked_at: Date }[] = await this.ds.query(
      `SELECT serial, revoked_at FROM device_certificates WHERE revoked_at IS NOT NULL AND not_after > $1 ORDER BY revoked_at, serial`,
      [now],
    );
    return rows.map((r) => ({ serial: r.serial, revokedAt: r.revoked_at }));
  }

  /**
   * Locks the machine row holding the chip against bind/unbind/retire (their FOR UPDATE) and says whether
   * one still does and the chip still has no live certificate: read after the lock, so that of two
   * backfilling replicas the second sees the first's certificate. NO KEY UPDATE, not UPDATE: a grant's
   * insert takes FOR KEY SHARE on its machine (the foreign key), and an arm decision must not wait for a
   * certificate being issued.
   */
  async lockUncertifiedBoundChip(em: EntityManager, chipId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM machines WHERE chip_id = $1 FOR NO KEY UPDATE`, [chipId]);
    if (rows.length === 0) return false;
    // A second statement: the first's snapshot predates the lock it may have waited for.
    const [{ uncertified }]: { uncertified: boolean }[] = await em.query(
      `SELECT NOT EXISTS (SELECT 1 FROM device_certificates WHERE chip_id = $1 AND revoked_at IS NULL) AS uncertified`,
      [chipId],
    );
    return uncertified;
  }

  /**
   * The machine holding the chip, locked against bind/unbind/retire (so a renewal never races an unbind;
   * NO KEY UPDATE as in lockUncertifiedBoundChip), with the chip's bound key and the enterprise's region for the
   * audit entry; null if none.
   */
  async lockBoundMachine(
    em: EntityManager,
    chipId: string,
  ): Promise<{
    machineId: string;
    status: string;
    publicKey: string;
    enterpriseId: string;
    regionPath: string;
  } | null> {
    const rows: {
      machine_id: string;
      status: string;
      public_key: string;
      enterprise_id: string;
      region_path: string;
    }[] = await em.query(
      `SELECT m.id AS machine_id, m.status, c.public_key, m.enterprise_id, e.region_path
           FROM machines m JOIN chips c ON c.chip_id = m.chip_id JOIN enterprises e ON e.id = m.enterprise_id
          WHERE m.chip_id = $1 FOR NO KEY UPDATE OF m`,
      [chipId],
    );
    const r = rows[0];
    return r
      ? {
          machineId: r.machine_id,
          status: r.status,
          publicKey: r.public_key,
          enterpriseId: r.enterprise_id,
          regionPath: r.region_path,
        }
      : null;
  }

  /** The machine's enterprise and region (for auditing a refusal). */
  async regionOfMachine(
    em: EntityManager,
    machineId: string,
  ): Promise<{ enterpriseId: string; regionPath: string } | null> {
    const rows: { enterprise_id: string; region_path: string }[] = await em.query(
      `SELECT m.enterprise_id, e.region_path FROM machines m JOIN enterprises e ON e.id = m.enterprise_id WHERE m.id = $1`,
      [machineId],
    );
    return rows[0] ? { enterpriseId: rows[0].enterprise_id, regionPath: rows[0].region_path } : null;
  }

  /** Bound chips without a certificate in force (bound before the device CA existed, or seeded). */
  async findBoundChipsWithoutCertificate(limit: number): Promise<{ chipId: string; publicKey: string }[]> {
    const rows: { chip_id: string; public_key: string }[] = await this.ds.query(
      `SELECT c.chip_id, c.public_key FROM chips c JOIN machines m ON m.chip_id = c.chip_id
        WHERE NOT EXISTS (SELECT 1 FROM device_certificates d WHERE d.chip_id = c.chip_id AND d.revoked_at IS NULL)
        ORDER BY c.chip_id LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ chipId: r.chip_id, publicKey: r.public_key }));
  }
}
