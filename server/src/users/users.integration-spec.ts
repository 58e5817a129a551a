import { createTestApp, TestApp } from '../../test-support/test-app';

describe('user accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const body = (extra: Record<string, unknown>) => ({
    username: `u${Math.random().toString(36).slice(2, 10)}`,
    password: 'Hanjie-Gate#8x',
    displayName: '测试',
    ...extra,
  });

  it('lets a county regulator create a township regulator inside its subtree, and that account logs in', async () => {
    const res = await t.http
      .post('/api/users')
      .set(await t.auth('xiayi.regulator'))
      .send(body({ role: 'regulator', regionCode: '411426101' }));
    expect(res.status).toBe(201);
    expect(res.body.passwordHash).toBeUndefined();
    const login = await t.http
      .post('/api/auth/login')
      .send({ username: res.body.username, password: 'Hanjie-Gate#8x' });
    expect(login.status).toBe(200);
    const [row] = await t.ds.query('SELECT password_hash FROM users WHERE id = $1', [res.body.id]);
    expect(row.password_hash).not.toContain('Hanjie-Gate#8x');
  });

  it('refuses a township regulator creating one for a sibling township or the county', async () => {
    for (const regionCode of ['411426101', '411426']) {
      const res = await t.http
        .post('/api/users')
        .set(await t.auth('huiting.regulator'))
        .send(body({ role: 'regulator', regionCode }));
      expect(res.status).toBe(403);
    }
  });

  it('lets an enterprise admin add a safety manager for its own enterprise only', async () => {
    const [steel] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%恒达%'`);
    const [machinery] = await t.ds.query(`SELECT id FROM enterprises WHERE name LIKE '%宏远%'`);
    const own = await t.http
      .post('/api/users')
      .set(await t.auth('hengda.admin'))
      .send(body({ role: 'safety_manager', enterpriseId: steel.id }));
    expect(own.status).toBe(201);
    const other = await t.http
      .post('/api/users')
      .set(await t.auth('hengda.admin'))
      .send(body({ role: 'safety_manager', enterpriseId: machinery.id }));
    expect(other.status).toBe(404);
    const admin = await t.http
      .post('/api/users')
      .set(await t.auth('hengda.admin'))
      .send(body({ role: 'platform_admin' }));
    expect(admin.status).toBe(403);
  });

  it('refuses welders and answers bad bodies with field codes', async () => {
    expect(
      (
        await t.http
          .post('/api/users')
          .set(await t.auth('welder.zhang'))
          .send(body({ role: 'welder' }))
      ).status,
    ).toBe(403);
    const res = await t.http
      .post('/api/users')
      .set(await t.auth('admin'))
      .send({ username: 'a b', password: 'short', role: 'king', regionCode: '12', bogus: 1 });
    expect(res.status).toBe(400);
    const fields = res.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`);
    expect(fields).toEqual(
      expect.arrayContaining([
        'username:matches',
        'password:minLength',
        'displayName:isString',
        'role:isEnum',
        'regionCode:isRegionCode',
        'bogus:unknownField',
      ]),
    );
    const dup = await t.http
      .post('/api/users')
      .set(await t.auth('admin'))
      .send(body({ username: 'admin', role: 'platform_admin' }));
    expect(dup.status).toBe(409);
    expect(dup.body.error.fields[0]).toMatchObject({ field: 'username', code: 'duplicate' });
    const noRegion = await t.http
      .post('/api/users')
      .set(await t.auth('admin'))
      .send(body({ role: 'regulator', regionCode: '999999' }));
    expect(noRegion.status).toBe(422);
  });

  it('audits account creation without the password', async () => {
    const res = await t.http
      .post('/api/users')
      .set(await t.auth('admin'))
      .send(body({ role: 'platform_admin' }));
    const [entry] = await t.ds.query(`SELECT * FROM audit_log WHERE entity_type = 'user' AND entity_id = $1`, [
      res.body.id,
    ]);
    expect(entry.action).toBe('user.create');
    expect(JSON.stringify(entry)).not.toContain('Hanjie-Gate#8x');
  });
  it('gives one welder one account: a second is refused, also when two are created at once', async () => {
    const welderOf = async (name: string) =>
      (await t.ds.query<{ id: string }[]>('SELECT id FROM welders WHERE real_name = $1', [name]))[0].id;
    const admin = await t.auth('admin');
    // 张伟 activated his account (demo data): an admin cannot add another one for him.
    const second = await t.http
      .post('/api/users')
      .set(admin)
      .send(body({ role: 'welder', welderId: await welderOf('张伟') }));
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'DUPLICATE', fields: [{ field: 'welderId', code: 'hasAccount' }] });

    // 孙磊 has none yet: of four accounts requested at the same moment, one is created.
    const sun = await welderOf('孙磊');
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.http
          .post('/api/users')
          .set(admin)
          .send(body({ role: 'welder', welderId: sun })),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409]);
    const [{ n }] = await t.ds.query<{ n: number }[]>('SELECT count(*)::int AS n FROM users WHERE welder_id = $1', [
      sun,
    ]);
    expect(n).toBe(1);
  });
});
