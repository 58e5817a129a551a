import { createTestApp, TestApp } from '../../test-support/test-app';
import { CodesService } from '../codes/codes.service';
import { CodeSubjectType } from '../codes/identity-code.entity';
import { FakeClock } from '../common/clock/clock';
import { maskIdNumber, maskPhone } from '../common/validation/identifiers';
import { DEMO_WELDERS } from '../seed/demo-data';
import { PUBLIC_SCAN_RATE_LIMIT } from './public-scan-throttler.guard';

// testTimeout in a jest project entry is ignored (it is a global option): boot and tests may be slow on a busy machine.
jest.setTimeout(60_000);

describe('public code scan', () => {
  let t: TestApp;
  const clock = new FakeClock(new Date('2026-05-01T02:00:00Z'));
  beforeAll(async () => {
    t = await createTestApp({ clock });
  });
  afterAll(async () => {
    await t.close();
  });

  async function codeOf(type: 'machine' | 'welder', where: string, value: string): Promise<string> {
    const table = type === 'machine' ? 'machines' : 'welders';
    const [row] = await t.ds.query(
      `SELECT c.code FROM ${table} s JOIN identity_codes c ON c.subject_type = $1 AND c.subject_id = s.id AND c.status = 'active' WHERE s.${where} = $2`,
      [type, value],
    );
    return row.code;
  }
  const scan = (code: string) => t.http.get(`/api/public/codes/${encodeURIComponent(code)}`);

  it('describes a valid machine code without log-in', async () => {
    const code = await codeOf('machine', 'serial_number', 'SD-WS400-240101');
    const res = await scan(code);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({
      type: 'machine',
      code,
      valid: true,
      machine: { name: '1号车间氩弧焊机', kind: 'electric_arc', status: 'active', registered: true, chipBound: false },
      enterprise: { name: '夏邑县恒达钢结构有限公司', status: 'active' },
      authorisation: { authorisedNow: false, permitInForce: false, unlockedNow: false },
    });
    // Codes are read off labels by hand too: case does not matter.
    expect((await scan(code.toLowerCase())).body.code).toBe(code);
  });

  it('reports a suspended machine as not registered and a bound chip as bound', async () => {
    const serial = 'JS-DN25-992104';
    await t.ds.query(`UPDATE machines SET status = 'suspended', chip_id = 'CHIP-0001' WHERE serial_number = $1`, [
      serial,
    ]);
    const res = await scan(await codeOf('machine', 'serial_number', serial));
    expect(res.status).toBe(200);
    expect(res.body.machine).toMatchObject({ status: 'suspended', registered: false, chipBound: true });
    expect(res.text).not.toContain('CHIP-0001');
  });

  it("shows a welder only masked, with today's certificate validity", async () => {
    const zhang = DEMO_WELDERS.find((w) => w.key === 'zhang')!;
    const res = await scan(await codeOf('welder', 'real_name', zhang.realName));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      type: 'welder',
      code: expect.any(String),
      valid: true,
      welder: { maskedName: '张*', status: 'active', photo: false },
      certificate: { validToday: true, state: 'valid', expiresOn: '2028-03-01' },
    });
    for (const secret of [
      zhang.realName,
      zhang.idNumber,
      zhang.phone,
      maskIdNumber(zhang.idNumber),
      maskPhone(zhang.phone),
      '恒达',
      '王建国',
    ]) {
      expect(res.text).not.toContain(secret);
    }
  });

  it('follows the clock: the same certificate is expired after its expiry date', async () => {
    const code = await codeOf('welder', 'real_name', '张伟');
    clock.set('2028-03-01T00:30:00+08:00');
    try {
      const res = await scan(code);
      expect(res.body.certificate).toEqual({ validToday: false, state: 'expired', expiresOn: '2028-03-01' });
    } finally {
      clock.set('2026-05-01T02:00:00Z');
    }
  });

  it('says a welder without a certificate may not work', async () => {
    const res = await scan(await codeOf('welder', 'real_name', '孙磊'));
    expect(res.status).toBe(200);
    expect(res.body.welder).toEqual({ maskedName: '孙*', status: 'active', photo: false });
    expect(res.body.certificate).toEqual({ validToday: false, state: 'none' });
  });

  it('recognises altered codes as forged', async () => {
    const code = await codeOf('machine', 'serial_number', 'AT-NBC500-230877');
    const i = 8;
    const altered = code.slice(0, i) + (code[i] === 'A' ? 'B' : 'A') + code.slice(i + 1);
    const res = await scan(altered);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('CODE_FORGED');
    expect(res.body.error.message).toContain('伪造或被篡改');
    // A machine code turned into a welder code by its type letter is just as forged.
    expect((await scan(`W${code.slice(1)}`)).body.error.code).toBe('CODE_FORGED');
  });

  it('rejects garbage as malformed', async () => {
    for (const garbage of ['hello', 'M123', '../../etc/passwd', 'Z'.repeat(300), '<script>']) {
      const res = await scan(garbage);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('CODE_MALFORMED');
    }
  });

  it('answers 404 CODE_UNKNOWN for a genuinely signed code that was never issued', async () => {
    const unissued = t.app.get(CodesService).signer.generate(CodeSubjectType.Machine);
    const res = await scan(unissued);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('CODE_UNKNOWN');
  });

  it('answers 410 CODE_REVOKED with what was revoked, when and why', async () => {
    const serial = 'RL-ZX7315-771235';
    const code = await codeOf('machine', 'serial_number', serial);
    const [m] = await t.ds.query('SELECT id FROM machines WHERE serial_number = $1', [serial]);
    await t.http
      .post(`/api/codes/machines/${m.id}/revoke`)
      .set(await t.auth('admin'))
      .send({ reason: '设备报废' })
      .expect(200);
    const res = await scan(code);
    expect(res.status).toBe(410);
    expect(res.body.error).toMatchObject({
      code: 'CODE_REVOKED',
      details: { subjectType: 'machine', revokedAt: '2026-05-01T02:00:00.000Z', reasonCategory: 'revoked' },
    });
    expect(JSON.stringify(res.body)).not.toContain('设备报废');
  });
});

describe('public code scan rate limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it(`allows ${PUBLIC_SCAN_RATE_LIMIT.limit} scans a minute per address, then answers 429`, async () => {
    expect(PUBLIC_SCAN_RATE_LIMIT.ttl).toBe(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < PUBLIC_SCAN_RATE_LIMIT.limit; i++)
      statuses.push((await t.http.get(`/api/public/codes/not-a-code-${i}`)).status);
    expect(statuses.every((s) => s === 400)).toBe(true);
    const blocked = await t.http.get('/api/public/codes/not-a-code');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('TOO_MANY_REQUESTS');
    // The log-in throttler is separate: logging in still works.
    expect((await t.http.post('/api/auth/login').send({ username: 'nobody', password: 'x' })).status).toBe(401);
  });
});

describe('public code scan rate limit behind a reverse proxy', () => {
  const exhaust = async (t: TestApp, client: string) => {
    for (let i = 0; i < PUBLIC_SCAN_RATE_LIMIT.limit; i++)
      await t.http.get(`/api/public/codes/not-a-code-${i}`).set('X-Forwarded-For', client);
  };

  it('keys on the forwarded client address when TRUST_PROXY names the proxy', async () => {
    const t = await createTestApp({ seed: false, config: { trustProxy: ['loopback'] } });
    try {
      await exhaust(t, '203.0.113.7');
      expect((await t.http.get('/api/public/codes/x').set('X-Forwarded-For', '203.0.113.7')).status).toBe(429);
      // Another person behind the same proxy keeps their own allowance.
      expect((await t.http.get('/api/public/codes/x').set('X-Forwarded-For', '203.0.113.8')).status).toBe(400);
    } finally {
      await t.close();
    }
  });

  it('ignores X-Forwarded-For without TRUST_PROXY, so a client cannot dodge the limit by forging it', async () => {
    const t = await createTestApp({ seed: false });
    try {
      await exhaust(t, '203.0.113.7');
      expect((await t.http.get('/api/public/codes/x').set('X-Forwarded-For', '203.0.113.8')).status).toBe(429);
    } finally {
      await t.close();
    }
  });
});
