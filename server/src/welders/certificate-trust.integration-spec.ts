import { Response } from 'supertest';
import { createTestApp, TestApp } from '../../test-support/test-app';
import {
  activeCode,
  approvedPermit,
  at9,
  bindNewChip,
  draftPermit,
  FakeDevice,
} from '../authorization/testing/arm-test-kit';
import { RevocationService, REVOCATION_SWEEP_MS } from '../authorization/revocation.service';
import { FakeClock } from '../common/clock/clock';
import { idNumberCheckChar } from '../common/validation/identifiers';
import { DeviceGateway } from '../devices/device-gateway';
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { DEMO_WELDERS } from '../seed/demo-data';
import { CERTIFICATE_REGISTRY, CertificateRegistry } from './certificate-registry';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

/**
 * Issue 12, "an enterprise can unlock what the rules forbid": certificates entered by an enterprise.
 * The reported attack (a host importing a licence for a welder only dispatched to it), then the rule
 * behind the fix: an enterprise's entry is a claim that unlocks nothing (permit, evaluation, device,
 * public scan, registry) until a regulator of the employer's region verifies it.
 */
const SUITE = 'certificate-trust';
const fieldCodes = (res: Response) =>
  (res.body.error?.fields ?? []).map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
const idNo = (body17: string) => body17 + idNumberCheckChar(body17);
const WU_ID = idNo('41142619930611005');
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from('certificate scan'),
]);
const row = (idNumber: string, over: Record<string, unknown> = {}) => ({
  idNumber,
  certificateNumber: `T${idNumber}`,
  subOperation: 'fusion_welding_and_thermal_cutting',
  issuedOn: '2024-05-10',
  ...over,
});

interface Tally {
  tried: number;
  refused: number;
  notes: string;
}

describe('certificates entered by an enterprise do not unlock work until verified', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let device: FakeDevice;
  let registry: CertificateRegistry;
  let wu: string;
  let wuCode: string;
  let wuCert: string;
  let wuPermit: string;
  const tally: Record<string, Tally> = {
    'certificate for a welder the enterprise does not employ': {
      tried: 0,
      refused: 0,
      notes: 'host enterprise importing or entering a licence for a dispatched welder (import row and by hand)',
    },
    'unverified certificate used to unlock work': {
      tried: 0,
      refused: 0,
      notes:
        'permit submission, permit evaluation, device arm request, public scan, registry check, welder state while the record is unverified or rejected',
    },
    'verification by someone not entitled': {
      tried: 0,
      refused: 0,
      notes: 'wrong-region regulator, enterprise, platform admin, welder, rejection without reason, repeated verdict',
    },
  };
  /** Counts one attempt of a class; `refused` is what the test observed, not what it expects. */
  const attempt = (cls: string, refused: boolean) => {
    tally[cls].tried++;
    if (refused) tally[cls].refused++;
    return refused;
  };
  const as = async (user: string) => t.auth(user);
  const post = async (user: string, url: string, body: object = {}) =>
    t.http
      .post(url)
      .set(await as(user))
      .send(body);
  const get = async (user: string, url: string) => t.http.get(url).set(await as(user));
  const state = async (welderId: string) =>
    (await get('hengda.admin', `/api/welders/${welderId}`)).body.certificateState as string;
  const certCount = async (welderId: string) =>
    (await t.ds.query('SELECT count(*)::int AS n FROM certificates WHERE welder_id = $1', [welderId]))[0].n as number;
  const evaluate = async (permitId: string, welderId: string) =>
    (
      await post('hengda.admin', `/api/permits/${permitId}/evaluate`, {
        welderId,
        machineId: ids.steelMachine1,
        position: STEEL_SITE,
      })
    ).body;
  const arm = async (permitId: string) =>
    (await device.arm(device.armBody({ kind: 'welder_code', code: wuCode }, { permitId }))).answer;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    registry = t.app.get<CertificateRegistry>(CERTIFICATE_REGISTRY);
    await t.app.get(DeviceGateway).ready();
    device = await new FakeDevice(t, clock, await bindNewChip(t, ids.steelMachine1)).connect();
    const created = await post('hengda.admin', '/api/welders', {
      realName: '吴芳',
      idNumber: WU_ID,
      phone: '13900005555',
    });
    expect(created.status).toBe(201);
    wu = created.body.id;
    wuCode = await activeCode(t, wu);
  });
  afterAll(async () => {
    await device?.close();
    await t?.close();
    writeSecurityArtifact(
      SUITE,
      'Enterprise-entered certificates and their verification',
      Object.entries(tally).map(([cls, v]) => ({ class: cls, tried: v.tried, refused: v.refused, notes: v.notes })),
    );
  });
  beforeEach(() => clock.set(cst(5, '08:00')));

  it('the reported attack: the host of a dispatched welder cannot give her a licence, by import or by hand', async () => {
    const chenId = DEMO_WELDERS.find((w) => w.key === 'chen')!.idNumber;
    // 陈静 is employed by 宏远 and dispatched to 恒达; her demo certificate expired on 2025-11-20.
    expect(await state(ids.chen)).toBe('expired');
    const before = await certCount(ids.chen);

    const imported = await post('hengda.admin', '/api/certificates/import', {
      rows: [row(chenId, { issuedOn: '2025-11-10' })],
    });
    expect(attempt('certificate for a welder the enterprise does not employ', imported.status === 422)).toBe(true);
    expect(imported.body.error.details.rows).toEqual([
      expect.objectContaining({ row: 1, field: 'idNumber', code: 'notEmployer' }),
    ]);
    // The same refusal inside a batch with a good row: all or nothing, so nothing is written.
    const mixed = await post('hengda.admin', '/api/certificates/import', {
      rows: [row(WU_ID, { issuedOn: '2024-05-10' }), row(chenId, { issuedOn: '2025-11-10' })],
    });
    expect(attempt('certificate for a welder the enterprise does not employ', mixed.status === 422)).toBe(true);
    expect(mixed.body.error.details.rows.map((r: { row: number; code: string }) => `${r.row}:${r.code}`)).toEqual([
      '2:notEmployer',
    ]);

    const byHand = await post('hengda.admin', `/api/welders/${ids.chen}/certificates`, {
      subOperation: 'fusion_welding_and_thermal_cutting',
      issuedOn: '2025-11-10',
    });
    expect(attempt('certificate for a welder the enterprise does not employ', byHand.status === 403)).toBe(true);
    expect(fieldCodes(byHand)).toEqual(['id:notEmployer']);

    expect(await certCount(ids.chen)).toBe(before);
    expect(await certCount(wu)).toBe(0);
    expect(await state(ids.chen)).toBe('expired');
    // And a permit naming her is still refused.
    const draft = await draftPermit(t, ids, { welderIds: [ids.chen] });
    const submitted = await post('hengda.admin', `/api/permits/${draft}/submit`);
    expect(attempt('unverified certificate used to unlock work', submitted.status === 422)).toBe(true);
    expect(submitted.body.error.code).toBe('WELDER_CERTIFICATE_INVALID');
  });

  it("an employer's own entry is a claim: no permit, no evaluation, no public 'valid' until the regulator verifies", async () => {
    const entered = await post('hengda.admin', `/api/welders/${wu}/certificates`, {
      subOperation: 'fusion_welding_and_thermal_cutting',
      issuedOn: '2024-05-10',
      issuingAuthority: '商丘市应急管理局',
    });
    expect(entered.status).toBe(201);
    expect(entered.body).toMatchObject({
      status: 'valid',
      verification: 'unverified',
      verificationSource: null,
      validity: 'unverified',
    });
    wuCert = entered.body.id;

    expect(attempt('unverified certificate used to unlock work', (await state(wu)) !== 'valid')).toBe(true);
    expect(await state(wu)).toBe('unverified');
    const check = await registry.checkWelder(wu, new Date(cst(5, '10:00')));
    expect(attempt('unverified certificate used to unlock work', !check.valid)).toBe(true);
    expect(check).toMatchObject({ valid: false, reason: 'unverified', certificateId: wuCert });
    const scan = await t.http.get(`/api/public/codes/${encodeURIComponent(wuCode)}`);
    expect(attempt('unverified certificate used to unlock work', scan.body.certificate?.validToday === false)).toBe(
      true,
    );
    expect(scan.body.certificate).toMatchObject({ validToday: false, state: 'unverified' });

    const draft = await draftPermit(t, ids, { welderIds: [wu] });
    const submitted = await post('hengda.admin', `/api/permits/${draft}/submit`);
    expect(attempt('unverified certificate used to unlock work', submitted.status === 422)).toBe(true);
    expect(submitted.body.error.code).toBe('WELDER_CERTIFICATE_INVALID');
    expect(fieldCodes(submitted)).toEqual(['welderIds[0]:certificateUnverified']);

    // The welder list can find what waits for verification.
    const names = async (s: string) =>
      (await get('hengda.admin', `/api/welders?certificateState=${s}&pageSize=50`)).body.items.map(
        (w: { realName: string }) => w.realName,
      );
    expect(await names('unverified')).toEqual(['吴芳']);
    expect(await names('valid')).not.toContain('吴芳');

    // The employer attaches a photo of the certificate for the regulator; it is evidence, not a verification.
    const photo = await t.http
      .post(`/api/certificates/${wuCert}/photo`)
      .set(await as('hengda.admin'))
      .attach('file', PNG, { filename: 'cert.png', contentType: 'image/png' });
    expect(photo.status).toBe(200);
    expect(photo.body).toMatchObject({ hasPhoto: true, verification: 'unverified', validity: 'unverified' });
    const notImage = await t.http
      .post(`/api/certificates/${wuCert}/photo`)
      .set(await as('hengda.admin'))
      .attach('file', Buffer.from('MZ not an image'), { filename: 'cert.png', contentType: 'image/png' });
    expect(notImage.status).toBe(415);
    expect((await get('welder.zhang', `/api/certificates/${wuCert}/photo`)).status).toBe(404);

    // The regulator of 会亭镇 (恒达's township) sees it in the queue, with the photo, and verifies it.
    const queue = await get('huiting.regulator', '/api/certificates/verification-queue');
    expect(queue.status).toBe(200);
    expect(queue.body).toMatchObject({
      officialSourceConnected: false,
      total: 1,
      items: [
        {
          id: wuCert,
          welderName: '吴芳',
          employerName: '夏邑县恒达钢结构有限公司',
          verification: 'unverified',
          hasPhoto: true,
        },
      ],
    });
    const seen = await t.http
      .get(`/api/certificates/${wuCert}/photo`)
      .set(await as('huiting.regulator'))
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(seen.status).toBe(200);
    expect(seen.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(seen.body as Buffer, PNG)).toBe(0);
    expect(JSON.stringify(queue.body)).not.toContain(WU_ID);
    const verified = await post('huiting.regulator', `/api/certificates/${wuCert}/verification`, {
      decision: 'verified',
    });
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({
      verification: 'verified',
      verificationSource: 'regulator',
      validity: 'valid',
    });
    expect(await state(wu)).toBe('valid');
    expect((await get('huiting.regulator', '/api/certificates/verification-queue')).body.total).toBe(0);
    const [audit] = await t.ds.query(
      `SELECT actor_user_id, before, after FROM audit_log WHERE action = 'certificate.verify' AND entity_id = $1`,
      [wuCert],
    );
    expect(audit).toMatchObject({
      actor_user_id: ids.users['huiting.regulator'],
      before: { verification: 'unverified' },
      after: { verification: 'verified', verificationSource: 'regulator' },
    });

    // Now the same permit goes through, and the device arms.
    expect((await post('hengda.admin', `/api/permits/${draft}/submit`)).status).toBe(200);
    wuPermit = await approvedPermit(t, clock, ids, { welderIds: [wu] });
    clock.set(at9());
    expect((await evaluate(wuPermit, wu)).reason).toBe('OK');
    expect((await arm(wuPermit)).type).toBe('arm.grant');
  });

  it('a change by the employer sends the record back for verification, and the device refuses meanwhile', async () => {
    // Only the trigger may act here: the sweep would find the record unverified too, within 4 s.
    const revocation = t.app.get(RevocationService);
    revocation.setSweepInterval(3_600_000);
    clock.set(at9());
    const beforeChange = device.received.length;
    const changed = await post('hengda.admin', '/api/certificates/import', {
      rows: [row(WU_ID, { issuingAuthority: '河南省应急管理厅' })],
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      updated: 1,
      certificates: [{ id: wuCert, verification: 'unverified', validity: 'unverified' }],
    });
    const [importAudit] = await t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'certificate.import.update' AND entity_id = $1`,
      [wuCert],
    );
    expect(importAudit.after).toMatchObject({ verification: 'unverified', issuingAuthority: '河南省应急管理厅' });
    // The grant obtained at 09:00 on the then verified record is withdrawn at once, with what a new request is told.
    const revoke = await device.next((_, m) => m.type === 'grant.revoke', 8000, beforeChange);
    revocation.setSweepInterval(REVOCATION_SWEEP_MS);
    expect(attempt('unverified certificate used to unlock work', revoke.body.reason === 'CERTIFICATE_MISSING')).toBe(
      true,
    );

    clock.set(at9());
    const ev = await evaluate(wuPermit, wu);
    expect(attempt('unverified certificate used to unlock work', ev.allowed === false)).toBe(true);
    expect(ev.reason).toBe('CERTIFICATE_UNVERIFIED');
    const denied = await arm(wuPermit);
    expect(attempt('unverified certificate used to unlock work', denied.type === 'arm.denied')).toBe(true);
    expect(denied.body).toMatchObject({ reason: 'CERTIFICATE_MISSING' });

    // A rejection needs a reason; the enterprise then reads it on the record.
    const noReason = await post('huiting.regulator', `/api/certificates/${wuCert}/verification`, {
      decision: 'rejected',
    });
    expect(attempt('verification by someone not entitled', noReason.status === 400)).toBe(true);
    expect(fieldCodes(noReason)).toEqual(expect.arrayContaining(['reason:isString']));
    const rejected = await post('huiting.regulator', `/api/certificates/${wuCert}/verification`, {
      decision: 'rejected',
      reason: '发证机关与操作证原件不符',
    });
    expect(rejected.body).toMatchObject({
      verification: 'rejected',
      verificationNote: '发证机关与操作证原件不符',
      validity: 'unverified',
    });
    expect((await get('hengda.admin', `/api/certificates/${wuCert}`)).body).toMatchObject({
      verification: 'rejected',
      verificationNote: '发证机关与操作证原件不符',
    });
    const [rejectAudit] = await t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'certificate.reject' AND entity_id = $1`,
      [wuCert],
    );
    expect(rejectAudit.after).toMatchObject({ verification: 'rejected', reason: '发证机关与操作证原件不符' });
    const again = await post('huiting.regulator', `/api/certificates/${wuCert}/verification`, {
      decision: 'rejected',
      reason: '再次驳回',
    });
    expect(attempt('verification by someone not entitled', again.status === 409)).toBe(true);
    expect(fieldCodes(again)).toEqual(['decision:unchanged']);
    clock.set(at9());
    const stillDenied = await arm(wuPermit);
    expect(attempt('unverified certificate used to unlock work', stillDenied.type === 'arm.denied')).toBe(true);

    // The county regulator (whose region covers 恒达 too) checks again and verifies.
    expect(
      (
        await post('xiayi.regulator', `/api/certificates/${wuCert}/verification`, {
          decision: 'verified',
          reason: '经核对原件无误',
        })
      ).body.verification,
    ).toBe('verified');
    clock.set(at9());
    expect((await arm(wuPermit)).type).toBe('arm.grant');
  });

  it("the employer's review (复审) moves the lapse date, so it sends the record back for verification; the regulator's does not", async () => {
    // 刘洋 (恒达): a pressure-welding certificate issued 2023-03-06, review due 2026-03-06, window open from 2026-01-05.
    const entered = await post('hengda.admin', `/api/welders/${ids.liu}/certificates`, {
      subOperation: 'pressure_welding',
      issuedOn: '2023-03-06',
    });
    expect(entered.body).toMatchObject({ reviewDueOn: '2026-03-06', verification: 'unverified' });
    const id = entered.body.id as string;
    expect(
      (await post('huiting.regulator', `/api/certificates/${id}/verification`, { decision: 'verified' })).body.validity,
    ).toBe('valid');
    const reviewed = await post('hengda.admin', `/api/certificates/${id}/review`);
    expect(reviewed.status).toBe(200);
    expect(attempt('unverified certificate used to unlock work', reviewed.body.validity !== 'valid')).toBe(true);
    expect(reviewed.body).toMatchObject({
      reviewDueOn: '2029-03-06',
      verification: 'unverified',
      validity: 'unverified',
    });
    const [audit] = await t.ds.query(
      `SELECT before, after FROM audit_log WHERE action = 'certificate.review' AND entity_id = $1`,
      [id],
    );
    expect(audit).toMatchObject({
      before: { verification: 'verified', reviewDueOn: '2026-03-06' },
      after: { verification: 'unverified', reviewDueOn: '2029-03-06' },
    });
    expect(
      (await post('huiting.regulator', `/api/certificates/${id}/verification`, { decision: 'verified' })).body,
    ).toMatchObject({ reviewDueOn: '2029-03-06', validity: 'valid' });
  });

  it("only a regulator of the region of the welder's employer may verify", async () => {
    // The platform admin may enter a record (for 陈静, employed by 宏远 in 马头镇): it still waits for a regulator.
    const chenId = DEMO_WELDERS.find((w) => w.key === 'chen')!.idNumber;
    const entered = await post('admin', '/api/certificates/import', {
      rows: [row(chenId, { issuedOn: '2025-11-10' })],
    });
    expect(entered.body).toMatchObject({ created: 1, certificates: [{ verification: 'unverified' }] });
    const chenCert = entered.body.certificates[0].id as string;
    expect(await state(ids.chen)).toBe('unverified');

    // The host cannot attach a photo to her certificate either.
    const hostPhoto = await t.http
      .post(`/api/certificates/${chenCert}/photo`)
      .set(await as('hengda.admin'))
      .attach('file', PNG, { filename: 'cert.png', contentType: 'image/png' });
    expect(attempt('certificate for a welder the enterprise does not employ', hostPhoto.status === 403)).toBe(true);
    expect(fieldCodes(hostPhoto)).toEqual(['id:notEmployer']);

    // 会亭镇 sees 陈静 (dispatched to 恒达 in its township) but her employer is outside its region.
    const huiting = await post('huiting.regulator', `/api/certificates/${chenCert}/verification`, {
      decision: 'verified',
    });
    expect(attempt('verification by someone not entitled', huiting.status === 403)).toBe(true);
    expect(fieldCodes(huiting)).toEqual(['id:outsideRegion']);
    expect(
      (await get('huiting.regulator', '/api/certificates/verification-queue')).body.items.map(
        (i: { id: string }) => i.id,
      ),
    ).not.toContain(chenCert);
    for (const user of ['hengda.admin', 'admin', 'welder.zhang']) {
      const res = await post(user, `/api/certificates/${chenCert}/verification`, { decision: 'verified' });
      expect(attempt('verification by someone not entitled', res.status === 403)).toBe(true);
    }
    const queueAsEnterprise = await get('hengda.admin', '/api/certificates/verification-queue');
    expect(attempt('verification by someone not entitled', queueAsEnterprise.status === 403)).toBe(true);
    expect(await t.ds.query(`SELECT verification FROM certificates WHERE id = $1`, [chenCert])).toEqual([
      { verification: 'unverified' },
    ]);
    expect(await state(ids.chen)).toBe('unverified');

    const bad = await post('xiayi.regulator', `/api/certificates/${chenCert}/verification`, {
      decision: 'valid',
      extra: 1,
    });
    expect(fieldCodes(bad)).toEqual(expect.arrayContaining(['decision:isIn', 'extra:unknownField']));
    expect(
      (
        await post('xiayi.regulator', '/api/certificates/00000000-0000-4000-8000-000000000000/verification', {
          decision: 'verified',
        })
      ).status,
    ).toBe(404);

    const queue = await get('xiayi.regulator', '/api/certificates/verification-queue?pageSize=50');
    expect(queue.body.items.map((i: { id: string }) => i.id)).toContain(chenCert);
    expect(
      (await post('xiayi.regulator', `/api/certificates/${chenCert}/verification`, { decision: 'verified' })).status,
    ).toBe(200);
    expect(await state(ids.chen)).toBe('valid');
    const audits = await t.ds.query(
      `SELECT action FROM audit_log WHERE entity_type = 'certificate' AND entity_id = $1 ORDER BY id`,
      [chenCert],
    );
    expect(audits.map((a: { action: string }) => a.action)).toEqual([
      'certificate.import.create',
      'certificate.verify',
    ]);
    const photoAudit = await t.ds.query(
      `SELECT after FROM audit_log WHERE action = 'certificate.photo' AND entity_id = $1`,
      [wuCert],
    );
    expect(photoAudit).toEqual([
      { after: expect.objectContaining({ contentType: 'image/png', sizeBytes: PNG.length }) },
    ]);
  });

  it('counted every attempt as refused', () => {
    for (const v of Object.values(tally)) expect(v.refused).toBe(v.tried);
    expect(Object.values(tally).every((v) => v.tried > 0)).toBe(true);
  });
});
