import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { cst, DemoIds, demoIds, permitBody } from './testing/permit-fixtures';

type Fields = { field: string; code: string }[];
const codes = (body: { error: { fields?: Fields } }) => (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);

describe('permits: bad input gets field-level 4xx on every write endpoint', () => {
  let t: TestApp;
  let ids: DemoIds;
  let draftId: string;
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    draftId = (
      await t.http
        .post('/api/permits')
        .set(await t.auth('hengda.admin'))
        .send(permitBody(ids))
    ).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  const send = async (method: 'post' | 'patch' | 'put', url: string, body: unknown, user = 'hengda.admin') =>
    t.http[method](url)
      .set(await t.auth(user))
      .send(body as object);

  it('POST /permits', async () => {
    const res = await send('post', '/api/permits', {
      level: 'level9',
      workDescription: '',
      plannedStart: '2026-01-05 09:00',
      plannedEnd: 'tomorrow',
      welderIds: ['x'],
      machineIds: [],
      extra: 1,
      site: { address: 'a', point: { lat: 91, lng: 0 }, geofence: { type: 'polygon', points: [{ lat: 1, lng: 1 }] } },
      fireWatcher: { personId: '12345' },
      checklist: { combustiblesCleared15m: 'yes' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(codes(res.body)).toEqual(
      expect.arrayContaining([
        'level:isEnum',
        'workDescription:minLength',
        'plannedStart:isInstant',
        'plannedEnd:isInstant',
        'welderIds:isUuid',
        'machineIds:arrayMinSize',
        'extra:unknownField',
        'site.point.lat:max',
        'site.geofence.points:arrayMinSize',
        'fireWatcher.personId:isUuid',
        'checklist.combustiblesCleared15m:isBoolean',
      ]),
    );
    const circle = await send(
      'post',
      '/api/permits',
      permitBody(ids, {
        site: { address: 'a', point: { lat: 34, lng: 116 }, geofence: { type: 'circle', radiusM: 1 } },
      }),
    );
    expect(codes(circle.body)).toEqual(
      expect.arrayContaining(['site.geofence.center:isDefined', 'site.geofence.radiusM:min']),
    );
    expect(
      codes((await send('post', '/api/permits', permitBody(ids, { welderIds: [ids.zhang, ids.zhang] }))).body),
    ).toContain('welderIds:arrayUnique');
    // supertest sends a bare string form-encoded: a body type this endpoint does not read.
    expect((await send('post', '/api/permits', 'not json at all')).status).toBe(415);
  });

  it('PATCH /permits/:id and a malformed id', async () => {
    expect(codes((await send('patch', `/api/permits/${draftId}`, { plannedEnd: 5, colour: 'red' })).body)).toEqual(
      expect.arrayContaining(['plannedEnd:isInstant', 'colour:unknownField']),
    );
    const badId = await send('patch', '/api/permits/123', {});
    expect(badId.status).toBe(400);
    expect(codes(badId.body)).toEqual(['id:isUuid']);
  });

  it('approve / reject / cancel / extend / close', async () => {
    expect(
      codes((await send('post', `/api/permits/${draftId}/approve`, { remark: 7 }, 'hengda.foreman')).body),
    ).toContain('remark:isString');
    expect(codes((await send('post', `/api/permits/${draftId}/reject`, {}, 'hengda.foreman')).body)).toEqual(
      expect.arrayContaining(['reason:isString']),
    );
    expect(codes((await send('post', `/api/permits/${draftId}/cancel`, { reason: 'x'.repeat(501) })).body)).toEqual([
      'reason:maxLength',
    ]);
    expect(
      codes((await send('post', `/api/permits/${draftId}/extend`, { newEnd: '2026-01-05T17:00:00' })).body),
    ).toEqual(expect.arrayContaining(['newEnd:isInstant', 'reason:isString']));
    expect(codes((await send('post', `/api/permits/${draftId}/close`, { workStoppedAt: null })).body)).toEqual(
      expect.arrayContaining(['workStoppedAt:isInstant', 'fireWatchEndedAt:isInstant']),
    );
    // Well-formed but not allowed in this state: 409 with the current status.
    const state = await send('post', `/api/permits/${draftId}/close`, {
      workStoppedAt: cst(5, '08:00'),
      fireWatchEndedAt: cst(5, '08:30'),
    });
    expect(state.status).toBe(409);
    expect(state.body.error.details.status).toBe('draft');
  });

  it('gas analyses: shape, LEL class, no future readings', async () => {
    const res = await send('post', `/api/permits/${draftId}/gas-analyses`, {
      takenAt: 'now',
      gas: '',
      readingPercentVol: -1,
      analyst: '',
    });
    expect(codes(res.body)).toEqual(
      expect.arrayContaining(['takenAt:isInstant', 'gas:minLength', 'readingPercentVol:min', 'analyst:minLength']),
    );
    const noGas = await send('post', `/api/permits/${draftId}/gas-analyses`, {
      takenAt: cst(5, '08:00'),
      lelClass: 'ge5',
      readingPercentVol: 0.1,
      analyst: '李',
    });
    expect(codes(noGas.body)).toEqual(expect.arrayContaining(['gasCode:isIn', 'gas:isString', 'lelClass:isEnum']));
    const future = await send('post', `/api/permits/${draftId}/gas-analyses`, {
      takenAt: cst(5, '08:02'),
      gas: '甲烷',
      lelClass: 'ge4',
      readingPercentVol: 0.1,
      analyst: '李',
    });
    expect(codes(future.body)).toEqual(['takenAt:inFuture']);
    const skew = await send('post', `/api/permits/${draftId}/gas-analyses`, {
      takenAt: cst(5, '08:01'),
      gas: '甲烷',
      lelClass: 'ge4',
      readingPercentVol: 0.1,
      analyst: '李',
    });
    expect(skew.status).toBe(201);
    // 氢气 has LEL 4 %: the class is ≥ 4 %, whatever the client says.
    const mismatch = await send('post', `/api/permits/${draftId}/gas-analyses`, {
      takenAt: cst(5, '08:00'),
      gas: '氢气',
      lelClass: 'lt4',
      lelPercent: 4,
      readingPercentVol: 0.1,
      analyst: '李',
    });
    expect(codes(mismatch.body)).toEqual(['lelClass:contradictsGas']);
  });

  it('attachments: JPEG/PNG by content, at most 5 MB, field "file" required', async () => {
    const auth = await t.auth('hengda.admin');
    const fake = await t.http
      .post(`/api/permits/${draftId}/attachments`)
      .set(auth)
      .attach('file', Buffer.from('<html>not an image</html>'), { filename: 'x.png', contentType: 'image/png' });
    expect(fake.status).toBe(415);
    expect(codes(fake.body)).toEqual(['file:unsupportedType']);
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 0);
    big.set([0xff, 0xd8, 0xff]);
    const tooBig = await t.http
      .post(`/api/permits/${draftId}/attachments`)
      .set(auth)
      .attach('file', big, { filename: 'big.jpg', contentType: 'image/jpeg' });
    expect(tooBig.status).toBe(413);
    const none = await t.http.post(`/api/permits/${draftId}/attachments`).set(auth).field('note', 'x');
    expect(none.status).toBe(400);
    const jpeg = await t.http
      .post(`/api/permits/${draftId}/attachments`)
      .set(auth)
      .attach('file', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), {
        filename: '../../etc/现场.jpg',
        contentType: 'application/octet-stream',
      });
    expect(jpeg.status).toBe(201);
    expect(jpeg.body).toMatchObject({ contentType: 'image/jpeg', fileName: '现场.jpg' });
  });

  it('evaluate, permit settings, positions and machine loans', async () => {
    expect(
      codes((await send('post', `/api/permits/${draftId}/evaluate`, { welderId: 'w', position: { lat: 'x' } })).body),
    ).toEqual(
      expect.arrayContaining(['welderId:isUuid', 'machineId:isUuid', 'position.lat:isNumber', 'position.lng:isNumber']),
    );
    const settings = await send('put', `/api/enterprises/${ids.steel}/permit-settings`, {
      holidays: ['2026-02-30'],
      nightHours: { start: '25:00', end: '6' },
      upgradeOnHolidays: 'y',
      approvalChains: { special: [], level1: ['boss'] },
    });
    expect(codes(settings.body)).toEqual(
      expect.arrayContaining([
        'holidays:isChinaDate',
        'nightHours.start:isHhMm',
        'nightHours.end:isHhMm',
        'upgradeOnHolidays:isBoolean',
        'upgradeAtNight:isBoolean',
        'approvalChains.special:arrayMinSize',
        'approvalChains.level1:isEnum',
        'approvalChains.level2:isArray',
      ]),
    );
    const same = await send('put', `/api/enterprises/${ids.steel}/permit-settings`, {
      holidays: [],
      nightHours: { start: '22:00', end: '22:00' },
      upgradeOnHolidays: true,
      upgradeAtNight: true,
      approvalChains: { special: ['principal'], level1: ['unit_head'], level2: ['unit_head'] },
    });
    expect(codes(same.body)).toEqual(['nightHours.end:sameAsStart']);
    expect(
      (
        await send('put', `/api/enterprises/${ids.machinery}/permit-settings`, {
          holidays: [],
          upgradeOnHolidays: true,
          upgradeAtNight: true,
          approvalChains: { special: ['principal'], level1: ['unit_head'], level2: ['unit_head'] },
        })
      ).status,
    ).toBe(404);
    expect(
      codes(
        (
          await send('put', `/api/enterprises/${ids.steel}/permit-positions/${ids.users['hengda.safety']}`, {
            positions: ['chef'],
          })
        ).body,
      ),
    ).toEqual(['positions:isEnum']);
    expect(
      codes(
        (
          await send('post', '/api/machine-loans', {
            machineId: ids.steelMachine2,
            borrowerEnterpriseId: ids.steel,
            startsAt: cst(5, '00:00'),
            endsAt: cst(6, '00:00'),
          })
        ).body,
      ),
    ).toEqual(['borrowerEnterpriseId:sameAsLender']);
    expect(codes((await send('post', '/api/machine-loans', { machineId: 'm', startsAt: 'x' })).body)).toEqual(
      expect.arrayContaining([
        'machineId:isUuid',
        'borrowerEnterpriseId:isUuid',
        'startsAt:isInstant',
        'endsAt:isInstant',
      ]),
    );
  });

  it('documents every permit route in OpenAPI', async () => {
    const doc = (await t.http.get('/api/docs-json')).body as {
      paths: Record<string, Record<string, { summary?: string }>>;
    };
    const ours = Object.entries(doc.paths).filter(([p]) => p.includes('/permit') || p.includes('machine-loans'));
    expect(ours.map(([p]) => p)).toEqual(
      expect.arrayContaining([
        '/api/permits',
        '/api/permits/{id}',
        '/api/permits/{id}/submit',
        '/api/permits/{id}/approve',
        '/api/permits/{id}/reject',
        '/api/permits/{id}/cancel',
        '/api/permits/{id}/extend',
        '/api/permits/{id}/close',
        '/api/permits/{id}/evaluate',
        '/api/permits/{id}/gas-analyses',
        '/api/permits/{id}/attachments',
        '/api/permits/{id}/attachments/{attachmentId}',
        '/api/enterprises/{id}/permit-settings',
        '/api/enterprises/{id}/permit-positions/{userId}',
        '/api/machine-loans',
      ]),
    );
    for (const [, ops] of ours) for (const op of Object.values(ops)) expect(op.summary).toBeTruthy();
  });
});
