import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from './alerts.service';
import { CertificateExpiryScanner } from './certificate-expiry.scanner';

describe('certificate expiry scanner', () => {
  let t: TestApp;
  let scanner: CertificateExpiryScanner;
  let clock: FakeClock;
  const cert: Record<string, { id: string; welderId: string; employerId: string }> = {};

  const alertsFor = (
    certId: string,
  ): Promise<
    {
      id: string;
      type: string;
      dedupe_key: string;
      severity: string;
      enterprise_id: string;
      evidence: Record<string, unknown>;
      state: string;
    }[]
  > =>
    t.ds.query(
      `SELECT id, type, dedupe_key, severity, enterprise_id, evidence, state FROM alerts WHERE evidence->>'certificateId' = $1 ORDER BY created_at, dedupe_key`,
      [certId],
    );

  beforeAll(async () => {
    // Liu's certificate (demo) expires 2026-12-15; this is 91 days before, in China time.
    clock = new FakeClock(new Date('2026-09-15T02:00:00Z'));
    t = await createTestApp({ clock });
    scanner = t.app.get(CertificateExpiryScanner);
    const rows = await t.ds.query(
      `SELECT c.id, c.welder_id, w.employer_id, w.real_name FROM certificates c JOIN welders w ON w.id = c.welder_id`,
    );
    for (const r of rows) cert[r.real_name] = { id: r.id, welderId: r.welder_id, employerId: r.employer_id };
  });
  afterAll(async () => {
    await t.close();
  });

  it('91 days before expiry: nothing for it; an already expired certificate gets CERTIFICATE_EXPIRED once', async () => {
    await scanner.scan();
    expect(await alertsFor(cert['刘洋'].id)).toEqual([]);
    expect(await alertsFor(cert['张伟'].id)).toEqual([]);
    const chen = await alertsFor(cert['陈静'].id);
    expect(chen).toHaveLength(1);
    expect(chen[0]).toMatchObject({
      type: 'CERTIFICATE_EXPIRED',
      severity: 'critical',
      enterprise_id: cert['陈静'].employerId,
      dedupe_key: `cert-expired:${cert['陈静'].id}`,
    });
    expect(chen[0].evidence).toMatchObject({
      certificateId: cert['陈静'].id,
      expiresOn: '2025-11-20',
      daysOverdue: 299,
    });
    await scanner.scan();
    expect(await alertsFor(cert['陈静'].id)).toHaveLength(1);
  });

  it('90 days before: one 90-day alert for the employer; repeat scans and closing do not raise it again', async () => {
    clock.set('2026-09-16T02:00:00Z');
    const r = await scanner.scan();
    expect(r.raised).toBe(1);
    const liu = await alertsFor(cert['刘洋'].id);
    expect(liu).toHaveLength(1);
    expect(liu[0]).toMatchObject({
      type: 'CERTIFICATE_EXPIRING',
      severity: 'info',
      enterprise_id: cert['刘洋'].employerId,
      dedupe_key: `cert-expiring:${cert['刘洋'].id}:90`,
    });
    expect(liu[0].evidence).toEqual({
      certificateId: cert['刘洋'].id,
      welderId: cert['刘洋'].welderId,
      subOperation: 'fusion_welding_and_thermal_cutting',
      expiresOn: '2026-12-15',
      daysLeft: 90,
      threshold: 90,
    });

    expect((await scanner.scan()).raised).toBe(0);
    await t.app.get(AlertsService).close({ userId: null, username: 'system', role: 'system' }, liu[0].id, '已安排复审');
    clock.set('2026-09-20T02:00:00Z');
    await scanner.scan();
    expect(await alertsFor(cert['刘洋'].id)).toHaveLength(1);

    const list = await t.http.get('/api/alerts?type=CERTIFICATE_EXPIRING').set(await t.auth('hengda.admin'));
    expect(list.body.items.map((a: { id: string }) => a.id)).toContain(liu[0].id);
  });

  it('7 days before: a new 7-day alert (critical); the China calendar decides the day', async () => {
    clock.set('2026-12-07T15:59:59Z'); // 23:59:59 on 7 December in China: 8 days left
    await scanner.scan();
    const at8 = await alertsFor(cert['刘洋'].id);
    expect(at8.map((a) => a.dedupe_key)).toEqual([
      `cert-expiring:${cert['刘洋'].id}:90`,
      `cert-expiring:${cert['刘洋'].id}:30`,
    ]);
    clock.set('2026-12-07T16:00:00Z'); // midnight in China: 7 days left
    await scanner.scan();
    const at7 = await alertsFor(cert['刘洋'].id);
    expect(at7).toHaveLength(3);
    expect(at7[2]).toMatchObject({
      type: 'CERTIFICATE_EXPIRING',
      severity: 'critical',
      dedupe_key: `cert-expiring:${cert['刘洋'].id}:7`,
    });
    expect(at7[2].evidence).toMatchObject({ daysLeft: 7, threshold: 7 });
  });

  it('on the expiry day: CERTIFICATE_EXPIRED, once', async () => {
    clock.set('2026-12-14T15:59:59Z');
    await scanner.scan();
    expect((await alertsFor(cert['刘洋'].id)).filter((a) => a.type === 'CERTIFICATE_EXPIRED')).toHaveLength(0);
    clock.set('2026-12-14T16:00:00Z');
    await scanner.scan();
    await scanner.scan();
    const expired = (await alertsFor(cert['刘洋'].id)).filter((a) => a.type === 'CERTIFICATE_EXPIRED');
    expect(expired).toHaveLength(1);
    expect(expired[0].evidence).toMatchObject({ expiresOn: '2026-12-15', daysOverdue: 0 });
  });

  it('skips revoked certificates and ones already replaced by a later valid certificate', async () => {
    const sun = (await t.ds.query(`SELECT id FROM welders WHERE real_name = '孙磊'`))[0].id;
    const insert = (subOperation: string, issuedOn: string, expiresOn: string, status: string, verified = true) =>
      t.ds.query(
        `INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, status, source, verification, verification_source, verified_at)
       VALUES ($1, 'welding_and_thermal_cutting', $2, $3, $4, $4, $5, 'manual', $6, $7, $8) RETURNING id`,
        [
          sun,
          subOperation,
          issuedOn,
          expiresOn,
          status,
          verified ? 'verified' : 'unverified',
          verified ? 'regulator' : null,
          verified ? new Date() : null,
        ],
      );
    const [{ id: old }] = await insert('fusion_welding_and_thermal_cutting', '2020-12-20', '2026-12-20', 'valid');
    const [{ id: renewed }] = await insert('fusion_welding_and_thermal_cutting', '2026-12-01', '2032-12-01', 'valid');
    const [{ id: revoked }] = await insert('pressure_welding', '2020-12-18', '2026-12-18', 'revoked');
    const [{ id: due }] = await insert('brazing', '2020-12-19', '2026-12-19', 'valid');
    // A renewal the enterprise entered but nobody verified does not replace the expiring licence.
    await insert('brazing', '2026-12-02', '2032-12-02', 'valid', false);
    await scanner.scan();
    expect(await alertsFor(old)).toEqual([]);
    expect(await alertsFor(renewed)).toEqual([]);
    expect(await alertsFor(revoked)).toEqual([]);
    expect((await alertsFor(due)).map((a) => a.dedupe_key)).toEqual([`cert-expiring:${due}:7`]);
  });
});
