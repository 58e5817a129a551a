import { randomUUID } from 'node:crypto';
import { Response } from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { chinaDayStart } from '../common/time/china-date';
import { idNumberCheckChar } from '../common/validation/identifiers';
import { DEMO_WELDERS } from '../seed/demo-data';
import { CertificateSubOperation } from './certificate.entity';
import { CERTIFICATE_REGISTRY, CertificateRegistry } from './certificate-registry';

const fieldCodes = (res: Response) =>
  (res.body.error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
const demoId = (key: string) => DEMO_WELDERS.find((w) => w.key === key)!.idNumber;
const row = (key: string, over: Record<string, unknown> = {}) => ({
  idNumber: demoId(key),
  certificateNumber: `T${demoId(key)}`,
  subOperation: 'fusion_welding_and_thermal_cutting',
  issuedOn: '2024-05-10',
  ...over,
});

describe('certificates, training and the certificate registry', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-01-05T08:00:00Z'));
  const bodies: string[] = [];
  const ids: Record<string, string> = {};
  const keep = async (req: PromiseLike<Response>): Promise<Response> => {
    const res = await req;
    bodies.push(res.text);
    return res;
  };
  const count = async (sql: string, params: unknown[] = []) => (await t.ds.query(sql, params))[0].count as number;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const all = await t.http.get('/api/welders?pageSize=50').set(await t.auth('admin'));
    for (const w of all.body.items) ids[DEMO_WELDERS.find((d) => d.realName === w.realName)!.key] = w.id;
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(() => clock.set('2026-01-05T08:00:00Z'));

  describe('manual certificates and review (复审)', () => {
    let fusionId: string;
    let brazingId: string;

    it('computes expiry and review dates and shows the number masked', async () => {
      const res = await keep(
        t.http
          .post(`/api/welders/${ids.sun}/certificates`)
          .set(await t.auth('admin'))
          .send({
            subOperation: 'fusion_welding_and_thermal_cutting',
            issuedOn: '2023-03-06',
            issuingAuthority: '商丘市应急管理局',
          }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        welderId: ids.sun,
        expiresOn: '2029-03-06',
        reviewDueOn: '2026-03-06',
        reviewWindowOpensOn: '2026-01-05',
        lastReviewedOn: null,
        // Entered by someone other than the area's regulator: a claim, not yet a licence.
        status: 'valid',
        source: 'manual',
        verification: 'unverified',
        validity: 'unverified',
        certificateNumberMasked: `T4114**********${demoId('sun').slice(-4)}`,
      });
      fusionId = res.body.id;
      const dup = await keep(
        t.http
          .post(`/api/welders/${ids.sun}/certificates`)
          .set(await t.auth('admin'))
          .send({ subOperation: 'fusion_welding_and_thermal_cutting', issuedOn: '2023-03-06' }),
      );
      expect(dup.status).toBe(409);
      expect(fieldCodes(dup)).toEqual(['issuedOn:duplicate']);
      const brazing = await keep(
        t.http
          .post(`/api/welders/${ids.sun}/certificates`)
          .set(await t.auth('admin'))
          .send({ subOperation: 'brazing', issuedOn: '2022-12-01' }),
      );
      expect(brazing.body).toMatchObject({ reviewDueOn: '2025-12-01', validity: 'review_overdue' });
      brazingId = brazing.body.id;
      const audit = await t.ds.query(
        `SELECT after FROM audit_log WHERE action = 'certificate.create' AND entity_id = $1`,
        [fusionId],
      );
      expect(audit[0].after.certificateNumber).toBe(res.body.certificateNumberMasked);
    });

    it('rejects bad certificate input with field codes', async () => {
      const admin = await t.auth('admin');
      const bad = await keep(
        t.http
          .post(`/api/welders/${ids.sun}/certificates`)
          .set(admin)
          .send({ subOperation: 'gas', issuedOn: '2023-13-01', lastReviewedOn: 20250101, expiresOn: '2030-01-01' }),
      );
      expect(bad.status).toBe(400);
      expect(fieldCodes(bad)).toEqual(
        expect.arrayContaining([
          'subOperation:isEnum',
          'issuedOn:isCalendarDate',
          'lastReviewedOn:isCalendarDate',
          'expiresOn:unknownField',
        ]),
      );
      expect(
        fieldCodes(
          await keep(
            t.http
              .post(`/api/welders/${ids.sun}/certificates`)
              .set(admin)
              .send({ subOperation: 'brazing', issuedOn: '2026-01-06' }),
          ),
        ),
      ).toEqual(['issuedOn:inFuture']);
      expect(
        fieldCodes(
          await keep(
            t.http
              .post(`/api/welders/${ids.sun}/certificates`)
              .set(admin)
              .send({ subOperation: 'brazing', issuedOn: '2024-01-06', lastReviewedOn: '2023-01-01' }),
          ),
        ),
      ).toEqual(['lastReviewedOn:beforeIssue']);
      expect(
        fieldCodes(
          await keep(
            t.http
              .post('/api/welders/xyz/certificates')
              .set(admin)
              .send({ subOperation: 'brazing', issuedOn: '2024-01-06' }),
          ),
        ),
      ).toEqual(['id:isUuid']);
      expect(fieldCodes(await keep(t.http.post('/api/certificates/xyz/review').set(admin)))).toEqual(['id:isUuid']);
    });

    it('refuses a review 61 days before it is due and accepts it 60 days before (China calendar days)', async () => {
      const x = await t.auth('xiayi.regulator');
      clock.set(new Date(chinaDayStart('2026-01-05').getTime() - 1)); // last instant of 2026-01-04 in China: 61 days before
      const early = await keep(t.http.post(`/api/certificates/${fusionId}/review`).set(x));
      expect(early.status).toBe(409);
      expect(early.body.error.code).toBe('INVALID_STATE');
      expect(early.body.error.message).toMatch(/window opens on 2026-01-05/);
      clock.set(chinaDayStart('2026-01-05'));
      const ok = await keep(t.http.post(`/api/certificates/${fusionId}/review`).set(x));
      expect(ok.status).toBe(200);
      // The county regulator recording the review vouches for the record.
      expect(ok.body).toMatchObject({
        lastReviewedOn: '2026-01-05',
        reviewDueOn: '2029-03-06',
        validity: 'valid',
        verification: 'verified',
        verificationSource: 'regulator',
      });
      const again = await keep(t.http.post(`/api/certificates/${fusionId}/review`).set(x));
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/renewed/);
      const audit = await t.ds.query(
        `SELECT before, after FROM audit_log WHERE action = 'certificate.review' AND entity_id = $1`,
        [fusionId],
      );
      expect(audit).toHaveLength(1);
      expect(audit[0].before.reviewDueOn).toBe('2026-03-06');
      expect(audit[0].after.reviewDueOn).toBe('2029-03-06');
    });

    it('refuses a review after the due date: the certificate has lapsed', async () => {
      const res = await keep(t.http.post(`/api/certificates/${brazingId}/review`).set(await t.auth('admin')));
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/was due on 2025-12-01/);
    });

    it('keeps review and status changes inside scope', async () => {
      const zhangCert = (await t.ds.query('SELECT id FROM certificates WHERE welder_id = $1', [ids.zhang]))[0].id;
      const chenCert = (await t.ds.query('SELECT id FROM certificates WHERE welder_id = $1', [ids.chen]))[0].id;
      const hengda = await t.auth('hengda.admin');
      expect((await keep(t.http.post(`/api/certificates/${brazingId}/review`).set(hengda))).status).toBe(404);
      expect(
        (await keep(t.http.post(`/api/certificates/${brazingId}/review`).set(await t.auth('huiting.regulator'))))
          .status,
      ).toBe(404);
      expect(
        (
          await keep(
            t.http
              .post(`/api/certificates/${brazingId}/status`)
              .set(await t.auth('huiting.regulator'))
              .send({ status: 'suspended', reason: '违规作业' }),
          )
        ).status,
      ).toBe(404);
      expect(
        (await keep(t.http.post(`/api/certificates/${brazingId}/review`).set(await t.auth('welder.zhang')))).status,
      ).toBe(403);
      // Reading one certificate follows the same scope, and answers out of scope as not found.
      const one = await keep(t.http.get(`/api/certificates/${brazingId}`).set(await t.auth('admin')));
      expect(one.status).toBe(200);
      expect(one.body).toMatchObject({
        id: brazingId,
        welderId: ids.sun,
        subOperation: 'brazing',
        validity: 'review_overdue',
        certificateNumberMasked: expect.stringMatching(/\*{4}/),
      });
      expect(JSON.stringify(one.body)).not.toContain(demoId('sun'));
      expect((await keep(t.http.get(`/api/certificates/${brazingId}`).set(hengda))).status).toBe(404);
      expect(
        (await keep(t.http.get(`/api/certificates/${brazingId}`).set(await t.auth('huiting.regulator')))).status,
      ).toBe(404);
      expect((await keep(t.http.get(`/api/certificates/${brazingId}`).set(await t.auth('welder.zhang')))).status).toBe(
        404,
      );
      expect((await keep(t.http.get(`/api/certificates/${zhangCert}`).set(await t.auth('welder.zhang')))).body.id).toBe(
        zhangCert,
      );
      expect((await keep(t.http.get(`/api/certificates/${randomUUID()}`).set(await t.auth('admin')))).status).toBe(404);
      expect(fieldCodes(await keep(t.http.get('/api/certificates/xyz').set(await t.auth('admin'))))).toEqual([
        'id:isUuid',
      ]);
      // The host of a dispatched welder sees the certificate but may not review it.
      expect((await keep(t.http.post(`/api/certificates/${chenCert}/review`).set(hengda))).status).toBe(403);
      // The employer may; zhang's certificate has no review left (reviewed in 2025, expires 2028).
      expect((await keep(t.http.post(`/api/certificates/${zhangCert}/review`).set(hengda))).status).toBe(409);
      expect(
        (
          await keep(
            t.http
              .post(`/api/certificates/${zhangCert}/status`)
              .set(hengda)
              .send({ status: 'suspended', reason: '违规作业' }),
          )
        ).status,
      ).toBe(403);
      expect(
        (
          await keep(
            t.http.post('/api/certificates/00000000-0000-4000-8000-000000000000/review').set(await t.auth('admin')),
          )
        ).status,
      ).toBe(404);
    });

    it('lets a regulator of the area suspend, reinstate and revoke; revocation is final', async () => {
      const x = await t.auth('xiayi.regulator');
      const bad = await keep(
        t.http.post(`/api/certificates/${brazingId}/status`).set(x).send({ status: 'expired', extra: true }),
      );
      expect(fieldCodes(bad)).toEqual(
        expect.arrayContaining(['status:isEnum', 'reason:isString', 'extra:unknownField']),
      );
      const s = await keep(
        t.http
          .post(`/api/certificates/${brazingId}/status`)
          .set(x)
          .send({ status: 'suspended', reason: '违规动火作业' }),
      );
      expect(s.status).toBe(200);
      expect(s.body).toMatchObject({ status: 'suspended', validity: 'suspended' });
      expect(
        (
          await keep(
            t.http.post(`/api/certificates/${brazingId}/status`).set(x).send({ status: 'suspended', reason: '再次' }),
          )
        ).status,
      ).toBe(409);
      expect(
        (
          await keep(
            t.http.post(`/api/certificates/${brazingId}/status`).set(x).send({ status: 'valid', reason: '整改完成' }),
          )
        ).body.status,
      ).toBe('valid');
      expect(
        (
          await keep(
            t.http.post(`/api/certificates/${brazingId}/status`).set(x).send({ status: 'revoked', reason: '伪造证件' }),
          )
        ).body.validity,
      ).toBe('revoked');
      const back = await keep(
        t.http
          .post(`/api/certificates/${brazingId}/status`)
          .set(await t.auth('admin'))
          .send({ status: 'valid', reason: '误操作' }),
      );
      expect(back.status).toBe(409);
      expect(fieldCodes(back)).toEqual(['status:invalidTransition']);
      const audit = await t.ds.query(
        `SELECT after FROM audit_log WHERE action = 'certificate.status' AND entity_id = $1 ORDER BY id`,
        [brazingId],
      );
      expect(
        audit.map((a: { after: { status: string; reason: string } }) => `${a.after.status}:${a.after.reason}`),
      ).toEqual(['suspended:违规动火作业', 'valid:整改完成', 'revoked:伪造证件']);
    });
  });

  describe('import', () => {
    const certCount = () => count('SELECT count(*)::int AS count FROM certificates');
    const auditCount = () => count('SELECT count(*)::int AS count FROM audit_log');

    it('rejects the whole batch when any row is bad, listing every problem, and writes nothing', async () => {
      const h = await t.auth('hengda.admin');
      const [certs, audits] = [await certCount(), await auditCount()];
      const unknown = '41142619800101777';
      const unknownId = unknown + idNumberCheckChar(unknown);
      const res = await keep(
        t.http
          .post('/api/certificates/import')
          .set(h)
          .send({
            rows: [
              row('liu', { subOperation: 'brazing' }),
              row('zhang', { certificateNumber: `T${demoId('liu')}` }),
              row('sun'),
              { ...row('zhang'), idNumber: unknownId, certificateNumber: `T${unknownId}` },
              { ...row('zhang'), idNumber: demoId('zhang').slice(0, 17) + (demoId('zhang')[17] === '0' ? '1' : '0') },
              'not a row',
              row('liu', { issuedOn: '2026-02-01', color: 'red' }),
              row('liu', { subOperation: 'brazing' }),
              row('chen', { issuedOn: '2025-13-01' }),
            ],
          }),
      );
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('IMPORT_REJECTED');
      const problems = res.body.error.details.rows.map(
        (r: { row: number; field: string; code: string }) => `${r.row}:${r.field}:${r.code}`,
      );
      expect(problems).toEqual([
        '2:certificateNumber:certificateNumberMismatch',
        '3:idNumber:unknownWelder',
        '4:idNumber:unknownWelder',
        '5:idNumber:isIdNumber',
        '6:row:isObject',
        '7:color:unknownField',
        '8:issuedOn:duplicateInBatch',
        '9:issuedOn:isCalendarDate',
      ]);
      expect([await certCount(), await auditCount()]).toEqual([certs, audits]);

      const one = await keep(
        t.http
          .post('/api/certificates/import')
          .set(h)
          .send({ rows: [row('liu', { subOperation: 'brazing' }), row('zhang', { issuedOn: '2026-01-06' })] }),
      );
      expect(one.status).toBe(422);
      expect(one.body.error.details.rows).toEqual([
        expect.objectContaining({ row: 2, field: 'issuedOn', code: 'inFuture' }),
      ]);
      expect([await certCount(), await auditCount()]).toEqual([certs, audits]);
    });

    it('validates the batch itself', async () => {
      const h = await t.auth('hengda.admin');
      expect(fieldCodes(await keep(t.http.post('/api/certificates/import').set(h).send({ rows: [] })))).toEqual([
        'rows:arrayMinSize',
      ]);
      expect(fieldCodes(await keep(t.http.post('/api/certificates/import').set(h).send({ rows: 'x' })))).toEqual(
        expect.arrayContaining(['rows:isArray']),
      );
      const big = await keep(
        t.http
          .post('/api/certificates/import')
          .set(h)
          .send({ rows: Array.from({ length: 501 }, () => row('zhang')) }),
      );
      expect(big.status).toBe(400);
      expect(fieldCodes(big)).toEqual(['rows:arrayMaxSize']);
      expect(
        (
          await keep(
            t.http
              .post('/api/certificates/import')
              .set(await t.auth('welder.zhang'))
              .send({ rows: [row('zhang')] }),
          )
        ).status,
      ).toBe(403);
    });

    it('creates new certificates and updates existing ones instead of duplicating them', async () => {
      const h = await t.auth('hengda.admin');
      const rows = [
        row('zhang', { issuedOn: '2022-03-01', lastReviewedOn: '2025-02-20', issuingAuthority: '河南省应急管理厅' }),
        row('liu', { subOperation: 'brazing', issuedOn: '2024-05-10' }),
      ];
      const res = await keep(t.http.post('/api/certificates/import').set(h).send({ rows }));
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ created: 1, updated: 1 });
      const zhang = res.body.certificates[0];
      // The later review already on record (2025-03-01) is kept.
      // A changed record (another issuing authority) is a new claim: it waits for verification again.
      expect(zhang).toMatchObject({
        issuingAuthority: '河南省应急管理厅',
        lastReviewedOn: '2025-03-01',
        reviewDueOn: '2028-03-01',
        source: 'import',
        verification: 'unverified',
        validity: 'unverified',
      });
      expect(res.body.certificates[1]).toMatchObject({
        subOperation: 'brazing',
        expiresOn: '2030-05-10',
        reviewDueOn: '2027-05-10',
        verification: 'unverified',
        validity: 'unverified',
      });
      expect(await count('SELECT count(*)::int AS count FROM certificates WHERE welder_id = $1', [ids.zhang])).toBe(1);
      const again = await keep(t.http.post('/api/certificates/import').set(h).send({ rows }));
      expect(again.body).toMatchObject({ created: 0, updated: 2 });
      expect(await count('SELECT count(*)::int AS count FROM certificates WHERE welder_id = $1', [ids.liu])).toBe(2);
      expect(await count(`SELECT count(*)::int AS count FROM audit_log WHERE action LIKE 'certificate.import.%'`)).toBe(
        4,
      );
      // A dispatched welder is visible to the host, but only the employer (or the area's regulator) records its certificates.
      const refused = await keep(
        t.http
          .post('/api/certificates/import')
          .set(h)
          .send({ rows: [row('chen', { issuedOn: '2025-11-10' })] }),
      );
      expect(refused.body.error.details.rows).toEqual([
        expect.objectContaining({ row: 1, field: 'idNumber', code: 'notEmployer' }),
      ]);
      const chen = await keep(
        t.http
          .post('/api/certificates/import')
          .set(await t.auth('xiayi.regulator'))
          .send({ rows: [row('chen', { issuedOn: '2025-11-10' })] }),
      );
      expect(chen.body).toMatchObject({
        created: 1,
        certificates: [{ verification: 'verified', verificationSource: 'regulator', validity: 'valid' }],
      });
      // The regulator of 会亭镇 confirms zhang's changed record against the certificate itself.
      const verified = await keep(
        t.http
          .post(`/api/certificates/${zhang.id}/verification`)
          .set(await t.auth('huiting.regulator'))
          .send({ decision: 'verified' }),
      );
      expect(verified.body).toMatchObject({ verification: 'verified', validity: 'valid' });
    });
  });

  describe('training (分级培训)', () => {
    const training = (over: Record<string, unknown> = {}) => ({
      tier: 'township',
      course: '会亭镇焊工安全培训',
      hours: 4.5,
      completedOn: '2026-01-04',
      provider: '会亭镇安监站',
      passed: true,
      ...over,
    });

    it('lets regulators record county/township training and enterprises their own', async () => {
      const huiting = await t.auth('huiting.regulator');
      const hengda = await t.auth('hengda.admin');
      const ok = await keep(t.http.post(`/api/welders/${ids.zhang}/trainings`).set(huiting).send(training()));
      expect(ok.status).toBe(201);
      expect(ok.body).toMatchObject({ tier: 'township', hours: 4.5, passed: true });
      const wrongTier = await keep(
        t.http
          .post(`/api/welders/${ids.zhang}/trainings`)
          .set(huiting)
          .send(training({ tier: 'enterprise' })),
      );
      expect(wrongTier.status).toBe(403);
      expect(fieldCodes(wrongTier)).toEqual(['tier:tierNotAllowed']);
      expect(
        (
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(hengda)
              .send(training({ tier: 'enterprise', course: '班组安全教育' })),
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(hengda)
              .send(training({ tier: 'county' })),
          )
        ).status,
      ).toBe(403);
      expect((await keep(t.http.post(`/api/welders/${ids.sun}/trainings`).set(huiting).send(training()))).status).toBe(
        404,
      );
      expect(
        (
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(await t.auth('welder.zhang'))
              .send(training()),
          )
        ).status,
      ).toBe(403);

      const mine = await keep(
        t.http.get(`/api/welders/${ids.zhang}/trainings?pageSize=2`).set(await t.auth('welder.zhang')),
      );
      expect(mine.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
      expect(mine.body.items.map((i: { completedOn: string }) => i.completedOn)).toEqual(['2026-03-15', '2026-01-04']); // the demo record, then ours
      expect(
        (await keep(t.http.get(`/api/welders/${ids.liu}/trainings`).set(await t.auth('welder.zhang')))).status,
      ).toBe(404);
      expect(await count(`SELECT count(*)::int AS count FROM audit_log WHERE action = 'welder.training.create'`)).toBe(
        2,
      );
    });

    it('rejects bad training input with field codes', async () => {
      const huiting = await t.auth('huiting.regulator');
      const bad = await keep(
        t.http
          .post(`/api/welders/${ids.zhang}/trainings`)
          .set(huiting)
          .send({ tier: 'village', course: '', hours: '8', completedOn: '04/01/2026', passed: 'yes', trainer: 'x' }),
      );
      expect(bad.status).toBe(400);
      expect(fieldCodes(bad)).toEqual(
        expect.arrayContaining([
          'tier:isEnum',
          'course:minLength',
          'hours:isNumber',
          'completedOn:isCalendarDate',
          'passed:isBoolean',
          'trainer:unknownField',
        ]),
      );
      expect(
        fieldCodes(
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(huiting)
              .send(training({ hours: -1 })),
          ),
        ),
      ).toEqual(['hours:isPositive']);
      expect(
        fieldCodes(
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(huiting)
              .send(training({ hours: 1.25 })),
          ),
        ),
      ).toEqual(['hours:isNumber']);
      expect(
        fieldCodes(
          await keep(
            t.http
              .post(`/api/welders/${ids.zhang}/trainings`)
              .set(huiting)
              .send(training({ completedOn: '2026-01-06' })),
          ),
        ),
      ).toEqual(['completedOn:inFuture']);
      expect(fieldCodes(await keep(t.http.get(`/api/welders/${ids.zhang}/trainings?page=0`).set(huiting)))).toEqual([
        'page:min',
      ]);
    });
  });

  describe('ImportedCertificateRegistry on the real database', () => {
    let registry: CertificateRegistry;
    beforeAll(() => {
      registry = t.app.get<CertificateRegistry>(CERTIFICATE_REGISTRY);
    });

    it('answers valid, expired and no certificate from the stored records', async () => {
      const zhangCert = (await t.ds.query('SELECT id FROM certificates WHERE welder_id = $1', [ids.zhang]))[0].id;
      expect(await registry.checkWelder(ids.zhang, clock.now())).toEqual({
        valid: true,
        reason: 'valid',
        certificateId: zhangCert,
        expiresOn: '2028-03-01',
        reviewDueOn: '2028-03-01',
      });
      // chen: the demo certificate expired 2025-11-20; the one imported above (issued 2025-11-10) is valid, and wins.
      expect(await registry.checkWelder(ids.chen, clock.now())).toMatchObject({ valid: true, expiresOn: '2031-11-10' });
      expect(
        await registry.checkWelder(ids.chen, clock.now(), { subOperation: CertificateSubOperation.PressureWelding }),
      ).toEqual({ valid: false, reason: 'no_certificate' });
      expect(await registry.checkWelder('00000000-0000-4000-8000-000000000000', clock.now())).toEqual({
        valid: false,
        reason: 'no_certificate',
      });
    });

    it('needs validity for the whole window: a certificate expiring a minute before the window ends fails it', async () => {
      const expiry = chinaDayStart('2028-03-01');
      const at = new Date(expiry.getTime() - 8 * 3600_000);
      expect((await registry.checkWelder(ids.zhang, at, { until: new Date(expiry.getTime() - 60_000) })).valid).toBe(
        true,
      );
      expect(await registry.checkWelder(ids.zhang, at, { until: new Date(expiry.getTime() + 60_000) })).toMatchObject({
        valid: false,
        reason: 'expired',
      });
    });

    it('fails closed for an inactive welder and follows status changes', async () => {
      await keep(
        t.http
          .patch(`/api/welders/${ids.zhang}`)
          .set(await t.auth('hengda.admin'))
          .send({ status: 'inactive' }),
      );
      expect(await registry.checkWelder(ids.zhang, clock.now())).toEqual({ valid: false, reason: 'welder_inactive' });
      await keep(
        t.http
          .patch(`/api/welders/${ids.zhang}`)
          .set(await t.auth('hengda.admin'))
          .send({ status: 'active' }),
      );
      const zhangCert = (await t.ds.query('SELECT id FROM certificates WHERE welder_id = $1', [ids.zhang]))[0].id;
      await keep(
        t.http
          .post(`/api/certificates/${zhangCert}/status`)
          .set(await t.auth('huiting.regulator'))
          .send({ status: 'suspended', reason: '违规作业' }),
      );
      expect(await registry.checkWelder(ids.zhang, clock.now())).toMatchObject({
        valid: false,
        reason: 'suspended',
        certificateId: zhangCert,
      });
    });
  });

  it('never returns or logs a plain ID number or phone number', async () => {
    const secrets = DEMO_WELDERS.flatMap((w) => [w.idNumber, w.phone]);
    expect(bodies.length).toBeGreaterThan(40);
    expect(bodies.filter((b) => secrets.some((s) => b.includes(s)))).toEqual([]);
    const audit: { row: string }[] = await t.ds.query(
      `SELECT concat_ws(' ', before::text, after::text) AS row FROM audit_log`,
    );
    expect(audit.filter((a) => secrets.some((s) => a.row.includes(s)))).toEqual([]);
  });
});
