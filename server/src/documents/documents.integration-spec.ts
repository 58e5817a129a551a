import { png } from '../../test-support/images';
import { readPdf } from '../../test-support/pdf-read';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from '../alerts/alerts.service';
import { AlertType } from '../alerts/alert-type';
import { FakeClock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DEMO_PASSWORD } from '../seed/demo-data';

jest.setTimeout(180_000);

const DAY = 86_400_000;

describe('enforcement documents (执法文书 PDF)', () => {
  let t: TestApp;
  let ids: DemoIds;
  let base: string;
  const clock = new FakeClock(new Date('2026-06-01T02:00:00Z'));
  const post = async (user: string, path: string, body: Record<string, unknown> = {}) =>
    t.http
      .post(path)
      .set(await t.auth(user))
      .send(body);
  /** The PDF as bytes (any status: an error answers JSON, parsed here too). */
  const download = async (user: string, path: string) => {
    const res = await t.http
      .get(path)
      .set(await t.auth(user))
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    const bytes = res.body as Buffer;
    const json = res.headers['content-type']?.startsWith('application/json')
      ? (JSON.parse(bytes.toString('utf8')) as { error: { code: string; details?: Record<string, unknown> } })
      : null;
    return { status: res.status, headers: res.headers, bytes, json };
  };
  const audits = async () =>
    (await t.ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'document.download'`))[0].n as number;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    base = t.app.get<AppConfig>(APP_CONFIG).publicBaseUrl;
    const admin = await t.auth('admin');
    for (const u of [
      { username: 'huiting.second', role: 'regulator', regionCode: '411426100' },
      { username: 'matou.regulator', role: 'regulator', regionCode: '411426101' },
      { username: 'machinery.admin', role: 'enterprise_admin', enterpriseId: ids.machinery },
    ]) {
      const res = await t.http
        .post('/api/users')
        .set(admin)
        .send({ password: DEMO_PASSWORD, displayName: `${u.username} 执法员`, ...u });
      expect(res.status).toBe(201);
    }
  });
  afterAll(async () => {
    await t.close();
  });

  it('责令限期整改指令书 and 整改复查意见书 follow the hazard: none before their step, numbered once, visible as the hazard is', async () => {
    const alert = await t.app.get(AlertsService).raise({
      type: AlertType.UNREGISTERED_DEVICE,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      evidence: { test: 'documents' },
      dedupeKey: 'documents-spec:hazard',
    });
    const created = await post('huiting.regulator', `/api/hazards/from-alert/${alert.id}`, {
      level: 'general',
      description: '3号焊机未加装芯片赋码即投入使用',
      legalBasis: '《中华人民共和国安全生产法》第三十六条',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const order = `/api/hazards/${id}/rectification-order.pdf`;
    const review = `/api/hazards/${id}/review-opinion.pdf`;
    const link = `${base}/console/hazards?open=${id}`;

    // Open: neither document exists yet.
    const early = await download('huiting.regulator', order);
    expect(early.status).toBe(409);
    expect(early.json?.error).toMatchObject({
      code: 'DOCUMENT_NOT_AVAILABLE',
      details: { document: 'rectification_order', state: 'open' },
    });
    expect((await download('hengda.admin', review)).json?.error.code).toBe('DOCUMENT_NOT_AVAILABLE');

    const deadline = '2026-06-15T10:00:00.000Z'; // 2026-06-15 18:00 in China
    expect(
      (await post('huiting.regulator', `/api/hazards/${id}/order`, { deadline, note: '立即停用，加芯赋码后方可使用' }))
        .status,
    ).toBe(200);
    const before = await audits();
    const ok = await download('huiting.regulator', order);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    expect(ok.headers['content-disposition']).toContain('attachment; filename="rectification-order-2026-06-01.pdf"');
    expect(ok.headers['content-disposition']).toContain(encodeURIComponent('责令限期整改指令书'));
    const pdf = await readPdf(ok.bytes);
    for (const s of [
      '责令限期整改指令书',
      '责改〔2026〕第1号',
      '会亭镇安全生产监管部门',
      '夏邑县恒达钢结构有限公司',
      '会亭镇工业园区纬一路8号',
      '王建国',
      '3号焊机未加装芯片赋码即投入使用',
      '焊机未加芯赋码',
      '《中华人民共和国安全生产法》第三十六条',
      '2026年6月15日前整改完毕',
      '立即停用，加芯赋码后方可使用',
    ])
      expect(pdf.text).toContain(s);
    expect(pdf.qr).toEqual([link]);
    expect(await audits()).toBe(before + 1);
    const [audit] = await t.ds.query(
      `SELECT actor_user_id IS NOT NULL AS who, entity_type, entity_id, enterprise_id, after FROM audit_log
        WHERE action = 'document.download' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({
      who: true,
      entity_type: 'hazard',
      entity_id: id,
      enterprise_id: ids.steel,
      after: { document: 'rectification_order', number: '责改〔2026〕第1号' },
    });

    // The enterprise reads its own order, with the same number; other enterprises and townships learn nothing.
    const own = await download('hengda.admin', order);
    expect(own.status).toBe(200);
    expect((await readPdf(own.bytes)).text).toContain('责改〔2026〕第1号');
    // The number was given once, by the first download, and audited as it was given.
    expect(
      await t.ds.query(
        `SELECT entity_id, after FROM audit_log WHERE action = 'document.number_issue' AND entity_id = $1`,
        [id],
      ),
    ).toEqual([{ entity_id: id, after: { document: 'rectification_order', number: '责改〔2026〕第1号' } }]);
    expect((await download('machinery.admin', order)).status).toBe(404);
    expect((await download('matou.regulator', order)).status).toBe(404);
    expect((await download('matou.regulator', review)).status).toBe(404);
    expect((await download('huiting.regulator', '/api/hazards/not-a-uuid/review-opinion.pdf')).status).toBe(400);
    expect(await audits()).toBe(before + 2);

    // Ordered but not yet reviewed: no review opinion.
    expect((await download('huiting.regulator', review)).json?.error).toMatchObject({
      code: 'DOCUMENT_NOT_AVAILABLE',
      details: { document: 'review_opinion', state: 'ordered' },
    });

    // Reported, then sent back on site with a new deadline: the opinion says so.
    expect((await post('hengda.safety', `/api/hazards/${id}/rectify`, { note: '已加装芯片' })).status).toBe(200);
    expect(
      (
        await post('huiting.regulator', `/api/hazards/${id}/verify`, {
          passed: false,
          onSite: true,
          note: '芯片未上线',
          deadline: '2026-06-20T10:00:00.000Z',
        })
      ).status,
    ).toBe(200);
    const returned = await readPdf((await download('hengda.admin', review)).bytes);
    for (const s of [
      '整改复查意见书',
      '复查〔2026〕第1号',
      '责改〔2026〕第1号',
      '已加装芯片',
      '复查不合格，责令继续整改',
      '芯片未上线',
      '2026年6月20日前',
      '现场复查',
    ])
      expect(returned.text).toContain(s);
    expect(returned.qr).toEqual([link]);

    // Rectified again, verified, signed off by the county: a new opinion with its own number.
    clock.advance(DAY);
    expect((await post('hengda.safety', `/api/hazards/${id}/rectify`, { note: '芯片已上线' })).status).toBe(200);
    expect(
      (
        await post('huiting.regulator', `/api/hazards/${id}/verify`, {
          passed: true,
          onSite: false,
          note: '书面复查合格',
        })
      ).status,
    ).toBe(200);
    const passed = await readPdf((await download('huiting.regulator', review)).bytes);
    expect(passed.text).toContain('复查〔2026〕第2号');
    expect(passed.text).toContain('复查合格，待审核销号');
    expect(passed.text).toContain('书面复查');
    expect(
      (await post('xiayi.regulator', `/api/hazards/${id}/sign-off`, { approve: true, note: '同意销号' })).status,
    ).toBe(200);
    const signedOff = await readPdf((await download('xiayi.regulator', review)).bytes);
    expect(signedOff.text).toContain('复查〔2026〕第3号');
    expect(signedOff.text).toContain('该隐患已审核销号');
    expect(signedOff.text).toContain('同意销号');
    expect(signedOff.text).not.toContain('复查不合格');
    // The order keeps its number whatever came after.
    expect((await readPdf((await download('xiayi.regulator', order)).bytes)).text).toContain('责改〔2026〕第1号');
    expect(
      (await t.ds.query(
        `SELECT kind, count(*)::int AS n FROM document_numbers GROUP BY kind ORDER BY kind`,
      )) as unknown,
    ).toEqual([
      { kind: 'rectification_order', n: 1 },
      { kind: 'review_opinion', n: 3 },
    ]);
  });

  it('现场检查记录: only once an inspector has checked in; the drawn enterprise, inspectors and the hazards found; regulators of the region only', async () => {
    clock.set('2026-06-02T02:00:00Z');
    const planRes = await post('huiting.regulator', '/api/inspection-plans', {
      title: '2026年6月焊接作业双随机抽查',
      regionCode: '411426100',
      periodStart: '2026-06-01',
      periodEnd: '2026-06-30',
      sampleSize: 1,
      weights: { openAlerts: 1, daysSinceInspection: 1 },
      seed: 'documents-record',
    });
    expect(planRes.status).toBe(201);
    const plan = planRes.body as {
      id: string;
      targets: { enterpriseId: string; enterpriseName: string; inspectors: { displayName: string }[] }[];
    };
    const target = plan.targets[0];
    const path = `/api/inspection-plans/${plan.id}/targets/1/record.pdf`;
    expect((await download('huiting.regulator', path)).json?.error).toMatchObject({
      code: 'DOCUMENT_NOT_AVAILABLE',
      details: { document: 'inspection_record' },
    });

    expect(
      (
        await post('huiting.second', `/api/inspection-plans/${plan.id}/targets/1/check-in`, {
          latitude: 34.1722,
          longitude: 116.0013,
        })
      ).status,
    ).toBe(200);
    // 五现场 on the phone: findings and what was explained, a hazard handed over, the representative's signature.
    const onSite = `/api/inspection-plans/${plan.id}/targets/1`;
    const noted = await t.http
      .patch(`${onSite}/record`)
      .set(await t.auth('huiting.second'))
      .send({ findings: '二号车间动火点未设监护人', explained: '讲解了动火作业票办理和监护要求' });
    expect(noted.status).toBe(200);
    const found = await post('huiting.second', `${onSite}/hazards`, {
      category: 'fire_watch_missing',
      level: 'general',
      description: '动火作业现场无监护人',
      deadline: '2026-06-09T02:00:00.000Z',
      note: '立即整改，配备专职监护人',
    });
    expect(found.status).toBe(201);
    const signed = await t.http
      .post(`${onSite}/signature`)
      .set(await t.auth('huiting.second'))
      .field('signerName', '王建国')
      .attach('signature', png(320, 120), { filename: 'sign.png', contentType: 'image/png' });
    expect(signed.status).toBe(200);

    const ok = await download('huiting.regulator', path);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toBe('application/pdf');
    const pdf = await readPdf(ok.bytes);
    for (const s of [
      '现场检查记录',
      '检查〔2026〕第1号',
      target.enterpriseName,
      '2026年6月焊接作业双随机抽查',
      '2026年6月2日10:00',
      ...target.inspectors.map((i) => i.displayName),
      '动火作业现场无监护人',
      '监护缺失',
      '二号车间动火点未设监护人',
      '讲解了动火作业票办理和监护要求',
      '王建国',
    ])
      expect(pdf.text).toContain(s.replace(/\s+/g, ''));
    expect(pdf.qr).toEqual([`${base}/console/inspections?open=${plan.id}&target=1`]);
    // The QR code and the signature as drawn.
    expect(pdf.images).toBe(2);
    const [audit] = await t.ds.query(
      `SELECT entity_type, entity_id, after FROM audit_log WHERE action = 'document.download' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toMatchObject({
      entity_type: 'inspection_plan',
      entity_id: plan.id,
      after: { document: 'inspection_record', number: '检查〔2026〕第1号', targetPosition: 1 },
    });

    expect((await download('xiayi.regulator', path)).status).toBe(200);
    expect((await download('admin', path)).status).toBe(200);
    expect((await download('matou.regulator', path)).status).toBe(404);
    expect((await download('hengda.admin', path)).status).toBe(403);
    expect((await download('huiting.regulator', `/api/inspection-plans/${plan.id}/targets/2/record.pdf`)).status).toBe(
      404,
    );
    expect((await download('huiting.regulator', `/api/inspection-plans/${plan.id}/targets/x/record.pdf`)).status).toBe(
      400,
    );
  });
});
