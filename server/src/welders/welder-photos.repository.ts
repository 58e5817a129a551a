import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { Role } from '../common/roles/role';
import { WelderPhoto, WelderPhotoStatus } from './welder-photo.entity';

/** A photo's facts without its bytes, with the names a reviewer needs. */
export interface WelderPhotoRow {
  id: string;
  welderId: string;
  welderName: string;
  employerName: string;
  status: WelderPhotoStatus;
  contentType: string;
  sizeBytes: number;
  uploadedAt: Date;
  reviewedAt: Date | null;
  reviewReason: string | null;
}

const ROW = `SELECT p.id, p.welder_id AS "welderId", w.real_name AS "welderName", e.name AS "employerName", p.status,
    p.content_type AS "contentType", p.size_bytes AS "sizeBytes", p.uploaded_at AS "uploadedAt",
    p.reviewed_at AS "reviewedAt", p.review_reason AS "reviewReason"
  FROM welder_photos p JOIN welders w ON w.id = p.welder_id JOIN enterprises e ON e.id = w.employer_id`;

@Injectable()
export class WelderPhotosRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(em: EntityManager, p: Omit<WelderPhoto, 'id' | 'reviewedBy' | 'reviewedAt' | 'reviewReason'>) {
    return em.save(
      WelderPhoto,
      Object.assign(new WelderPhoto(), p, { reviewedBy: null, reviewedAt: null, reviewReason: null }),
    );
  }

  /** A newer upload replaces the one still waiting for review. */
  async supersedePending(em: EntityManager, welderId: string): Promise<void> {
    await em.query(`UPDATE welder_photos SET status = 'superseded' WHERE welder_id = $1 AND status = 'pending'`, [
      welderId,
    ]);
  }

  async supersedeApproved(em: EntityManager, welderId: string): Promise<void> {
    await em.query(`UPDATE welder_photos SET status = 'superseded' WHERE welder_id = $1 AND status = 'approved'`, [
      welderId,
    ]);
  }

  async decide(
    em: EntityManager,
    id: string,
    status: 'approved' | 'rejected',
    by: string | null,
    at: Date,
    reason: string | null,
  ): Promise<void> {
    await em.query(
      `UPDATE welder_photos SET status = $2, reviewed_by = $3, reviewed_at = $4, review_reason = $5 WHERE id = $1`,
      [id, status, by, at, reason],
    );
  }

  async findById(id: string): Promise<WelderPhotoRow | null> {
    const rows: WelderPhotoRow[] = await this.ds.query(`${ROW} WHERE p.id = $1`, [id]);
    return rows[0] ?? null;
  }

  async findByIdForUpdate(
    em: EntityManager,
    id: string,
  ): Promise<{ id: string; welderId: string; status: WelderPhotoStatus } | null> {
    const rows: { id: string; welderId: string; status: WelderPhotoStatus }[] = await em.query(
      `SELECT id, welder_id AS "welderId", status FROM welder_photos WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** The approved photo and the latest upload of a welder, newest first. */
  findCurrent(welderId: string): Promise<WelderPhotoRow[]> {
    return this.ds.query(`${ROW} WHERE p.welder_id = $1 ORDER BY p.uploaded_at DESC LIMIT 10`, [welderId]);
  }

  async findApprovedImage(welderId: string): Promise<{ contentType: string; data: Buffer } | null> {
    const rows: { contentType: string; data: Buffer }[] = await this.ds.query(
      `SELECT content_type AS "contentType", data FROM welder_photos WHERE welder_id = $1 AND status = 'approved'`,
      [welderId],
    );
    return rows[0] ?? null;
  }

  async findImage(id: string): Promise<{ contentType: string; data: Buffer } | null> {
    const rows: { contentType: string; data: Buffer }[] = await this.ds.query(
      `SELECT content_type AS "contentType", data FROM welder_photos WHERE id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /** Photos in a status within the actor's scope (the welder's employer), oldest upload first. */
  async list(
    actor: Actor,
    status: WelderPhotoStatus,
    page: number,
    pageSize: number,
  ): Promise<{ rows: WelderPhotoRow[]; total: number }> {
    const params: unknown[] = [status];
    let scope = '';
    if (actor.role === Role.Regulator) {
      if (!actor.regionPath) return { rows: [], total: 0 };
      params.push(`${actor.regionPath}%`);
      scope = ` AND e.region_path LIKE $${params.length}`;
    } else if (actor.role === Role.EnterpriseAdmin || actor.role === Role.SafetyManager) {
      params.push(actor.enterpriseId);
      scope = ` AND e.id = $${params.length}`;
    } else if (actor.role !== Role.PlatformAdmin) return { rows: [], total: 0 };
    const where = `WHERE p.status = $1${scope}`;
    const [{ count }] = await this.ds.query(
      `SELECT count(*)::int AS count FROM welder_photos p JOIN welders w ON w.id = p.welder_id JOIN enterprises e ON e.id = w.employer_id ${where}`,
      params,
    );
    const rows: WelderPhotoRow[] = await this.ds.query(
      `${ROW} ${where} ORDER BY p.uploaded_at, p.id LIMIT ${Number(pageSize)} OFFSET ${(Number(page) - 1) * Number(pageSize)}`,
      params,
    );
    return { rows, total: count as number };
  }
}
