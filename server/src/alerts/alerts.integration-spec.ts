import { FakeClock } from '../common/clock/clock';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AlertType } from './alert-type';
import { AlertView } from './alert.view';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';

type Fields = { field: string; code: string }[];
const fieldCodes = (body: { error: { fields?: Fields } }) =>
  (body.error.fields ?? []).map((f) => `${f.field}:${f.code}`);

describe('alerts: raise, dedupe, scoped REST', () => {
  let t: TestApp;
  let alerts: AlertsService;
  let clock: FakeClock;
  const ent: Record<'steel' | 'machinery' | 'construction', string> = { steel: '', machinery: '', construction: '' };

  beforeAll(async () => {
    clock = new FakeClock(new Date('2026-03-02T02:00:00Z'));
    t = await createTestApp({ clock });
    alerts = t.app.get(AlertsService);
    const rows: { id: string; region_code: string }[] = await t.ds.query('SELECT id, region_code FROM enterprises');
    ent.steel = rows.find((r) => r.region_code === '411426100')!.id;
    ent.machinery = rows.find((r) => r.region_code === '411426101')!.id;
    ent.construction = rows.find((r) => r.region_code === '411426001')!.id;
  });
  afterAll(async () => {
    await t.close();
  });

  describe('raise', () => {
    it('records an alert with the enterprise region, default severity, masked evidence, and audits it as the system', async () => {
      const a = await alerts.raise({
        type: AlertType.ARC_WITHOUT_GRANT,
        enterpriseId: ent.steel,
        chipId: 'CHIP-R1',
        evidence: { currentA: 182, reportedBy: '13900001111' },
      });
      expect(a).toMatchObject({
        type: 'ARC_WITHOUT_GRANT',
        severity: 'critical',
        state: 'open',
        count: 1,
        enterpriseId: ent.steel,
        regionPath: '/411426/411426100/',
        chipId: 'CHIP-R1',
        evidence: { currentA: 182, reportedBy: '139****1111' },
        title: '无授权起弧（疑似绕过或改装设备）',
        enterpriseName: '夏邑县恒达钢结构有限公司',
      });
      expect(new Date(a.firstSeenAt).toISOString()).toBe(clock.now().toISOString());
      const [audit] = await t.ds.query(`SELECT * FROM audit_log WHERE entity_type = 'alert' AND entity_id = $1`, [
        a.id,
      ]);
      expect(audit).toMatchObject({
        action: 'alert.raise',
        actor_role: 'system',
        enterprise_id: ent.steel,
        region_path: '/411426/411426100/',
      });
      expect(JSON.stringify(audit.after)).not.toContain('13900001111');
    });

    it('bumps count and last-seen time on a repeat with the same key, keeping first evidence and escalating severity', async () => {
      const first = await alerts.raise({
        type: AlertType.REPEATED_DENIALS,
        enterpriseId: ent.steel,
        dedupeKey: 'denials:m1',
        evidence: { denials: 3 },
      });
      clock.advance(60_000);
      const again = await alerts.raise({
        type: AlertType.REPEATED_DENIALS,
        severity: 'critical' as never,
        enterpriseId: ent.steel,
        dedupeKey: 'denials:m1',
        evidence: { denials: 5 },
      });
      expect(again.id).toBe(first.id);
      expect(again).toMatchObject({
        count: 2,
        severity: 'critical',
        evidence: { denials: 3 },
        lastEvidence: { denials: 5 },
      });
      expect(new Date(again.lastSeenAt).getTime() - new Date(first.lastSeenAt).getTime()).toBe(60_000);
      // A late (buffered) report never moves last-seen backwards.
      const late = await alerts.raise({
        type: AlertType.REPEATED_DENIALS,
        enterpriseId: ent.steel,
        dedupeKey: 'denials:m1',
        evidence: {},
        occurredAt: new Date(clock.now().getTime() - 3600_000),
      });
      expect(late).toMatchObject({ count: 3, severity: 'critical', lastSeenAt: again.lastSeenAt });
      const actions = await t.ds.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`, [first.id]);
      // Repeats live on the row (count, last-seen, severity); only the new alert is audited, so bumps never take the audit-chain lock.
      expect(actions.map((r: { action: string }) => r.action)).toEqual(['alert.raise']);
    });

    it('a repeat whose first time is later than its occurred time (raised out of order) is counted, not refused', async () => {
      const at = clock.now();
      const input = { type: AlertType.TAMPER, enterpriseId: ent.steel, dedupeKey: 'tamper:out-of-order', evidence: {} };
      const first = await alerts.raise({ ...input, occurredAt: at });
      // Before, the proposed row broke CHECK (last_seen_at >= first_seen_at) and every retry failed the same way.
      const bump = await alerts.raise({
        ...input,
        occurrences: 2,
        firstOccurredAt: new Date(at.getTime() + 2000),
        occurredAt: new Date(at.getTime() + 1000),
      });
      expect(bump).toMatchObject({ id: first.id, count: 3 });
      expect(new Date(bump.lastSeenAt).getTime()).toBe(at.getTime() + 2000);
      const fresh = await alerts.raise({
        ...input,
        dedupeKey: 'tamper:out-of-order-new',
        firstOccurredAt: new Date(at.getTime() + 2000),
        occurredAt: at,
      });
      expect(fresh).toMatchObject({ count: 1 });
      expect(new Date(fresh.firstSeenAt).getTime()).toBe(at.getTime());
    });

    it('is atomic under concurrent raises with the same key: one row', async () => {
      const input = {
        type: AlertType.GAS_ABOVE_LIMIT,
        enterpriseId: ent.machinery,
        dedupeKey: 'gas:concurrent',
        evidence: { percentLel: 12 },
      };
      const results = await Promise.all([
        alerts.raise(input),
        alerts.raise(input),
        alerts.raise(input),
        alerts.raise(input),
      ]);
      expect(new Set(results.map((r) => r.id)).size).toBe(1);
      const rows = await t.ds.query(`SELECT count FROM alerts WHERE dedupe_key = 'gas:concurrent'`);
      expect(rows).toEqual([{ count: 4 }]);
    });

    it('starts a new alert for the key once the previous one is closed', async () => {
      const a = await alerts.raise({
        type: AlertType.TAMPER,
        enterpriseId: ent.steel,
        dedupeKey: 'tamper:x',
        evidence: {},
      });
      const closed = await alerts.closeByDedupeKey('tamper:x', '已复位');
      expect(closed).toMatchObject({ id: a.id, state: 'closed', closeNote: '已复位' });
      const b = await alerts.raise({
        type: AlertType.TAMPER,
        enterpriseId: ent.steel,
        dedupeKey: 'tamper:x',
        evidence: {},
      });
      expect(b.id).not.toBe(a.id);
      expect(b.count).toBe(1);
    });

    it('closing by key finds nothing to close when the alert was closed between its lookup and its lock', async () => {
      const a = await alerts.raise({
        type: AlertType.TAMPER,
        enterpriseId: ent.steel,
        dedupeKey: 'tamper:closed-meanwhile',
        evidence: {},
      });
      const repo = t.app.get(AlertsRepository);
      // The lookup found it open; a regulator closed it before the system's close took the row lock.
      await alerts.closeByDedupeKey('tamper:closed-meanwhile', '已处理');
      const stale = jest.spyOn(repo, 'findNotClosedIdByDedupeKey').mockResolvedValueOnce(a.id);
      try {
        await expect(alerts.closeByDedupeKey('tamper:closed-meanwhile', '条件已消除')).resolves.toBeNull();
      } finally {
        stale.mockRestore();
      }
      const [row] = await t.ds.query('SELECT state, close_note FROM alerts WHERE id = $1', [a.id]);
      expect(row).toEqual({ state: 'closed', close_note: '已处理' });
    });

    it('joins the caller transaction: nothing is recorded when it rolls back', async () => {
      await expect(
        t.ds.transaction(async (em) => {
          await alerts.raise(
            { type: AlertType.TAMPER, enterpriseId: ent.steel, dedupeKey: 'rollback:1', evidence: {} },
            em,
          );
          throw new Error('caller failed');
        }),
      ).rejects.toThrow('caller failed');
      expect(await t.ds.query(`SELECT id FROM alerts WHERE dedupe_key = 'rollback:1'`)).toEqual([]);
    });

    it('refuses an unknown enterprise', async () => {
      await expect(
        alerts.raise({ type: AlertType.TAMPER, enterpriseId: '00000000-0000-4000-8000-000000000000', evidence: {} }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });

  describe('scoping and state changes', () => {
    let steelAlert: AlertView;
    let machineryAlert: AlertView;
    let orphanAlert: AlertView;

    beforeAll(async () => {
      steelAlert = await alerts.raise({
        type: AlertType.ARC_OUTSIDE_GEOFENCE,
        enterpriseId: ent.steel,
        evidence: { distanceM: 850 },
      });
      machineryAlert = await alerts.raise({
        type: AlertType.ARC_AFTER_PERMIT_END,
        enterpriseId: ent.machinery,
        evidence: { minutesOver: 12 },
      });
      orphanAlert = await alerts.raise({
        type: AlertType.UNREGISTERED_DEVICE,
        chipId: 'CHIP-UNKNOWN-1',
        evidence: { firstContact: 'mqtt' },
      });
    });

    const listIds = async (user: string, query = '') => {
      const res = await t.http.get(`/api/alerts?pageSize=200${query}`).set(await t.auth(user));
      expect(res.status).toBe(200);
      return { ids: res.body.items.map((a: AlertView) => a.id) as string[], body: res.body };
    };

    it('township regulator: own subtree and region-less alerts, never a sibling township', async () => {
      const { ids, body } = await listIds('huiting.regulator');
      expect(ids).toEqual(expect.arrayContaining([steelAlert.id, orphanAlert.id]));
      expect(ids).not.toContain(machineryAlert.id);
      expect(
        body.items.every((a: AlertView) => a.regionPath === null || a.regionPath.startsWith('/411426/411426100/')),
      ).toBe(true);
      expect(body.total).toBe(ids.length);
      const auth = await t.auth('huiting.regulator');
      expect((await t.http.get(`/api/alerts/${machineryAlert.id}`).set(auth)).status).toBe(404);
      expect((await t.http.post(`/api/alerts/${machineryAlert.id}/acknowledge`).set(auth).send({})).status).toBe(404);
      const close = await t.http.post(`/api/alerts/${machineryAlert.id}/close`).set(auth).send({ note: 'x' });
      expect(close.status).toBe(404);
      expect(close.body.error.code).toBe('NOT_FOUND');
    });

    it('county regulator sees all three; enterprise admin only its own enterprise; welders none', async () => {
      expect((await listIds('xiayi.regulator')).ids).toEqual(
        expect.arrayContaining([steelAlert.id, machineryAlert.id, orphanAlert.id]),
      );
      const hengda = await listIds('hengda.admin');
      expect(hengda.ids).toContain(steelAlert.id);
      expect(hengda.ids).not.toContain(machineryAlert.id);
      expect(hengda.ids).not.toContain(orphanAlert.id);
      expect(hengda.body.items.every((a: AlertView) => a.enterpriseId === ent.steel)).toBe(true);
      expect((await t.http.get(`/api/alerts/${orphanAlert.id}`).set(await t.auth('hengda.admin'))).status).toBe(404);
      expect((await t.http.get(`/api/alerts/${orphanAlert.id}`).set(await t.auth('huiting.regulator'))).status).toBe(
        200,
      );
      const welder = await t.http.get('/api/alerts').set(await t.auth('welder.zhang'));
      expect(welder.status).toBe(403);
      expect(welder.body.error.code).toBe('FORBIDDEN');
      expect((await t.http.get('/api/alerts/summary').set(await t.auth('welder.zhang'))).status).toBe(403);
    });

    it('filters by type, state, enterprise and period, newest activity first', async () => {
      const byType = await listIds('xiayi.regulator', '&type=UNREGISTERED_DEVICE');
      expect(byType.ids).toEqual([orphanAlert.id]);
      const byEnterprise = await listIds('xiayi.regulator', `&enterpriseId=${ent.machinery}`);
      expect(byEnterprise.body.items.every((a: AlertView) => a.enterpriseId === ent.machinery)).toBe(true);
      expect(byEnterprise.ids).toContain(machineryAlert.id);
      const future = await listIds(
        'xiayi.regulator',
        `&from=${encodeURIComponent(new Date(clock.now().getTime() + 86_400_000).toISOString())}`,
      );
      expect(future.ids).toEqual([]);
      const all = await listIds('admin');
      const seen = all.body.items.map((a: AlertView) => new Date(a.lastSeenAt).getTime());
      expect(seen).toEqual([...seen].sort((a, b) => b - a));
    });

    it('summary counts match the scoped lists', async () => {
      for (const user of ['huiting.regulator', 'xiayi.regulator', 'hengda.admin']) {
        const { body } = await listIds(user);
        const res = await t.http.get('/api/alerts/summary').set(await t.auth(user));
        expect(res.status).toBe(200);
        expect(res.body.total).toBe(body.total);
        const open = body.items.filter((a: AlertView) => a.state === 'open');
        expect(res.body.byState.open.total).toBe(open.length);
        expect(res.body.byState.open.critical).toBe(open.filter((a: AlertView) => a.severity === 'critical').length);
        const unregistered = body.items.filter((a: AlertView) => a.type === 'UNREGISTERED_DEVICE').length;
        expect(res.body.byType.UNREGISTERED_DEVICE.total).toBe(unregistered);
        expect(res.body.byType.FORGED_MESSAGE).toEqual({ open: 0, acknowledged: 0, closed: 0, total: 0 });
      }
      const hengda = await t.http.get('/api/alerts/summary').set(await t.auth('hengda.admin'));
      const county = await t.http.get('/api/alerts/summary').set(await t.auth('xiayi.regulator'));
      expect(county.body.total).toBeGreaterThan(hengda.body.total);
    });

    it('enterprise acknowledges its own alert, may not close it; the regulator closes; closed is final; all audited', async () => {
      const hengda = await t.auth('hengda.admin');
      const ack = await t.http
        .post(`/api/alerts/${steelAlert.id}/acknowledge`)
        .set(hengda)
        .send({ note: '已派人到场' });
      expect(ack.status).toBe(200);
      expect(ack.body).toMatchObject({ state: 'acknowledged', acknowledgeNote: '已派人到场' });
      expect(ack.body.acknowledgedBy).toEqual(expect.any(String));
      const again = await t.http.post(`/api/alerts/${steelAlert.id}/acknowledge`).set(hengda).send({});
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('INVALID_STATE');
      const entClose = await t.http.post(`/api/alerts/${steelAlert.id}/close`).set(hengda).send({ note: '自行关闭' });
      expect(entClose.status).toBe(403);
      expect(entClose.body.error.code).toBe('FORBIDDEN');

      const huiting = await t.auth('huiting.regulator');
      const closed = await t.http
        .post(`/api/alerts/${steelAlert.id}/close`)
        .set(huiting)
        .send({ note: '现场核查属实，已责令整改' });
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ state: 'closed', closeNote: '现场核查属实，已责令整改' });
      expect(closed.body.closedAt).toBe(clock.now().toISOString());
      for (const path of ['close', 'acknowledge']) {
        const r = await t.http.post(`/api/alerts/${steelAlert.id}/${path}`).set(huiting).send({ note: '再次' });
        expect(r.status).toBe(409);
        expect(r.body.error.code).toBe('INVALID_STATE');
      }
      const audit = await t.ds.query(
        `SELECT action, actor_role, before, after FROM audit_log WHERE entity_id = $1 ORDER BY id`,
        [steelAlert.id],
      );
      expect(audit.map((r: { action: string }) => r.action)).toEqual([
        'alert.raise',
        'alert.acknowledge',
        'alert.close',
      ]);
      expect(audit[1]).toMatchObject({
        actor_role: 'enterprise_admin',
        before: { state: 'open' },
        after: { state: 'acknowledged' },
      });
      expect(audit[2]).toMatchObject({
        actor_role: 'regulator',
        before: { state: 'acknowledged' },
        after: { state: 'closed', closeNote: '现场核查属实，已责令整改' },
      });
    });

    it('any regulator may handle a region-less alert; admins handle everything', async () => {
      const ack = await t.http
        .post(`/api/alerts/${orphanAlert.id}/acknowledge`)
        .set(await t.auth('huiting.regulator'))
        .send({});
      expect(ack.status).toBe(200);
      const close = await t.http
        .post(`/api/alerts/${machineryAlert.id}/close`)
        .set(await t.auth('admin'))
        .send({ note: '平台核查' });
      expect(close.status).toBe(200);
      expect(close.body.state).toBe('closed');
    });

    it('answers bad input with 4xx and field codes', async () => {
      const auth = await t.auth('xiayi.regulator');
      const badId = await t.http.post('/api/alerts/not-a-uuid/close').set(auth).send({ note: 'x' });
      expect(badId.status).toBe(400);
      expect(fieldCodes(badId.body)).toContain('id:isUuid');
      expect(fieldCodes((await t.http.get('/api/alerts/123').set(auth)).body)).toContain('id:isUuid');
      const noNote = await t.http.post(`/api/alerts/${orphanAlert.id}/close`).set(auth).send({});
      expect(noNote.status).toBe(400);
      expect(fieldCodes(noNote.body)).toEqual(expect.arrayContaining(['note:isString', 'note:minLength']));
      const blank = await t.http.post(`/api/alerts/${orphanAlert.id}/close`).set(auth).send({ note: '   ' });
      expect(fieldCodes(blank.body)).toContain('note:matches');
      const long = await t.http
        .post(`/api/alerts/${orphanAlert.id}/close`)
        .set(auth)
        .send({ note: 'x'.repeat(1001) });
      expect(fieldCodes(long.body)).toContain('note:maxLength');
      const extra = await t.http.post(`/api/alerts/${orphanAlert.id}/acknowledge`).set(auth).send({ state: 'closed' });
      expect(extra.status).toBe(400);
      expect(fieldCodes(extra.body)).toContain('state:unknownField');
      const q = await t.http
        .get('/api/alerts?type=FIRE&severity=huge&enterpriseId=abc&from=yesterday&sneaky=1')
        .set(auth);
      expect(q.status).toBe(400);
      expect(fieldCodes(q.body)).toEqual(
        expect.arrayContaining([
          'type:isEnum',
          'severity:isEnum',
          'enterpriseId:isUuid',
          'from:isInstant',
          'sneaky:unknownField',
        ]),
      );
      const period = await t.http.get('/api/alerts?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z').set(auth);
      expect(period.status).toBe(400);
      expect(fieldCodes(period.body)).toContain('to:toNotAfterFrom');
      expect((await t.http.get('/api/alerts?pageSize=500').set(auth)).status).toBe(400);
      // The orphan alert was untouched by all of that.
      expect((await t.http.get(`/api/alerts/${orphanAlert.id}`).set(auth)).body.state).toBe('acknowledged');
    });
  });
});
