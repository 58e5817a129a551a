import { createTestApp, TestApp } from '../../test-support/test-app';
import { PERSONAL_DIGITS, redactPersonalDigits } from '../common/validation/public-text';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

const SUITE = 'public-leaks';
const PHONE = '13912345678';
const ID_NUMBER = '411426199001011234';
const LANDLINE = '0370-6251234';

/**
 * Everything a person without an account can read: nothing typed by an enterprise may carry a
 * phone or ID number there, and a revoked code's public scan gives a category, never the reason text.
 */
describe('public answers carry no personal data (phones, ID numbers, free-text reasons)', () => {
  let t: TestApp;
  const classes: Record<string, { tried: number; refused: number; notes: string }> = {};
  /** Scans one public response; counts it as refused (not leaked) when no personal digit run appears. */
  const check = (cls: string, notes: string, body: unknown, forbidden: string[] = []) => {
    const text = JSON.stringify(body);
    const leaked = PERSONAL_DIGITS.test(text) || forbidden.some((f) => text.includes(f));
    const c = (classes[cls] ??= { tried: 0, refused: 0, notes });
    c.tried++;
    if (!leaked) c.refused++;
    return { text, leaked };
  };

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
    writeSecurityArtifact(
      SUITE,
      'Public endpoints: revoke reasons, free text and personal data',
      Object.entries(classes).map(([cls, c]) => ({ class: cls, ...c })),
    );
  });

  let serial = 0;
  async function machineNamed(name: string): Promise<{ id: string; code: string }> {
    const res = await t.http
      .post('/api/machines')
      .set(await t.auth('hengda.admin'))
      .send({
        name,
        kind: 'electric_arc',
        manufacturer: '瑞凌',
        model: 'ZX7-400',
        serialNumber: `LEAK-${++serial}`,
        ratedInputKva: 12,
      });
    expect(res.status).toBe(201);
    return { id: res.body.id, code: String(res.body.code.url).split('/').pop()! };
  }
  const scan = (code: string) => t.http.get(`/api/public/codes/${code}`);
  const reasonText = `联系张工 ${PHONE}，身份证 ${ID_NUMBER}，座机 ${LANDLINE}`;

  it("shows a revoked code's reason as a category, never the typed text, for every way a code is revoked", async () => {
    const withdrawn = await machineNamed('泄露测试焊机一');
    await t.http
      .post(`/api/codes/machines/${withdrawn.id}/revoke`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: reasonText })
      .expect(200);
    const reissued = await machineNamed('泄露测试焊机二');
    expect(
      (
        await t.http
          .post(`/api/codes/machines/${reissued.id}/reissue`)
          .set(await t.auth('hengda.admin'))
          .send({ reason: reasonText })
      ).status,
    ).toBe(201);
    const retired = await machineNamed('泄露测试焊机三');
    const retire = await t.http
      .post(`/api/machines/${retired.id}/status`)
      .set(await t.auth('hengda.admin'))
      .send({ status: 'retired', reason: reasonText });
    expect(retire.status).toBe(200);
    const welder = (
      await t.ds.query(
        `SELECT w.id, c.code FROM welders w JOIN identity_codes c ON c.subject_id = w.id AND c.status = 'active' WHERE w.real_name = '张伟'`,
      )
    )[0];
    expect(
      (
        await t.http
          .post(`/api/codes/welders/${welder.id}/reissue`)
          .set(await t.auth('hengda.admin'))
          .send({ reason: reasonText })
      ).status,
    ).toBe(201);

    for (const [code, category] of [
      [withdrawn.code, 'revoked'],
      [reissued.code, 'reissued'],
      [retired.code, 'machine_retired'],
      [welder.code, 'reissued'],
    ] as const) {
      const res = await scan(code);
      expect(res.status).toBe(410);
      expect(res.body.error.details).toEqual({
        subjectType: expect.any(String),
        revokedAt: expect.any(String),
        reasonCategory: category,
      });
      const { text, leaked } = check(
        'revoke reason on public scan',
        'typed reasons (with phone, ID and landline) revoked 4 ways: only a category is shown',
        res.body,
        ['张工', '身份证'],
      );
      expect({ code, leaked, text }).toEqual({ code, leaked: false, text: expect.any(String) });
    }
  });

  it('masks digit runs that enterprises typed into names shown on a public scan', async () => {
    const m = await machineNamed(`张工${PHONE}的焊机`);
    const res = await scan(m.code);
    expect(res.status).toBe(200);
    expect(res.body.machine.name).toBe('张工***********的焊机');
    expect(
      check('free text on public scan', 'machine and enterprise names typed with a phone number', res.body).leaked,
    ).toBe(false);
    for (const name of [`焊机 ${ID_NUMBER}`, `焊机${LANDLINE}`, '焊机 139 1234 5678']) {
      const other = await machineNamed(name);
      const body = (await scan(other.code)).body;
      expect({
        name,
        leaked: check('free text on public scan', 'machine and enterprise names typed with a phone number', body)
          .leaked,
      }).toEqual({ name, leaked: false });
    }
    // Short numbers are labels, not personal data: "3号车间 ZX7-400" stays readable.
    expect(redactPersonalDigits('3号车间 ZX7-400 2024款')).toBe('3号车间 ZX7-400 2024款');
  });

  it('answers every other public endpoint without personal data', async () => {
    const welders = await t.ds.query(
      `SELECT c.code FROM identity_codes c WHERE c.subject_type = 'welder' AND c.status = 'active'`,
    );
    expect(welders.length).toBeGreaterThan(0);
    const answers: { what: string; body: unknown }[] = [];
    for (const w of welders) answers.push({ what: `welder scan ${w.code}`, body: (await scan(w.code)).body });
    const submitted = await t.http.post('/api/public/reports').send({
      description: `有人无证焊接，请联系我 ${PHONE}`,
      contact: PHONE,
      regionCode: '411426100',
      address: '会亭镇',
    });
    expect(submitted.status).toBe(201);
    answers.push({ what: 'report receipt', body: submitted.body });
    answers.push({
      what: 'report status',
      body: (await t.http.get(`/api/public/reports/${submitted.body.trackingCode}`)).body,
    });
    answers.push({ what: 'report regions', body: (await t.http.get('/api/public/report-regions')).body });
    answers.push({ what: 'health', body: (await t.http.get('/api/health')).body });
    const login = await t.http.post('/api/auth/login').send({ username: 'hengda.admin', password: 'wrong-password' });
    answers.push({ what: 'failed log-in', body: login.body });
    for (const a of answers) {
      expect({
        what: a.what,
        leaked: check(
          'personal data on other public endpoints',
          'scan, report receipt/status/regions, health, failed log-in',
          a.body,
          [PHONE],
        ).leaked,
      }).toEqual({ what: a.what, leaked: false });
    }
  });
});
