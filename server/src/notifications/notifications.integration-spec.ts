import { createHmac } from 'node:crypto';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertsService } from '../alerts/alerts.service';
import { AlertSeverity, AlertType } from '../alerts/alert-type';
import { FakeClock } from '../common/clock/clock';
import { DEMO_PASSWORD } from '../seed/demo-data';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';
import { DigestScheduler } from './digest.scheduler';
import { NotificationWorker } from './notification-worker';
import { FakeProviders } from './local-providers';

/**
 * Issue 16 §2 end to end on the real application: an alert raised through AlertsService reaches the right
 * robots and the SMS gateway (local providers) in their documented formats, escalates after the rule's
 * minutes on the injected clock, stops once acknowledged, waits out quiet hours (non-critical only),
 * retries with back-off and raises a platform alert on the last failure, and the daily digest goes out once.
 */
describe('notifications (integration)', () => {
  const providers = new FakeProviders();
  const clock = new FakeClock(new Date('2026-01-05T16:00:00+08:00'));
  const DING_SECRET = 'SECdingtalk-0123456789';
  let t: TestApp;
  let ids: DemoIds;
  let alerts: AlertsService;
  let worker: NotificationWorker;

  beforeAll(async () => {
    await providers.start();
    t = await createTestApp({
      clock,
      config: {
        notifications: {
          workerDisabled: true,
          allowHttpWebhooks: true,
          allowPrivateWebhooks: true,
          retryBaseMs: 1000,
          maxAttempts: 3,
          digestHour: 8,
        },
        sms: {
          provider: 'http',
          http: {
            url: `${providers.baseUrl}/sms/send`,
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            bodyTemplate: '{"mobile":"{phone}","content":"{text}"}',
            successPattern: '"code":0',
          },
        },
      },
    });
    ids = await demoIds(t.ds);
    // a regulator of another township (马头镇)
    const created = await t.http
      .post('/api/users')
      .set(await t.auth('admin'))
      .send({
        username: 'matou.regulator',
        password: DEMO_PASSWORD,
        displayName: '马头镇安监站',
        role: 'regulator',
        regionCode: '411426101',
      });
    expect(created.status).toBe(201);
    alerts = t.app.get(AlertsService);
    worker = t.app.get(NotificationWorker);
    await worker.drain();
    // Where 恒达, 会亭镇 and 夏邑县 are told (set through the API, within each role).
    const add = async (user: string, body: Record<string, unknown>) => {
      const res = await t.http
        .post('/api/notification-endpoints')
        .set(await t.auth(user))
        .send(body);
      expect([user, res.status, res.body]).toEqual([user, 201, expect.objectContaining({ id: expect.any(String) })]);
      return res.body as { id: string; target: string; signed: boolean };
    };
    const ding = await add('hengda.admin', {
      scope: 'enterprise',
      channel: 'dingtalk',
      target: `${providers.baseUrl}/dingtalk/robot/send?access_token=HENGDA`,
      secret: DING_SECRET,
    });
    expect(ding.signed).toBe(true);
    expect(ding.target).not.toContain('HENGDA');
    await add('hengda.safety', { scope: 'user', channel: 'sms', target: '13900000001' });
    await add('huiting.regulator', {
      scope: 'region',
      channel: 'wecom',
      target: `${providers.baseUrl}/wecom/cgi-bin/webhook/send?key=HUITING`,
    });
    await add('xiayi.regulator', {
      scope: 'region',
      channel: 'feishu',
      target: `${providers.baseUrl}/feishu/open-apis/bot/v2/hook/XIAYI`,
      secret: 'feishu-secret-xyz',
    });
    providers.clear();
  });

  afterAll(async () => {
    await t?.close();
    await providers.stop();
  });

  const deliveriesOf = async (alertId: string) =>
    t.ds.query<{ channel: string; level: string; status: string; attempts: number; recipientMasked: string }[]>(
      `SELECT channel, level, status, attempts, recipient_masked AS "recipientMasked" FROM notification_deliveries WHERE alert_id = $1 ORDER BY created_at, channel`,
      [alertId],
    );

  const raise = (type: AlertType, key: string, severity?: AlertSeverity) =>
    alerts.raise({
      type,
      severity,
      enterpriseId: ids.steel,
      machineId: ids.steelMachine1,
      evidence: {},
      dedupeKey: key,
    });

  it('a critical alert reaches the enterprise robot (signed markdown) and the SMS gateway (safety manager, principal)', async () => {
    const a = await raise(AlertType.ARC_WITHOUT_GRANT, 'n-critical-1');
    await worker.drain();

    const [ding] = providers.on('/dingtalk');
    expect(ding.query.get('access_token')).toBe('HENGDA');
    const ts = ding.query.get('timestamp')!;
    expect(ding.query.get('sign')).toBe(
      createHmac('sha256', DING_SECRET).update(`${ts}\n${DING_SECRET}`).digest('base64'),
    );
    expect(ding.json).toMatchObject({
      msgtype: 'markdown',
      markdown: {
        title: '【严重告警】无授权起弧（疑似绕过或改装设备）',
        text: expect.stringContaining('夏邑县恒达钢结构有限公司'),
      },
    });
    // enterprise_safety, then (no escalation yet) nothing else: the principal is the second level
    const sms = providers.on('/sms').map((h) => h.json);
    expect(sms).toEqual([{ mobile: '13900000001', content: expect.stringMatching(/^【严重告警】无授权起弧/) }]);
    expect(providers.on('/wecom')).toHaveLength(0);

    // the safety managers see it in the bell
    const bell = await t.http.get('/api/notifications/unread-count').set(await t.auth('hengda.safety'));
    expect(bell.body.unread).toBeGreaterThanOrEqual(1);
    const list = await t.http.get('/api/notifications?unread=true').set(await t.auth('hengda.safety'));
    expect([list.status, list.body]).toEqual([200, expect.objectContaining({ items: expect.any(Array) })]);
    const mine = list.body.items.find((n: { alertId: string }) => n.alertId === a.id);
    expect(mine).toMatchObject({
      kind: 'alert',
      severity: 'critical',
      level: 'enterprise_safety',
      alertType: 'ARC_WITHOUT_GRANT',
    });
    // another user cannot mark it read; its owner can
    expect((await t.http.post(`/api/notifications/${mine.id}/read`).set(await t.auth('hengda.admin'))).status).toBe(
      404,
    );
    const read = await t.http.post(`/api/notifications/${mine.id}/read`).set(await t.auth('hengda.safety'));
    expect(read.status).toBe(200);
    expect(read.body.unread).toBe(bell.body.unread - 1);

    expect(await deliveriesOf(a.id)).toEqual([
      {
        channel: 'dingtalk',
        level: 'enterprise_safety',
        status: 'sent',
        attempts: 1,
        recipientMasked: expect.stringMatching(/…/),
      },
      { channel: 'sms', level: 'enterprise_safety', status: 'sent', attempts: 1, recipientMasked: '139****0001' },
    ]);

    // 10 minutes unacknowledged (the default critical rule): the principal, by SMS
    providers.clear();
    clock.advance(9 * 60_000);
    await worker.drain();
    expect(providers.hits).toHaveLength(0);
    clock.advance(60_000);
    await worker.drain();
    expect(providers.on('/sms').map((h) => h.json)).toEqual([
      { mobile: '13837001001', content: expect.stringContaining('已超过 10 分钟无人确认，现通知企业主要负责人') },
    ]);
    // 10 more: the township (会亭镇's WeCom robot, markdown) and its regulators in the bell
    providers.clear();
    clock.advance(10 * 60_000);
    await worker.drain();
    const [wecom] = providers.on('/wecom');
    expect(wecom.query.get('key')).toBe('HUITING');
    expect(wecom.json).toMatchObject({
      msgtype: 'markdown',
      markdown: { content: expect.stringContaining('告警升级') },
    });
    const huiting = await t.http.get('/api/notifications?unread=true').set(await t.auth('huiting.regulator'));
    expect(
      huiting.body.items.some((n: { alertId: string; kind: string }) => n.alertId === a.id && n.kind === 'escalation'),
    ).toBe(true);

    // acknowledged: the county is never told
    await t.http
      .post(`/api/alerts/${a.id}/acknowledge`)
      .set(await t.auth('huiting.regulator'))
      .send({ note: '已到场' });
    providers.clear();
    clock.advance(30 * 60_000);
    await worker.drain();
    expect(providers.on('/feishu')).toHaveLength(0);
    expect((await deliveriesOf(a.id)).map((d) => d.level)).not.toContain('county');
  });

  it('an unacknowledged critical alert reaches the county (Feishu, signed) after three periods', async () => {
    const a = await raise(AlertType.GAS_ABOVE_LIMIT, 'n-critical-2');
    await worker.drain();
    for (let i = 0; i < 3; i++) {
      clock.advance(10 * 60_000);
      await worker.drain();
    }
    const [fs] = providers.on('/feishu');
    expect(fs.json).toMatchObject({ msg_type: 'text', content: { text: expect.stringContaining('县级监管部门') } });
    const ts = Number(fs.json!.timestamp);
    expect(fs.json!.sign).toBe(createHmac('sha256', `${ts}\nfeishu-secret-xyz`).digest('base64'));
    expect(new Set((await deliveriesOf(a.id)).map((d) => d.level))).toEqual(
      new Set(['enterprise_safety', 'enterprise_principal', 'township', 'county']),
    );
    await alerts.close({ userId: null, username: 'system', role: 'system' }, a.id, '测试结束');
    providers.clear();
  });

  it('quiet hours hold a warning until 07:00 but not a critical alert', async () => {
    clock.set('2026-01-05T23:30:00+08:00');
    const warn = await raise(AlertType.DEVICE_OFFLINE_DURING_PERMIT, 'n-quiet-warn');
    const crit = await raise(AlertType.TAMPER, 'n-quiet-crit');
    await worker.drain();
    expect(await deliveriesOf(warn.id)).toEqual([]);
    expect((await deliveriesOf(crit.id)).length).toBeGreaterThan(0);
    clock.set('2026-01-06T06:59:00+08:00');
    await worker.drain();
    expect(await deliveriesOf(warn.id)).toEqual([]);
    clock.set('2026-01-06T07:00:30+08:00');
    await worker.drain();
    expect((await deliveriesOf(warn.id)).map((d) => [d.channel, d.status])).toEqual([
      ['dingtalk', 'sent'],
      ['sms', 'sent'],
    ]);
    for (const a of [warn, crit])
      await alerts.close({ userId: null, username: 'system', role: 'system' }, a.id, '测试');
    providers.clear();
  });

  it('a repeat that raises the severity starts the track over under the critical rule, once', async () => {
    clock.set('2026-01-06T23:30:00+08:00');
    const held = await raise(AlertType.HAZARD_OVERDUE, 'n-severity-up', AlertSeverity.Warning);
    await worker.drain();
    expect(await deliveriesOf(held.id)).toEqual([]); // a warning in quiet hours waits
    // the hazard became 重大: the same alert, now critical, goes out at once despite the quiet hours
    const again = await raise(AlertType.HAZARD_OVERDUE, 'n-severity-up', AlertSeverity.Critical);
    expect(again.id).toBe(held.id);
    await worker.drain();
    const told = await deliveriesOf(held.id);
    expect(told.map((d) => [d.channel, d.level, d.status])).toEqual([
      ['dingtalk', 'enterprise_safety', 'sent'],
      ['sms', 'enterprise_safety', 'sent'],
    ]);
    // repeating at the same severity changes nothing
    await raise(AlertType.HAZARD_OVERDUE, 'n-severity-up', AlertSeverity.Critical);
    await worker.drain();
    expect(await deliveriesOf(held.id)).toHaveLength(told.length);
    await alerts.close({ userId: null, username: 'system', role: 'system' }, held.id, '测试');
    providers.clear();
  });

  it('a failing robot is retried with back-off; the last failure raises one platform alert, told in the console only', async () => {
    providers.replies.set('/dingtalk', { status: 200, body: { errcode: 310000, errmsg: 'sign not match' } });
    const a = await raise(AlertType.RELAY_FAULT, 'n-retry');
    await worker.drain();
    const ding = async () => (await deliveriesOf(a.id)).find((d) => d.channel === 'dingtalk')!;
    expect(await ding()).toMatchObject({ status: 'pending', attempts: 1 });
    clock.advance(999);
    await worker.drain();
    expect((await ding()).attempts).toBe(1);
    clock.advance(1);
    await worker.drain();
    expect(await ding()).toMatchObject({ status: 'pending', attempts: 2 });
    clock.advance(2000);
    await worker.drain();
    expect(await ding()).toMatchObject({ status: 'failed', attempts: 3 });
    expect(providers.on('/dingtalk')).toHaveLength(3);

    const [failed] = await t.ds.query(
      `SELECT id, enterprise_id, evidence FROM alerts WHERE type = 'NOTIFICATION_DELIVERY_FAILED'`,
    );
    expect(failed.enterprise_id).toBeNull();
    expect(failed.evidence).toMatchObject({
      channel: 'dingtalk',
      attempts: 3,
      failure: 'provider_refused',
      providerCode: '310000',
      error: expect.stringContaining('310000'),
    });
    expect(JSON.stringify(failed.evidence)).not.toContain('HENGDA');
    await worker.drain();
    // the platform admins hear of it in the console; nothing is pushed out for it (no loop)
    expect(await deliveriesOf(failed.id)).toEqual([]);
    const bell = await t.http.get('/api/notifications?unread=true').set(await t.auth('admin'));
    expect(
      bell.body.items.some(
        (n: { alertId: string; kind: string }) => n.alertId === failed.id && n.kind === 'delivery_failed',
      ),
    ).toBe(true);

    // the delivery log: the platform and the township see it, another township and the enterprise do not
    const log = await t.http
      .get(`/api/notification-deliveries?alertId=${a.id}&status=failed`)
      .set(await t.auth('huiting.regulator'));
    expect(log.status).toBe(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        channel: 'dingtalk',
        status: 'failed',
        attempts: 3,
        lastFailure: 'provider_refused',
        lastProviderCode: '310000',
        lastError: expect.stringContaining('310000'),
      }),
    ]);
    expect(JSON.stringify(log.body)).not.toContain('HENGDA');
    expect(
      (await t.http.get(`/api/notification-deliveries?alertId=${a.id}`).set(await t.auth('admin'))).body.total,
    ).toBeGreaterThan(0);
    expect(
      (await t.http.get(`/api/notification-deliveries?alertId=${a.id}`).set(await t.auth('matou.regulator'))).body
        .total,
    ).toBe(0);
    expect((await t.http.get('/api/notification-deliveries').set(await t.auth('hengda.admin'))).status).toBe(403);
    await alerts.close({ userId: null, username: 'system', role: 'system' }, a.id, '测试');
    providers.clear();
  });

  it('the daily digest goes out once a day from the configured hour, to each scope with a channel', async () => {
    const digest = t.app.get(DigestScheduler);
    clock.set('2026-01-07T07:59:00+08:00');
    expect(await digest.runDue()).toBe(0);
    clock.set('2026-01-07T08:01:00+08:00');
    expect(await digest.runDue()).toBe(3); // 恒达, 会亭镇, 夏邑县
    expect(await digest.runDue()).toBe(0);
    await worker.drain();
    const ding = providers.on('/dingtalk').map((h) => (h.json as { markdown: { title: string } }).markdown.title);
    expect(ding).toEqual(['【每日安全摘要】夏邑县恒达钢结构有限公司 2026-01-07']);
    expect(JSON.stringify(providers.on('/wecom')[0].json)).toContain('逾期未整改隐患');
    const bell = await t.http.get('/api/notifications').set(await t.auth('hengda.safety'));
    expect(bell.body.items[0]).toMatchObject({ kind: 'digest' });
  });

  it('endpoints stay within the role: refusals with field codes, others’ endpoints invisible', async () => {
    const post = async (user: string, body: Record<string, unknown>) =>
      t.http
        .post('/api/notification-endpoints')
        .set(await t.auth(user))
        .send(body);
    const robot = { channel: 'wecom', target: `${providers.baseUrl}/wecom/x?key=1` };
    expect((await post('hengda.safety', { scope: 'enterprise', ...robot })).status).toBe(403);
    expect((await post('hengda.admin', { scope: 'region', ...robot })).status).toBe(403);
    expect((await post('huiting.regulator', { scope: 'enterprise', ...robot })).status).toBe(403);
    expect((await post('welder.zhang', { scope: 'user', channel: 'sms', target: '13900000002' })).status).toBe(403);
    const bad = await post('hengda.safety', { scope: 'user', channel: 'sms', target: '12345' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('mobileInvalid');
    expect((await post('hengda.safety', { scope: 'user', ...robot })).status).toBe(400);
    const ftp = await post('hengda.admin', { scope: 'enterprise', channel: 'wecom', target: 'ftp://x' });
    expect([ftp.status, JSON.stringify(ftp.body)]).toEqual([400, expect.stringContaining('webhookUrlInvalid')]);
    expect((await post('hengda.admin', { scope: 'enterprise', ...robot, secret: 'abcdefgh1' })).status).toBe(400);

    const huiting = await t.http.get('/api/notification-endpoints').set(await t.auth('huiting.regulator'));
    const own = huiting.body.find((e: { scope: string }) => e.scope === 'region');
    expect(
      (await t.http.delete(`/api/notification-endpoints/${own.id}`).set(await t.auth('matou.regulator'))).status,
    ).toBe(404);
    expect(
      (await t.http.delete(`/api/notification-endpoints/${own.id}`).set(await t.auth('hengda.admin'))).status,
    ).toBe(404);
    expect(
      (await t.http.delete(`/api/notification-endpoints/${own.id}`).set(await t.auth('huiting.regulator'))).status,
    ).toBe(204);
    const [audit] = await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'notification_endpoint.%'`,
    );
    expect(audit.n).toBe(5);
  });

  it('rules: platform admin edits (audited), critical refuses quiet hours, regulators read only', async () => {
    const rules = await t.http.get('/api/notification-rules').set(await t.auth('huiting.regulator'));
    expect(rules.status).toBe(200);
    const critical = rules.body.find(
      (r: { alertType: string | null; severity: string }) => !r.alertType && r.severity === 'critical',
    );
    expect(critical).toMatchObject({
      levels: ['enterprise_safety', 'enterprise_principal', 'township', 'county'],
      escalateAfterMin: 10,
    });
    const put = async (user: string, body: Record<string, unknown>) =>
      t.http
        .put(`/api/notification-rules/${critical.id}`)
        .set(await t.auth(user))
        .send(body);
    expect((await put('huiting.regulator', { levels: ['township'] })).status).toBe(403);
    const quiet = await put('admin', { levels: ['township'], quietStartMin: 1320, quietEndMin: 420 });
    expect(quiet.status).toBe(400);
    expect(JSON.stringify(quiet.body)).toContain('quietHoursNotForCritical');
    expect((await put('admin', { levels: ['nobody'] })).status).toBe(400);
    const ok = await put('admin', { levels: ['enterprise_safety', 'township', 'county'], escalateAfterMin: 5 });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ levels: ['enterprise_safety', 'township', 'county'], escalateAfterMin: 5 });
    const [audit] = await t.ds.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE action = 'notification_rule.update'`,
    );
    expect(audit.n).toBe(1);
  });
});
