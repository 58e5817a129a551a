import QRCode from 'qrcode';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { QR_MARGIN } from './qr-image';

/** Collects a binary or text body as a Buffer whatever its content type. */
function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  // At run time superagent hands the parser the Node response stream; its types do not say so.
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngImage {
  width: number;
  height: number;
  data: Buffer;
}
// pngjs comes with qrcode; it has no type declarations of its own.
const { PNG } = require('pngjs') as { PNG: { sync: { read(buf: Buffer): PngImage } } };

// testTimeout in a jest project entry is ignored (it is a global option): boot and tests may be slow on a busy machine.
jest.setTimeout(60_000);

describe('codes (authenticated)', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-05-01T02:00:00Z'));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(async () => {
    await t.close();
  });

  async function machine(serial: string): Promise<{ id: string; code: string | null }> {
    const [row] = await t.ds.query(
      `SELECT m.id, c.code FROM machines m LEFT JOIN identity_codes c ON c.subject_type = 'machine' AND c.subject_id = m.id AND c.status = 'active' WHERE m.serial_number = $1`,
      [serial],
    );
    return row;
  }
  async function welder(realName: string): Promise<{ id: string; code: string | null }> {
    const [row] = await t.ds.query(
      `SELECT w.id, c.code FROM welders w LEFT JOIN identity_codes c ON c.subject_type = 'welder' AND c.subject_id = w.id AND c.status = 'active' WHERE w.real_name = $1`,
      [realName],
    );
    return row;
  }
  const STEEL_ARC = 'SD-WS400-240101';
  const STEEL_CO2 = 'AT-NBC500-230877';
  const STEEL_GAS = 'SH-G01-100-5521';
  const MACHINERY_SPOT = 'JS-DN25-992104';
  const CONSTRUCTION_ARC = 'RL-ZX7315-771235';

  it('shows the active code of a machine to its enterprise', async () => {
    const m = await machine(STEEL_ARC);
    const res = await t.http.get(`/api/codes/machines/${m.id}`).set(await t.auth('hengda.admin'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: m.code,
      url: `https://arcgate.test/q/${m.code}`,
      status: 'active',
      issuedAt: expect.any(String),
      subjectType: 'machine',
      subjectId: m.id,
    });
  });

  it('renders a PNG whose modules are the QR of the code URL', async () => {
    const m = await machine(STEEL_ARC);
    const res = await t.http
      .get(`/api/codes/machines/${m.id}/qr.png?size=300`)
      .set(await t.auth('hengda.admin'))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['content-disposition']).toContain(`${m.code}.png`);
    const body = res.body as Buffer;
    expect(body.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = PNG.sync.read(body);
    expect(png.width).toBe(300);
    // Sample the centre of every module and compare with the matrix qrcode builds for the URL.
    const qr = QRCode.create(`https://arcgate.test/q/${m.code}`, { errorCorrectionLevel: 'M' });
    const n = qr.modules.size;
    const scale = png.width / (n + 2 * QR_MARGIN);
    let mismatches = 0;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const x = Math.floor((QR_MARGIN + c + 0.5) * scale);
        const y = Math.floor((QR_MARGIN + r + 0.5) * scale);
        const dark = png.data[(y * png.width + x) * 4] < 128;
        if (dark !== Boolean(qr.modules.get(r, c))) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('renders an SVG of the code URL for machines and welders', async () => {
    const m = await machine(STEEL_ARC);
    const res = await t.http
      .get(`/api/codes/machines/${m.id}/qr.svg`)
      .set(await t.auth('admin'))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = (res.body as Buffer).toString('utf8');
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg).toBe(
      await QRCode.toString(`https://arcgate.test/q/${m.code}`, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: QR_MARGIN,
      }),
    );

    const w = await welder('张伟');
    const own = await t.http
      .get(`/api/codes/welders/${w.id}/qr.svg`)
      .set(await t.auth('welder.zhang'))
      .buffer(true)
      .parse(binary);
    expect(own.status).toBe(200);
    expect((own.body as Buffer).toString('utf8')).toBe(
      await QRCode.toString(`https://arcgate.test/q/${w.code}`, {
        type: 'svg',
        errorCorrectionLevel: 'M',
        margin: QR_MARGIN,
      }),
    );
  });

  it('lets a welder see only their own code', async () => {
    const zhang = await welder('张伟');
    const liu = await welder('刘洋');
    const h = await t.auth('welder.zhang');
    expect((await t.http.get(`/api/codes/welders/${zhang.id}`).set(h)).body.code).toBe(zhang.code);
    expect((await t.http.get(`/api/codes/welders/${liu.id}`).set(h)).status).toBe(404);
    expect((await t.http.get(`/api/codes/machines/${(await machine(STEEL_ARC)).id}`).set(h)).status).toBe(404);
    // Seeing is not managing: the badge is replaced by the employer.
    const r = await t.http.post(`/api/codes/welders/${zhang.id}/reissue`).set(h).send({ reason: '工牌丢失' });
    expect(r.status).toBe(403);
  });

  it("hides other enterprises' machines (404) from enterprise users and out-of-area regulators", async () => {
    const m = await machine(MACHINERY_SPOT);
    const steel = await machine(STEEL_ARC);
    for (const user of ['hengda.admin', 'huiting.regulator']) {
      const h = await t.auth(user);
      expect((await t.http.get(`/api/codes/machines/${m.id}`).set(h)).status).toBe(404);
      expect((await t.http.get(`/api/codes/machines/${m.id}/qr.png`).set(h)).status).toBe(404);
      expect((await t.http.get(`/api/codes/machines/${m.id}/qr.svg`).set(h)).status).toBe(404);
      const labels = await t.http.get(`/api/codes/labels?machineIds=${steel.id},${m.id}`).set(h);
      expect(labels.status).toBe(404);
      expect(labels.body.error.code).toBe('NOT_FOUND');
      expect(
        (await t.http.post(`/api/codes/machines/${m.id}/reissue`).set(h).send({ reason: '标签损坏' })).status,
      ).toBe(404);
    }
    // The county regulator sees the whole county, but may not replace codes.
    const county = await t.auth('xiayi.regulator');
    expect((await t.http.get(`/api/codes/machines/${m.id}`).set(county)).status).toBe(200);
    const r = await t.http.post(`/api/codes/machines/${m.id}/reissue`).set(county).send({ reason: '标签损坏' });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('FORBIDDEN');
    expect((await t.http.get(`/api/codes/machines/${m.id}`)).status).toBe(401);
  });

  it('re-issues a code: the old one scans as revoked, the new one as valid, both audited', async () => {
    const before = await machine(STEEL_CO2);
    const res = await t.http
      .post(`/api/codes/machines/${before.id}/reissue`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: '  标签损坏  ' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'active', subjectType: 'machine', subjectId: before.id });
    expect(res.body.code).not.toBe(before.code);
    expect(res.body.url).toBe(`https://arcgate.test/q/${res.body.code}`);
    expect((await machine(STEEL_CO2)).code).toBe(res.body.code);

    const old = await t.http.get(`/api/public/codes/${before.code}`);
    expect(old.status).toBe(410);
    expect(old.body.error).toMatchObject({
      code: 'CODE_REVOKED',
      details: { subjectType: 'machine', reasonCategory: 'reissued', revokedAt: '2026-05-01T02:00:00.000Z' },
    });
    const fresh = await t.http.get(`/api/public/codes/${res.body.code}`);
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ type: 'machine', valid: true, code: res.body.code });

    const audit = await t.ds.query(
      `SELECT action, actor_role FROM audit_log WHERE action IN ('code.revoke', 'code.issue') AND actor_role = 'enterprise_admin' ORDER BY id`,
    );
    expect(audit.map((a: { action: string }) => a.action)).toEqual(['code.revoke', 'code.issue']);
  });

  it('revokes a welder code without replacement, then re-issues on request', async () => {
    const liu = await welder('刘洋');
    const h = await t.auth('hengda.admin');
    const res = await t.http.post(`/api/codes/welders/${liu.id}/revoke`).set(h).send({ reason: '工牌丢失' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      code: liu.code,
      status: 'revoked',
      revokedReason: '工牌丢失',
      subjectType: 'welder',
    });
    expect((await t.http.get(`/api/codes/welders/${liu.id}`).set(h)).status).toBe(404);
    expect((await t.http.get(`/api/public/codes/${liu.code}`)).body.error.code).toBe('CODE_REVOKED');
    expect((await t.http.post(`/api/codes/welders/${liu.id}/revoke`).set(h).send({ reason: '工牌丢失' })).status).toBe(
      404,
    );
    const again = await t.http.post(`/api/codes/welders/${liu.id}/reissue`).set(h).send({ reason: '补办工牌' });
    expect(again.status).toBe(201);
    expect((await t.http.get(`/api/public/codes/${again.body.code}`)).body).toMatchObject({
      type: 'welder',
      valid: true,
    });
  });

  it("refuses to re-issue a retired machine's code", async () => {
    const m = await machine(STEEL_GAS);
    await t.ds.query(`UPDATE machines SET status = 'retired', retired_at = now() WHERE id = $1`, [m.id]);
    const res = await t.http
      .post(`/api/codes/machines/${m.id}/reissue`)
      .set(await t.auth('admin'))
      .send({ reason: '标签损坏' });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MACHINE_RETIRED');
    expect((await machine(STEEL_GAS)).code).toBe(m.code);
    const scan = await t.http.get(`/api/public/codes/${m.code}`);
    expect(scan.status).toBe(200);
    expect(scan.body.machine).toMatchObject({ status: 'retired', registered: false });
  });

  it('prints an A4 label sheet with every requested machine, text escaped', async () => {
    const ids = [STEEL_ARC, STEEL_CO2].map(machine);
    const [a, b] = await Promise.all(ids);
    await t.ds.query(`UPDATE machines SET name = $2 WHERE id = $1`, [b.id, '<img src=x onerror="alert(1)">&焊机']);
    const res = await t.http.get(`/api/codes/labels?machineIds=${a.id},${b.id}`).set(await t.auth('hengda.admin'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const html = res.text;
    expect(html).toContain('电焊机二维码标签');
    expect(html).toContain('打印日期 2026-05-01');
    expect(html).toMatch(/@page\s*\{\s*size:\s*A4/);
    for (const [serial, m] of [
      [STEEL_ARC, a],
      [STEEL_CO2, b],
    ] as const) {
      expect(html).toContain(serial);
      expect(html).toContain(m.code);
      expect(html).toContain(
        await QRCode.toString(`https://arcgate.test/q/${m.code}`, {
          type: 'svg',
          errorCorrectionLevel: 'M',
          margin: QR_MARGIN,
        }).then((s) => s.trim()),
      );
    }
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html).toContain('1号车间氩弧焊机');
    expect(html).toContain('夏邑县恒达钢结构有限公司');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;焊机');

    // A machine without an active code cannot be labelled.
    await t.http
      .post(`/api/codes/machines/${a.id}/revoke`)
      .set(await t.auth('hengda.admin'))
      .send({ reason: '标签损坏' })
      .expect(200);
    const stale = await t.http.get(`/api/codes/labels?machineIds=${a.id}`).set(await t.auth('hengda.admin'));
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'INVALID_STATE', details: { machineIds: [a.id] } });
  });

  it('answers bad input with 4xx and field codes', async () => {
    const h = await t.auth('admin');
    const m = await machine(CONSTRUCTION_ARC);
    const fields = async (
      req: Promise<{ status: number; body: { error: { fields?: { field: string; code: string }[] } } }>,
    ) => {
      const res = await req;
      expect(res.status).toBe(400);
      return res.body.error.fields?.map((f) => `${f.field}:${f.code}`);
    };
    expect(await fields(t.http.get('/api/codes/machines/not-a-uuid').set(h))).toContain('id:isUuid');
    expect(await fields(t.http.get(`/api/codes/robots/${m.id}`).set(h))).toContain('kind:isIn');
    expect(await fields(t.http.get(`/api/codes/machines/${m.id}/qr.png?size=64`).set(h))).toContain('size:min');
    expect(await fields(t.http.get(`/api/codes/machines/${m.id}/qr.png?size=2000`).set(h))).toContain('size:max');
    expect(await fields(t.http.get(`/api/codes/machines/${m.id}/qr.png?size=big`).set(h))).toContain('size:isInt');
    expect(await fields(t.http.get(`/api/codes/machines/${m.id}/qr.png?colour=red`).set(h))).toContain(
      'colour:unknownField',
    );
    expect(await fields(t.http.get('/api/codes/labels').set(h))).toContain('machineIds:isArray');
    expect(await fields(t.http.get(`/api/codes/labels?machineIds=${m.id},nope`).set(h))).toContain('machineIds:isUuid');
    const many = Array.from({ length: 201 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`).join(
      ',',
    );
    expect(await fields(t.http.get(`/api/codes/labels?machineIds=${many}`).set(h))).toContain(
      'machineIds:arrayMaxSize',
    );
    const url = `/api/codes/machines/${m.id}/reissue`;
    expect(await fields(t.http.post(url).set(h).send({}))).toContain('reason:isString');
    expect(
      await fields(
        t.http
          .post(url)
          .set(h)
          .send({ reason: 'x'.repeat(201) }),
      ),
    ).toContain('reason:maxLength');
    expect(await fields(t.http.post(url).set(h).send({ reason: '标签损坏', force: true }))).toContain(
      'force:unknownField',
    );
    expect(await fields(t.http.post(`/api/codes/machines/${m.id}/revoke`).set(h).send({ reason: ' ' }))).toContain(
      'reason:minLength',
    );
    // Unknown but well-formed ids are simply not found.
    expect((await t.http.get('/api/codes/machines/00000000-0000-4000-8000-000000000000').set(h)).status).toBe(404);
    // Nothing above changed the code.
    expect((await machine(CONSTRUCTION_ARC)).code).toBe(m.code);
  });
});
