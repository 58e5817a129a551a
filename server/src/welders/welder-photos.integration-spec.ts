import { chunk, png } from '../../test-support/images';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { activeCode } from '../authorization/testing/arm-test-kit';
import { MAX_IMAGE_BYTES } from '../common/http/image-files';
import { DemoIds, demoIds } from '../permits/testing/permit-fixtures';

type FieldErr = { field: string; code: string };
const fieldCodes = (body: { error?: { fields?: FieldErr[] } }) =>
  (body.error?.fields ?? []).map((f) => `${f.field}:${f.code}`);

/** The welder's portrait (issue 14 §3): employer uploads, the area's regulator reviews, badge and scan show it. */
describe('welder photos', () => {
  let t: TestApp;
  let ids: DemoIds;
  let priv: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ config: { welderPhotoPublic: true } });
    ids = await demoIds(t.ds);
  });
  afterAll(async () => {
    await t?.close();
    await priv?.close();
  });

  const upload = async (user: string, welderId: string, bytes: Buffer, name = 'face.png') =>
    t.http
      .post(`/api/welders/${welderId}/photo`)
      .set(await t.auth(user))
      .attach('file', bytes, { filename: name, contentType: 'image/png' });
  const review = async (user: string, photoId: string, body: object) =>
    t.http
      .post(`/api/welder-photos/${photoId}/review`)
      .set(await t.auth(user))
      .send(body);
  const pending = async (user: string) =>
    (await t.http.get('/api/welder-photos').set(await t.auth(user))).body as {
      items: { id: string; welderId: string; welderName: string }[];
    };

  it('the employer uploads (metadata stripped, pending); a newer upload replaces the one waiting', async () => {
    const first = await upload('hengda.admin', ids.zhang, png(120, 160));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ approved: null, latest: { status: 'pending', contentType: 'image/png' } });
    const withGps = png(120, 160, [chunk('tEXt', Buffer.from('Comment\0GPS 34.17N 116.00E', 'latin1'))]);
    const second = await upload('hengda.safety', ids.zhang, withGps);
    expect(second.status).toBe(200);
    const rows = await t.ds.query(`SELECT status, data FROM welder_photos WHERE welder_id = $1 ORDER BY uploaded_at`, [
      ids.zhang,
    ]);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['superseded', 'pending']);
    expect((rows[1].data as Buffer).includes(Buffer.from('GPS'))).toBe(false);
    const audit = await t.ds.query(
      `SELECT after FROM audit_log WHERE entity_id = $1 AND action = 'welder.photo.upload' ORDER BY id`,
      [ids.zhang],
    );
    expect(audit).toHaveLength(2);
    expect(audit[1].after).toMatchObject({ status: 'pending', contentType: 'image/png' });
    // Not shown anywhere before review.
    expect((await t.http.get(`/api/welders/${ids.zhang}/photo/image`).set(await t.auth('welder.zhang'))).status).toBe(
      404,
    );
  });

  it('refuses non-images, damaged and tiny images and oversize files, whatever the file is called', async () => {
    const cases: [Buffer, number, string][] = [
      [Buffer.from('<html><script>alert(1)</script></html>'), 415, 'file:unsupportedType'],
      [Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 415, 'file:unsupportedType'],
      [png(120, 160).subarray(0, 60), 400, 'file:imageDamaged'],
      [Buffer.concat([png(120, 160), Buffer.from('<?php system($_GET[1]); ?>')]), 400, 'file:imageDamaged'],
      [png(8, 8), 400, 'file:imageDimensions'],
    ];
    for (const [bytes, status, code] of cases) {
      const res = await upload('hengda.admin', ids.liu, bytes, 'photo.jpg');
      expect({ status: res.status, codes: fieldCodes(res.body) }).toEqual({ status, codes: [code] });
    }
    const huge = Buffer.concat([png(120, 160), Buffer.alloc(MAX_IMAGE_BYTES)]);
    const big = await upload('hengda.admin', ids.liu, huge);
    expect(big.status).toBe(413);
    const none = await t.http
      .post(`/api/welders/${ids.liu}/photo`)
      .set(await t.auth('hengda.admin'))
      .field('x', 'y');
    expect(fieldCodes(none.body)).toEqual(['file:required']);
    const [{ count }] = await t.ds.query(`SELECT count(*)::int AS count FROM welder_photos WHERE welder_id = $1`, [
      ids.liu,
    ]);
    expect(count).toBe(0);
  });

  it('only the employer uploads: not another enterprise, not a host the welder is dispatched to, not a regulator or the welder', async () => {
    // 陈静 is employed by 宏远 (dispatched to 恒达): 恒达 sees her but may not change her record.
    expect((await upload('hengda.admin', ids.chen, png(120, 160))).status).toBe(403);
    expect((await upload('xiayi.regulator', ids.zhang, png(120, 160))).status).toBe(403);
    expect((await upload('welder.zhang', ids.zhang, png(120, 160))).status).toBe(403);
    // 孙磊 (建工) is not 恒达's business at all: not even his existence.
    expect((await upload('hengda.admin', ids.sun, png(120, 160))).status).toBe(404);
    expect((await t.http.get(`/api/welders/${ids.sun}/photo`).set(await t.auth('hengda.admin'))).status).toBe(404);
  });

  it("the regulator of the employer's area sees the queue and approves; a rejection needs a reason", async () => {
    const queue = await pending('huiting.regulator');
    const mine = queue.items.find((i) => i.welderId === ids.zhang)!;
    expect(mine.welderName).toBe('张伟');
    // Enterprises see their own queue; another town's regulator sees nothing of 恒达.
    expect((await pending('hengda.admin')).items.map((i) => i.id)).toContain(mine.id);
    const img = await t.http.get(`/api/welder-photos/${mine.id}/image`).set(await t.auth('huiting.regulator'));
    expect(img.status).toBe(200);
    expect(img.headers['content-type']).toBe('image/png');
    // Reviewing is the regulator's: not the enterprise, not a welder.
    expect((await review('hengda.admin', mine.id, { decision: 'approve' })).status).toBe(403);
    expect((await review('welder.zhang', mine.id, { decision: 'approve' })).status).toBe(403);
    const bare = await review('huiting.regulator', mine.id, { decision: 'reject' });
    expect(bare.status).toBe(400);
    expect(fieldCodes(bare.body)).toContain('reason:isNotEmpty');
    const ok = await review('huiting.regulator', mine.id, { decision: 'approve' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ status: 'approved', welderId: ids.zhang });
    expect((await review('huiting.regulator', mine.id, { decision: 'approve' })).body.error.code).toBe('INVALID_STATE');
    const audit = await t.ds.query(
      `SELECT after FROM audit_log WHERE entity_id = $1 AND action = 'welder.photo.review'`,
      [ids.zhang],
    );
    expect(audit[0].after).toMatchObject({ photoId: mine.id, status: 'approved' });
  });

  it("a regulator outside the employer's area cannot review, even where the welder is dispatched", async () => {
    // 陈静 (宏远, 马头镇) photographed by her employer, which the platform admin stands in for here.
    const up = await upload('admin', ids.chen, png(100, 100));
    expect(up.status).toBe(200);
    const photoId = up.body.latest.id as string;
    const res = await review('huiting.regulator', photoId, { decision: 'approve' });
    expect([403, 404]).toContain(res.status);
    expect((await pending('huiting.regulator')).items.map((i) => i.id)).not.toContain(photoId);
    const rejected = await review('xiayi.regulator', photoId, { decision: 'reject', reason: '不是本人正面照' });
    expect(rejected.body).toMatchObject({ status: 'rejected', reviewReason: '不是本人正面照' });
  });

  it('the badge (the welder himself) and the public scan show the approved photo', async () => {
    const own = await t.http.get(`/api/welders/${ids.zhang}/photo/image`).set(await t.auth('welder.zhang'));
    expect(own.status).toBe(200);
    expect(own.headers['cache-control']).toContain('no-store');
    // Another welder's photo is not his business.
    expect((await t.http.get(`/api/welders/${ids.liu}/photo/image`).set(await t.auth('welder.zhang'))).status).toBe(
      404,
    );
    const code = await activeCode(t, ids.zhang);
    const scan = await t.http.get(`/api/public/codes/${code}`);
    expect(scan.body.welder).toMatchObject({ photo: true });
    const pub = await t.http.get(`/api/public/codes/${code}/photo`);
    expect(pub.status).toBe(200);
    expect(pub.headers['content-type']).toBe('image/png');
    // Only through a valid welder code: a machine code, a forged one, none.
    const machineCode = await activeCode(t, ids.steelMachine1);
    expect((await t.http.get(`/api/public/codes/${machineCode}/photo`)).status).toBe(404);
    // Its last character changed (to one it is not: a fixed 'X' left the code valid when it already ended in X).
    const forged = code.slice(0, -1) + (code.endsWith('X') ? 'Y' : 'X');
    expect((await t.http.get(`/api/public/codes/${forged}/photo`)).status).toBe(404);
    const liuCode = await activeCode(t, ids.liu);
    expect((await t.http.get(`/api/public/codes/${liuCode}`)).body.welder.photo).toBe(false);
    expect((await t.http.get(`/api/public/codes/${liuCode}/photo`)).status).toBe(404);
  });

  it('a deployment that keeps photos private shows them to nobody anonymous', async () => {
    priv = await createTestApp({ config: { welderPhotoPublic: false } });
    const pIds = await demoIds(priv.ds);
    const res = await priv.http
      .post(`/api/welders/${pIds.zhang}/photo`)
      .set(await priv.auth('hengda.admin'))
      .attach('file', png(120, 160), { filename: 'a.png', contentType: 'image/png' });
    const ok = await priv.http
      .post(`/api/welder-photos/${res.body.latest.id}/review`)
      .set(await priv.auth('xiayi.regulator'))
      .send({ decision: 'approve' });
    expect(ok.status).toBe(200);
    const code = await activeCode(priv, pIds.zhang);
    expect((await priv.http.get(`/api/public/codes/${code}`)).body.welder.photo).toBe(false);
    expect((await priv.http.get(`/api/public/codes/${code}/photo`)).status).toBe(404);
    // The badge still shows it to the welder.
    expect(
      (await priv.http.get(`/api/welders/${pIds.zhang}/photo/image`).set(await priv.auth('welder.zhang'))).status,
    ).toBe(200);
  });
});
