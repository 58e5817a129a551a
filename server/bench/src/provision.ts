import { ChipKeyPair, generateChipKeyPair } from '@arcgate/protocol';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { CodeSigner } from '../../dist/codes/code-signer';
import { CodeSubjectType } from '../../dist/codes/identity-code.entity';
import { FieldCipher } from '../../dist/common/crypto/field-cipher';
import { idNumberCheckChar, maskIdNumber, maskPhone } from '../../dist/common/validation/identifiers';
import { CertificateCategory, CertificateSubOperation } from '../../dist/welders/certificate.entity';
import { initialCertificateDates } from '../../dist/welders/certificate-rules';
import { BenchSecrets } from './environment';

/** 恒达 (steel, 会亭镇) site, as in the permit fixtures; every bench permit fences it. */
export const SITE = { lat: 34.1721, lng: 116.0012 };
const STEEL = '夏邑县恒达钢结构有限公司';
const APPLICANT = 'hengda.admin';

export interface BenchDevice {
  key: ChipKeyPair;
  machineId: string;
  welderId: string;
  welderCode: string;
  permitId: string;
}

const chinaDay = (d: Date) => new Date(d.getTime() + 8 * 3_600_000).toISOString().slice(0, 10);

/** Waits until the server's demo seed (enterprise and applicant) is committed. */
async function demoAnchors(db: Client): Promise<{ enterpriseId: string; userId: string }> {
  for (let i = 0; i < 240; i++) {
    const e = await db.query<{ id: string }>('SELECT id FROM enterprises WHERE name = $1', [STEEL]);
    const u = await db.query<{ id: string }>('SELECT id FROM users WHERE username = $1', [APPLICANT]);
    if (e.rows[0] && u.rows[0]) return { enterpriseId: e.rows[0].id, userId: u.rows[0].id };
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('demo data was not seeded within 60 s');
}

/**
 * N active machines of 恒达, each with its own chip key bound (as ChipsService.bind writes it), N
 * active welders with a valid certificate and an active signed welder code, and per pair an
 * approved 二级 permit running now, fenced around the site, with a passing gas analysis 2 min ago.
 * Bulk SQL (one statement per table) rather than N API calls: provisioning is not what is measured.
 */
export async function provision(
  databaseUrl: string,
  n: number,
  secrets: BenchSecrets,
  now = new Date(),
  /** The enterprise and applicant to provision under; default the demo seed's 恒达 and its admin. */
  anchors?: { enterpriseId: string; userId: string; username: string; runTag: number },
): Promise<BenchDevice[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { enterpriseId, userId } = anchors ?? (await demoAnchors(db));
    const applicant = anchors?.username ?? APPLICANT;
    // Distinct serials and identity numbers per run, so that the same database can be provisioned again.
    const tag = anchors?.runTag ?? 0;
    const cipher = new FieldCipher(secrets.dataEncryptionKey);
    const signer = new CodeSigner(secrets.codeSigningKey);
    const devices: BenchDevice[] = [];
    for (let i = 0; i < n; i++) {
      devices.push({
        key: generateChipKeyPair(),
        machineId: randomUUID(),
        welderId: randomUUID(),
        welderCode: signer.generate(CodeSubjectType.Welder),
        permitId: randomUUID(),
      });
    }
    const col = <T>(f: (d: BenchDevice, i: number) => T) => devices.map(f);
    const birth = (i: number) =>
      new Date(Date.UTC(1975, 0, 1) + (i + tag * n) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
    const idNumbers = col((_, i) => {
      const body = `411426${birth(i)}${String(100 + (i % 900)).padStart(3, '0')}`;
      return body + idNumberCheckChar(body);
    });
    const phones = col((_, i) => `139${String(10_000_000 + i + tag * n).slice(-8)}`);
    const issuedOn = chinaDay(new Date(now.getTime() - 365 * 86_400_000));
    const cert = initialCertificateDates(issuedOn);
    const start = new Date(now.getTime() - 10 * 60_000);
    const end = new Date(now.getTime() + 3 * 3_600_000);
    const gasAt = new Date(now.getTime() - 2 * 60_000);
    const geofence = JSON.stringify({ type: 'circle', center: SITE, radiusM: 50 });

    await db.query('BEGIN');
    await db.query(
      `INSERT INTO machines (id, enterprise_id, name, kind, manufacturer, model, serial_number, status, chip_id)
       SELECT id, $2, name, 'electric_arc', 'ArcGate Bench', 'BENCH-400', serial, 'active', chip FROM unnest($1::uuid[], $3::varchar[], $4::varchar[], $5::varchar[]) AS t(id, name, serial, chip)`,
      [
        col((d) => d.machineId),
        enterpriseId,
        col((_, i) => `基准焊机${i + 1}`),
        col((_, i) => `BENCH-${tag ? `${tag}-` : ''}${String(i + 1).padStart(6, '0')}`),
        col((d) => d.key.chip),
      ],
    );
    await db.query(
      `INSERT INTO chips (chip_id, public_key, machine_id, bound_at, bound_by) SELECT chip, pk, mid, $4, $5 FROM unnest($1::varchar[], $2::varchar[], $3::uuid[]) AS t(chip, pk, mid)`,
      [col((d) => d.key.chip), col((d) => d.key.publicKeyRaw), col((d) => d.machineId), now, userId],
    );
    await db.query(
      `INSERT INTO welders (id, real_name, id_number_enc, id_number_index, id_number_masked, phone_enc, phone_masked, employer_id)
       SELECT *, $8::uuid FROM unnest($1::uuid[], $2::varchar[], $3::text[], $4::char(64)[], $5::varchar[], $6::text[], $7::varchar[])`,
      [
        col((d) => d.welderId),
        col((_, i) => `基准焊工${i + 1}`),
        idNumbers.map((v) => cipher.encrypt(v)),
        idNumbers.map((v) => cipher.blindIndex(v)),
        idNumbers.map(maskIdNumber),
        phones.map((v) => cipher.encrypt(v)),
        phones.map(maskPhone),
        enterpriseId,
      ],
    );
    await db.query(
      // Benchmark welders hold licences already confirmed by the issuer (only verified certificates count).
      `INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, issuing_authority, status, source, verification, verification_source, verified_at)
       SELECT w, $2, $3, $4, $5, $6, '商丘市应急管理局', 'valid', 'import', 'verified', 'seed', now() FROM unnest($1::uuid[]) AS w`,
      [
        col((d) => d.welderId),
        CertificateCategory.WeldingAndThermalCutting,
        CertificateSubOperation.FusionWeldingAndThermalCutting,
        issuedOn,
        cert.expiresOn,
        cert.reviewDueOn,
      ],
    );
    await db.query(
      `INSERT INTO identity_codes (code, subject_type, subject_id, status, issued_at) SELECT c, 'welder', s, 'active', $3 FROM unnest($1::varchar[], $2::uuid[]) AS t(c, s)`,
      [col((d) => d.welderCode), col((d) => d.welderId), now],
    );
    await db.query(
      `INSERT INTO permits (id, enterprise_id, status, requested_level, effective_level, work_description, site_address, site_latitude, site_longitude, geofence,
         planned_start, planned_end, fire_watcher_name, checklist, applicant_user_id, applicant_username, submitted_at, approved_at, permit_no)
       SELECT p, $2, 'approved', 'level2', 'level2', '基准测试: 钢梁焊接', '会亭镇工业园区纬一路8号', $3, $4, $5::jsonb, $6, $7, '王监护', '{}'::jsonb, $8, $9, $10, $10,
              'B-' || left(replace(p::text, '-', ''), 24)
       FROM unnest($1::uuid[]) AS p`,
      [col((d) => d.permitId), enterpriseId, SITE.lat, SITE.lng, geofence, start, end, userId, applicant, start],
    );
    await db.query(`INSERT INTO permit_welders (permit_id, welder_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
      col((d) => d.permitId),
      col((d) => d.welderId),
    ]);
    await db.query(`INSERT INTO permit_machines (permit_id, machine_id) SELECT * FROM unnest($1::uuid[], $2::uuid[])`, [
      col((d) => d.permitId),
      col((d) => d.machineId),
    ]);
    await db.query(
      `INSERT INTO permit_gas_analyses (permit_id, taken_at, gas, lel_class, lel_percent, reading_percent_vol, passed, analyst, recorded_by, recorded_at)
       SELECT p, $2, '甲烷', 'ge4', 5, 0.2, true, '李分析', $3, $2 FROM unnest($1::uuid[]) AS p`,
      [col((d) => d.permitId), gasAt, userId],
    );
    await db.query('COMMIT');
    await db.query('ANALYZE');
    return devices;
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
}
