import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { LISTENER_APPLICATION_NAME } from './alert-bus';
import { AlertType } from './alert-type';
import { AlertsService } from './alerts.service';

interface SseEvent {
  event: string;
  data: string;
}

/** A minimal EventSource over node's http client: collects `event:`/`data:` blocks. */
class SseClient {
  readonly events: SseEvent[] = [];
  status = 0;
  private req: http.ClientRequest | null = null;
  private waiters: (() => void)[] = [];

  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const c = new SseClient();
    return new Promise((resolve, reject) => {
      c.req = http.get(
        { host: '127.0.0.1', port, path, headers: { Accept: 'text/event-stream', ...headers } },
        (res) => {
          c.status = res.statusCode ?? 0;
          if (c.status !== 200) {
            res.resume();
            resolve(c);
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let i: number;
            while ((i = buf.indexOf('\n\n')) >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (block.includes(': connected')) resolve(c);
              const lines = block.split('\n');
              const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
              const data = lines
                .filter((l) => l.startsWith('data: '))
                .map((l) => l.slice(6))
                .join('\n');
              if (event) c.events.push({ event, data });
              c.waiters.forEach((w) => w());
            }
          });
        },
      );
      c.req.on('error', reject);
    });
  }

  alertIds(): string[] {
    return this.events.filter((e) => e.event === 'alert').map((e) => JSON.parse(e.data).id);
  }

  async waitFor(pred: (c: SseClient) => boolean, ms = 4000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred(this)) {
      if (Date.now() > deadline)
        throw new Error(`timed out; events so far: ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
      this.waiters = [];
    }
  }

  close(): void {
    this.req?.destroy();
  }
}

describe('alerts: live stream (SSE over LISTEN/NOTIFY)', () => {
  let t: TestApp;
  let alerts: AlertsService;
  let port: number;
  const clients: SseClient[] = [];
  const ent: Record<string, string> = {};

  /** viaTicket: as the browser does (EventSource cannot send headers): a one-time ticket in the URL. */
  const open = async (user: string, viaTicket = false) => {
    const token = await t.tokenFor(user);
    let c: SseClient;
    if (viaTicket) {
      const ticket = await t.http.post('/api/alerts/stream-ticket').set('Authorization', `Bearer ${token}`);
      expect(ticket.status).toBe(200);
      c = await SseClient.open(port, `/api/alerts/stream?ticket=${encodeURIComponent(ticket.body.ticket)}`);
    } else c = await SseClient.open(port, '/api/alerts/stream', { Authorization: `Bearer ${token}` });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    t = await createTestApp();
    alerts = t.app.get(AlertsService);
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    for (const r of await t.ds.query('SELECT id, region_code FROM enterprises')) ent[r.region_code] = r.id;
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await t.close();
  });

  it('pushes each alert only to the streams allowed to see it', async () => {
    const huiting = await open('huiting.regulator', true);
    const county = await open('xiayi.regulator');
    const hengda = await open('hengda.admin');
    const machinery = await alerts.raise({
      type: AlertType.GAS_ABOVE_LIMIT,
      enterpriseId: ent['411426101'],
      evidence: { percentLel: 30 },
    });
    const steel = await alerts.raise({
      type: AlertType.ARC_OUTSIDE_GEOFENCE,
      enterpriseId: ent['411426100'],
      evidence: { distanceM: 500 },
    });
    const orphan = await alerts.raise({ type: AlertType.UNREGISTERED_DEVICE, chipId: 'CHIP-LIVE-9', evidence: {} });

    await county.waitFor((c) => [machinery.id, steel.id, orphan.id].every((id) => c.alertIds().includes(id)));
    await huiting.waitFor((c) => c.alertIds().includes(orphan.id));
    await hengda.waitFor((c) => c.alertIds().includes(steel.id));
    // Each notification is filtered for all streams in one pass, so by now nothing else is on its way.
    expect(huiting.alertIds().sort()).toEqual([steel.id, orphan.id].sort());
    expect(hengda.alertIds()).toEqual([steel.id]);
    const payload = JSON.parse(huiting.events.find((e) => e.event === 'alert')!.data);
    expect(payload).toMatchObject({
      id: steel.id,
      type: 'ARC_OUTSIDE_GEOFENCE',
      state: 'open',
      regionPath: '/411426/411426100/',
      evidence: { distanceM: 500 },
    });
  });

  it('pushes state changes as updated alerts', async () => {
    const hengda = await open('hengda.admin');
    const a = await alerts.raise({ type: AlertType.TAMPER, enterpriseId: ent['411426100'], evidence: {} });
    await hengda.waitFor((c) => c.alertIds().includes(a.id));
    const res = await t.http
      .post(`/api/alerts/${a.id}/acknowledge`)
      .set(await t.auth('hengda.admin'))
      .send({});
    expect(res.status).toBe(200);
    await hengda.waitFor((c) =>
      c.events.some(
        (e) => e.event === 'alert' && JSON.parse(e.data).id === a.id && JSON.parse(e.data).state === 'acknowledged',
      ),
    );
  });

  it('delivers alerts written by another replica (a separate connection) once committed, never rolled-back ones', async () => {
    const county = await open('xiayi.regulator');
    const other = new Client({ connectionString: t.config.databaseUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      const [{ id: lost }] = (
        await other.query(
          `INSERT INTO alerts (type, severity, first_seen_at, last_seen_at, evidence) VALUES ('TAMPER', 'critical', now(), now(), '{}') RETURNING id`,
        )
      ).rows;
      await other.query(`SELECT pg_notify('arcgate_alerts', $1)`, [lost]);
      await other.query('ROLLBACK');

      await other.query('BEGIN');
      const [{ id }] = (
        await other.query(
          `INSERT INTO alerts (type, severity, enterprise_id, region_path, first_seen_at, last_seen_at, evidence) VALUES ('FORGED_MESSAGE', 'critical', $1, '/411426/411426101/', now(), now(), '{"replica":"b"}') RETURNING id`,
          [ent['411426101']],
        )
      ).rows;
      await other.query(`SELECT pg_notify('arcgate_alerts', $1)`, [id]);
      await new Promise((r) => setTimeout(r, 200));
      expect(county.alertIds()).not.toContain(id);
      await other.query('COMMIT');
      await county.waitFor((c) => c.alertIds().includes(id));
      expect(county.alertIds()).not.toContain(lost);
    } finally {
      await other.end();
    }
  });

  it('re-listens after losing its connection and tells streams to resync', async () => {
    const county = await open('xiayi.regulator');
    const killed = await t.ds.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()`,
      [LISTENER_APPLICATION_NAME],
    );
    expect(killed).toEqual([{ ok: true }]);
    await county.waitFor((c) => c.events.some((e) => e.event === 'resync'), 8000);
    const a = await alerts.raise({
      type: AlertType.DEVICE_OFFLINE_DURING_PERMIT,
      enterpriseId: ent['411426001'],
      evidence: {},
    });
    await county.waitFor((c) => c.alertIds().includes(a.id));
  });

  it('opens with a one-time ticket: a second use and an expired one are refused, and only the stream takes tickets', async () => {
    const auth = await t.auth('xiayi.regulator');
    const { body } = await t.http.post('/api/alerts/stream-ticket').set(auth).expect(200);
    expect(body.expiresIn).toBe(30);
    const first = await SseClient.open(port, `/api/alerts/stream?ticket=${encodeURIComponent(body.ticket)}`);
    clients.push(first);
    expect(first.status).toBe(200);
    expect((await SseClient.open(port, `/api/alerts/stream?ticket=${encodeURIComponent(body.ticket)}`)).status).toBe(
      401,
    );
    // Another route does not take a ticket.
    const other = await t.http.post('/api/alerts/stream-ticket').set(auth).expect(200);
    expect((await t.http.get(`/api/alerts?ticket=${encodeURIComponent(other.body.ticket)}`)).status).toBe(401);
    // Expired: 30 s on the server's clock.
    const late = await t.http.post('/api/alerts/stream-ticket').set(auth).expect(200);
    await t.ds.query(`UPDATE stream_tickets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`);
    expect(
      (await SseClient.open(port, `/api/alerts/stream?ticket=${encodeURIComponent(late.body.ticket)}`)).status,
    ).toBe(401);
    // Tickets are stored hashed.
    const stored = await t.ds.query(`SELECT ticket_hash FROM stream_tickets`);
    expect(JSON.stringify(stored)).not.toContain(body.ticket);
  });

  it('requires a token and refuses welders', async () => {
    expect((await SseClient.open(port, '/api/alerts/stream')).status).toBe(401);
    expect((await SseClient.open(port, '/api/alerts/stream?ticket=forged')).status).toBe(401);
    // A token in the URL (it would end up in proxy logs) is refused, even a valid one.
    const token = await t.tokenFor('xiayi.regulator');
    expect((await SseClient.open(port, `/api/alerts/stream?access_token=${encodeURIComponent(token)}`)).status).toBe(
      401,
    );
    expect(
      (
        await SseClient.open(port, '/api/alerts/stream', {
          Authorization: `Bearer ${await t.tokenFor('welder.zhang')}`,
        })
      ).status,
    ).toBe(403);
  });
});
