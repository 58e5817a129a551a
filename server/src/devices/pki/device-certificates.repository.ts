import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { DeviceCertificate } from './device-certificate.entity';

@Injectable()
export class DeviceCertificatesRepository {
  constructor(private readonly ds: DataSource) {}

  record(em: EntityManager, cert: Omit<DeviceCertificate, 'revokedAt'>): Promise<DeviceCertificate> {
    return em.save(DeviceCertificate, { ...cert, revokedAt: null });
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

  /** Locks the machine row holding the chip (as bind/unbind/retire do) and says whether one still does. */
  async lockBoundChip(em: EntityManager, chipId: string): Promise<boolean> {
    const rows: unknown[] = await em.query(`SELECT 1 FROM machines WHERE chip_id = $1 FOR UPDATE`, [chipId]);
    return rows.length > 0;
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
