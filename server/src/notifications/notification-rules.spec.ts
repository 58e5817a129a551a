import { AppConfig } from '../config/app-config';
import { resolveNotifyConfig } from '../config/notify-config';
import { validateEnvironment } from '../config/app-config';
import { alertMessage, chinaMinuteOfDay, inQuietHours, quietHoursEnd } from './notification-text';
import { maskEmail, maskTarget, maskWebhook } from './masking';
import { isPublicAddress, WebhookGuard } from './webhook-guard';
import { digestCounts, digestMessage } from './digest.scheduler';
import { AlertSeverity, AlertType } from '../alerts/alert-type';

// China time = UTC+8: 22:00 CST is 14:00Z.
const cst = (hhmm: string) => new Date(`2026-01-05T${hhmm}:00+08:00`);

describe('quiet hours (China day)', () => {
  it('over midnight: 22:00–07:00 holds 22:00..06:59, not 07:00 or 21:59', () => {
    expect(chinaMinuteOfDay(cst('22:00'))).toBe(1320);
    expect(inQuietHours(cst('22:00'), 1320, 420)).toBe(true);
    expect(inQuietHours(cst('03:10'), 1320, 420)).toBe(true);
    expect(inQuietHours(cst('06:59'), 1320, 420)).toBe(true);
    expect(inQuietHours(cst('07:00'), 1320, 420)).toBe(false);
    expect(inQuietHours(cst('21:59'), 1320, 420)).toBe(false);
    expect(inQuietHours(cst('03:00'), null, null)).toBe(false);
  });

  it('within a day: 12:00–14:00', () => {
    expect(inQuietHours(cst('12:30'), 720, 840)).toBe(true);
    expect(inQuietHours(cst('14:00'), 720, 840)).toBe(false);
  });

  it('ends at the next end minute', () => {
    expect(quietHoursEnd(cst('23:15'), 420).toISOString()).toBe(new Date('2026-01-06T07:00:00+08:00').toISOString());
    expect(quietHoursEnd(cst('03:15'), 420).toISOString()).toBe(cst('07:00').toISOString());
  });
});

describe('messages', () => {
  it('first level and escalation', () => {
    const base = {
      alertId: 'a',
      alertType: AlertType.ARC_WITHOUT_GRANT,
      severity: AlertSeverity.Critical,
      raisedAt: cst('16:00'),
      enterpriseName: '夏邑县恒达钢结构有限公司',
      regionName: '会亭镇',
      level: 'enterprise_safety' as const,
      escalatedAfterMin: null,
      consoleUrl: 'https://arcgate.test/alerts',
    };
    const first = alertMessage(base);
    expect(first.title).toBe('【严重告警】无授权起弧（疑似绕过或改装设备）');
    expect(first.lines).toEqual([
      '单位：夏邑县恒达钢结构有限公司',
      '地区：会亭镇',
      '时间：2026-01-05 16:00',
      '请登录 ArcGate 查看处理：https://arcgate.test/alerts',
    ]);
    const up = alertMessage({ ...base, level: 'township', escalatedAfterMin: 10 });
    expect(up.title).toMatch(/^【告警升级·严重】/);
    expect(up.lines).toContain('已超过 10 分钟无人确认，现通知乡镇监管部门');
  });

  it('digest', () => {
    const c = digestCounts([
      { type: AlertType.ARC_WITHOUT_GRANT, severity: AlertSeverity.Critical, count: 2 },
      { type: AlertType.HAZARD_OVERDUE, severity: AlertSeverity.Warning, count: 3 },
      { type: AlertType.CERTIFICATE_EXPIRING, severity: AlertSeverity.Info, count: 4 },
      { type: AlertType.CERTIFICATE_EXPIRED, severity: AlertSeverity.Critical, count: 1 },
    ]);
    expect(c).toEqual({
      open: { critical: 3, warning: 3, info: 4 },
      overdueHazards: 3,
      expiringCertificates: 4,
      expiredCertificates: 1,
    });
    expect(digestMessage('会亭镇', '2026-01-05', c, 'u').lines[0]).toBe('未关闭告警：10 条（严重 3，警告 3，提示 4）');
  });
});

describe('masking', () => {
  it('phones, e-mail and robot keys', () => {
    expect(maskTarget('sms', '13837001001')).toBe('138****1001');
    expect(maskEmail('safety@hengda.test')).toBe('s***@hengda.test');
    expect(
      maskWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa'),
    ).toBe('qyapi.weixin.qq.com/…5aaa');
    expect(maskWebhook('not a url')).toBe('***');
  });
});

describe('WebhookGuard (SSRF)', () => {
  const guard = (
    n: Partial<AppConfig['notifications']> = {},
    nodeEnv: AppConfig['nodeEnv'] = 'development',
    resolve = async (_h: string) => ['220.181.38.148'],
  ) => new WebhookGuard({ nodeEnv, notifications: n } as AppConfig, resolve);

  it('public addresses only', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '203.0.113.10',
    ])
      expect([a, isPublicAddress(a)]).toEqual([a, false]);
    for (const a of ['220.181.38.148', '8.8.8.8', '2400:3200::1']) expect([a, isPublicAddress(a)]).toEqual([a, true]);
  });

  it('https only unless config allows http (never in production)', async () => {
    expect(await guard().problemOf('http://oapi.dingtalk.com/robot/send')).toBe('webhookHttpsRequired');
    expect(await guard({ allowHttpWebhooks: true }).problemOf('http://oapi.dingtalk.com/robot/send')).toBeNull();
    expect(await guard({ allowHttpWebhooks: true }, 'production').problemOf('http://oapi.dingtalk.com/x')).toBe(
      'webhookHttpsRequired',
    );
    expect(await guard().problemOf('ftp://x/y')).toBe('webhookUrlInvalid');
    expect(await guard().problemOf('https://user:pw@oapi.dingtalk.com/x')).toBe('webhookUrlInvalid');
    expect(await guard().problemOf('nonsense')).toBe('webhookUrlInvalid');
  });

  it('internal addresses refused, by literal or by what the name resolves to, unless config allows them', async () => {
    expect(await guard().problemOf('https://127.0.0.1/x')).toBe('webhookAddressForbidden');
    expect(await guard().problemOf('https://[::1]/x')).toBe('webhookAddressForbidden');
    expect(await guard().problemOf('https://169.254.169.254/latest/meta-data')).toBe('webhookAddressForbidden');
    const rebinding = guard({}, 'development', async () => ['220.181.38.148', '10.0.0.5']);
    expect(await rebinding.problemOf('https://evil.example/x')).toBe('webhookAddressForbidden');
    const unresolvable = guard({}, 'development', async () => {
      throw new Error('ENOTFOUND');
    });
    expect(await unresolvable.problemOf('https://nowhere.invalid/x')).toBe('webhookUnresolvable');
    expect(await guard().problemOf('https://oapi.dingtalk.com/robot/send?access_token=x')).toBeNull();
    expect(await guard({ allowPrivateWebhooks: true }).problemOf('https://10.0.0.5/robot')).toBeNull();
  });
});

describe('SMS and notification configuration (checked at start-up)', () => {
  const env = (v: Record<string, string>) => ({ JWT_SECRET: 'x'.repeat(32), ...v });

  it('defaults: the log provider', () => {
    const r = resolveNotifyConfig(validateEnvironment(env({})));
    expect(r).toMatchObject({ sms: { provider: 'log' }, notifications: { allowHttpWebhooks: false, digestHour: 8 } });
  });

  it('http provider: URL, placeholders, headers JSON and patterns are checked', () => {
    expect(() => validateEnvironment(env({ SMS_PROVIDER: 'http' }))).toThrow(/SMS_HTTP_URL must be set/);
    expect(() => validateEnvironment(env({ SMS_PROVIDER: 'carrier-pigeon' }))).toThrow(
      /SMS_PROVIDER must be log or http/,
    );
    expect(() =>
      validateEnvironment(
        env({ SMS_PROVIDER: 'http', SMS_HTTP_URL: 'https://sms.test/send', SMS_HTTP_BODY: '{"m":"{phone}"}' }),
      ),
    ).toThrow(/\{phone\} and \{text\}/);
    expect(() =>
      validateEnvironment(
        env({
          SMS_PROVIDER: 'http',
          SMS_HTTP_URL: 'https://sms.test/send',
          SMS_HTTP_BODY: '{phone}{text}',
          SMS_HTTP_HEADERS: '[1]',
        }),
      ),
    ).toThrow(/SMS_HTTP_HEADERS/);
    expect(() =>
      validateEnvironment(
        env({
          SMS_PROVIDER: 'http',
          SMS_HTTP_URL: 'https://sms.test/send',
          SMS_HTTP_BODY: '{phone}{text}',
          SMS_HTTP_SUCCESS: '(',
        }),
      ),
    ).toThrow(/SMS_HTTP_SUCCESS/);
    const ok = validateEnvironment(
      env({
        SMS_PROVIDER: 'http',
        SMS_HTTP_URL: 'https://sms.test/send',
        SMS_HTTP_HEADERS: '{"content-type":"application/json"}',
        SMS_HTTP_BODY: '{"mobile":"{phone}","content":"{text}"}',
        SMS_HTTP_SUCCESS: '"code":0',
      }),
    );
    expect(resolveNotifyConfig(ok)).toMatchObject({
      sms: {
        provider: 'http',
        http: { url: 'https://sms.test/send', method: 'POST', headers: { 'content-type': 'application/json' } },
      },
    });
  });

  it('production: https gateway, no http webhooks; SMTP needs a from address', () => {
    const prod = {
      NODE_ENV: 'production',
      CODE_SIGNING_KEY: 'a'.repeat(64),
      DATA_ENCRYPTION_KEY: 'b'.repeat(64),
      DEVICE_SIGNING_KEY: 'A'.repeat(60),
    };
    expect(() => validateEnvironment(env({ ...prod, NOTIFY_WEBHOOK_ALLOW_HTTP: 'true' }))).toThrow(/https only/);
    expect(() =>
      validateEnvironment(
        env({ ...prod, SMS_PROVIDER: 'http', SMS_HTTP_URL: 'http://sms.test/x', SMS_HTTP_BODY: '{phone}{text}' }),
      ),
    ).toThrow(/https:\/\/ in production/);
    expect(() => validateEnvironment(env({ SMTP_URL: 'smtp://mail.test:25' }))).toThrow(/SMTP_FROM/);
    expect(() => validateEnvironment(env({ SMTP_URL: 'http://mail.test' }))).toThrow(/SMTP_URL/);
  });
});
