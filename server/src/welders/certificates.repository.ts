import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, In, Repository } from 'typeorm';
import { CertificatePhoto } from './certificate-photo.entity';
import {
  Certificate,
  CertificateCategory,
  CertificateSubOperation,
  CertificateVerification,
} from './certificate.entity';
import { Welder, WelderStatus } from './welder.entity';

/** What ImportedCertificateRegistry needs from storage; a fake implements it in unit tests. */
export interface CertificateRecords {
  findWelderStatus(welderId: string): Promise<WelderStatus | null>;
  findWeldingCertificates(welderId: string, subOperation?: CertificateSubOperation): Promise<Certificate[]>;
}

export interface VerificationQueueRow {
  certificate: Certificate;
  welderName: string;
  idNumberMasked: string;
  employerId: string;
  employerName: string;
}

@Injectable()
export class CertificatesRepository implements CertificateRecords {
  constructor(@InjectRepository(Certificate) private readonly repo: Repository<Certificate>) {}

  findById(id: string): Promise<Certificate | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByIdForUpdate(em: EntityManager, id: string): Promise<Certificate | null> {
    return em.findOne(Certificate, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The natural key of a certificate: holder, sub-operation and issue date. */
  findByNaturalKey(
    em: EntityManager,
    welderId: string,
    subOperation: CertificateSubOperation,
    issuedOn: string,
  ): Promise<Certificate | null> {
    return em.findOne(Certificate, { where: { welderId, subOperation, issuedOn } });
  }

  findOfWelder(welderId: string): Promise<Certificate[]> {
    return this.repo.find({ where: { welderId }, order: { issuedOn: 'DESC' } });
  }

  async findOfWelders(welderIds: string[]): Promise<Map<string, Certificate[]>> {
    const out = new Map<string, Certificate[]>();
    if (!welderIds.length) return out;
    for (const c of await this.repo.find({ where: { welderId: In(welderIds) } }))
      out.set(c.welderId, [...(out.get(c.welderId) ?? []), c]);
    return out;
  }

  async findWelderStatus(welderId: string): Promise<WelderStatus | null> {
    const w = await this.repo.manager.findOne(Welder, { where: { id: welderId }, select: { id: true, status: true } });
    return w?.status ?? null;
  }

  findWeldingCertificates(welderId: string, subOperation?: CertificateSubOperation): Promise<Certificate[]> {
    return this.repo.find({
      where: {
        welderId,
        category: CertificateCategory.WeldingAndThermalCutting,
        ...(subOperation ? { subOperation } : {}),
      },
    });
  }

  /**
   * Certificates in one verification state whose holder's employer lies in `regionPath` (its subtree),
   * oldest entry first, with what the regulator needs to check them. A null region sees nothing.
   */
  async findVerificationQueue(
    regionPath: string | null,
    verification: CertificateVerification,
    page: { page: number; pageSize: number },
  ): Promise<{ rows: VerificationQueueRow[]; total: number }> {
    if (!regionPath) return { rows: [], total: 0 };
    const where = `FROM certificates c JOIN welders w ON w.id = c.welder_id JOIN enterprises e ON e.id = w.employer_id
      WHERE c.verification = $1 AND e.region_path LIKE $2`;
    const params = [verification, `${regionPath.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`];
    const [{ total }] = await this.repo.query(`SELECT count(*)::int AS total ${where}`, params);
    const found: {
      id: string;
      welderName: string;
      idNumberMasked: string;
      employerId: string;
      employerName: string;
    }[] = await this.repo.query(
      `SELECT c.id, w.real_name AS "welderName", w.id_number_masked AS "idNumberMasked", e.id AS "employerId", e.name AS "employerName"
       ${where} ORDER BY c.created_at, c.id LIMIT $3 OFFSET $4`,
      [...params, page.pageSize, (page.page - 1) * page.pageSize],
    );
    const certs = new Map(
      (found.length ? await this.repo.find({ where: { id: In(found.map((f) => f.id)) } }) : []).map((c) => [c.id, c]),
    );
    const rows = found.flatMap((f) => {
      const certificate = certs.get(f.id);
      return certificate
        ? [
            {
              certificate,
              welderName: f.welderName,
              idNumberMasked: f.idNumberMasked,
              employerId: f.employerId,
              employerName: f.employerName,
            },
          ]
        : [];
    });
    return { rows, total };
  }

  /** Which of these certificates have a photo. */
  async withPhoto(certificateIds: string[]): Promise<Set<string>> {
    if (!certificateIds.length) return new Set();
    const rows = await this.repo.manager.find(CertificatePhoto, {
      where: { certificateId: In(certificateIds) },
      select: { certificateId: true },
    });
    return new Set(rows.map((r) => r.certificateId));
  }

  /** Stores the certificate's photo, replacing an earlier one. */
  async savePhoto(em: EntityManager, photo: CertificatePhoto): Promise<void> {
    await em.upsert(CertificatePhoto, photo, ['certificateId']);
  }

  findPhotoWithData(certificateId: string): Promise<CertificatePhoto | null> {
    return this.repo.manager
      .createQueryBuilder(CertificatePhoto, 'p')
      .addSelect('p.data')
      .where('p.certificate_id = :certificateId', { certificateId })
      .getOne();
  }

  save(em: EntityManager, c: Certificate): Promise<Certificate> {
    return em.save(Certificate, c);
  }

  insert(em: EntityManager, data: Partial<Certificate>): Promise<Certificate> {
    return em.save(Certificate, em.create(Certificate, data));
  }
}
