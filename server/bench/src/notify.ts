import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { DEMO_PASSWORD } from '../../dist/seed/demo-data';
import { FakeProviders } from '../../dist/notifications/local-providers';
import { SimDevice } from './device';
import { LatencySummary, sleep, summarize } from './stats';

export const TARGET_NOTIFY_P99_MS = 5000;

export interface NotifyResult {
  rate: number;
  seconds: number;
  /** Tamper events sent (one per device), each raising a new critical alert. */
  sent: number;
  alerts: number;
  /** Alerts with a sent delivery before the deadline. */
  delivered: number;
  /** Raise (the alert row's insert) → its first delivery sent (provider answered), per alert. */
  firstDelivery: LatencySummary;
  /** Where that time goes, per first delivery: alert insert → delivery row queued (routing), queued → sent (sending). */
  routing: LatencySummary;
  sending: LatencySummary;
  /** Provider requests received during the phase, by provider. */
  providerHits: Record<string, number>;
  raisedPerSecond: number;
  /** Where the alerts not delivered stand: their tracks by (done, step) and their deliveries by status. */
  undelivered: { tracks: Record<string, number>; deliveries: Record<string, number>; lastErrors: string[] };
}

/** Local providers over https with a throw-away certificate (production config accepts https webhooks only). */
export async function startLocalProviders(
  workDir: string,
): Promise<{ providers: FakeProviders; env: NodeJS.ProcessEnv }> {
  const key = join(workDir, 'providers-key.pem');
  const cert = join(workDir, 'providers-cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  const providers = new FakeProviders();
  const base = await providers.start({ key: readFileSync(key, 'utf8'), cert: readFileSync(cert, 'utf8') });
  return {
    providers,
    env: {
      NODE_EXTRA_CA_CERTS: cert,
      NOTIFY_WEBHOOK_ALLOW_PRIVATE: 'true',
      SMS_PROVIDER: 'http',
      SMS_HTTP_URL: `${base}/sms/send`,
      SMS_HTTP_HEADERS: '{"content-type":"application/json"}',
      SMS_HTTP_BODY: '{"mobile":"{phone}","content":"{text}"}',
      SMS_HTTP_SUCCESS: '"code":0',
    },
  };
}

/**
 * Issue 16 §2 speed: `rate` devices a second each report a tamper (a new critical alert each, raised on the
 * device path) for `seconds`; 恒达 has a DingTalk robot and its safety manager an SMS number (local
 * providers). Measured per alert: its insert → its first delivery sent, from the delivery log.
 */
export async function notificationPhase(
  sims: SimDevice[],
  databaseUrl: string,
  httpUrl: string,
  providers: FakeProviders,
  o: { rate: number; seconds: number; deadlineMs: number },
): Promise<NotifyResult> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Through the API, as an enterprise admin and the safety manager would: the router's directory cache is
    // invalidated on the replica that took the change (a direct INSERT would wait out that cache).
    const addEndpoint = async (username: string, body: Record<string, string>) => {
      const login = await fetch(`${httpUrl}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: DEMO_PASSWORD }),
      });
      if (!login.ok) throw new Error(`log-in of ${username}: HTTP ${login.status} ${await login.text()}`);
      const { accessToken } = (await login.json()) as { accessToken: string };
      const res = await fetch(`${httpUrl}/api/notification-endpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
        body: JSON.stringify(body),
      });
      if (!res.ok) throw new Error(`endpoint of ${username}: HTTP ${res.status} ${await res.text()}`);
    };
    await addEndpoint('hengda.admin', {
      scope: 'enterprise',
      channel: 'dingtalk',
      target: `${providers.baseUrl}/dingtalk/robot/send?access_token=BENCH`,
      secret: 'SECbench-secret-0123456789',
    });
    await addEndpoint('hengda.safety', { scope: 'user', channel: 'sms', target: '13900000001' });
    providers.clear();
    const count = Math.min(sims.length, o.rate * o.seconds);
    const used = sims.slice(0, count);
    const started = performance.now();
    for (let i = 0; i < count; i++) {
      const due = started + (i / o.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const d = used[i];
      const env = d.sign('events', {
        events: [{ seq: 1, type: 'tamper', at: new Date().toISOString(), switch: 'enclosure', open: true }],
      });
      d.send('events', JSON.stringify(env), env.id, () => undefined);
    }
    const raisedSeconds = (performance.now() - started) / 1000;
    const chips = used.map((d) => d.chip);
    const measure = async () =>
      (
        await db.query<{ id: string; ms: number | null; routing: number | null; sending: number | null }>(
          `SELECT DISTINCT ON (a.id) a.id, extract(epoch FROM d.sent_at - a.created_at) * 1000 AS ms,
                  extract(epoch FROM d.created_at - a.created_at) * 1000 AS routing,
                  extract(epoch FROM d.sent_at - d.created_at) * 1000 AS sending
             FROM alerts a LEFT JOIN notification_deliveries d ON d.alert_id = a.id AND d.status = 'sent'
            WHERE a.type = 'TAMPER' AND a.chip_id = ANY($1) ORDER BY a.id, d.sent_at`,
          [chips],
        )
      ).rows;
    const until = performance.now() + o.deadlineMs;
    let rows = await measure();
    while (performance.now() < until && (rows.length < count || rows.some((r) => r.ms === null))) {
      await sleep(500);
      rows = await measure();
    }
    const ms = rows.filter((r) => r.ms !== null).map((r) => Number(r.ms));
    const missing = rows.filter((r) => r.ms === null).map((r) => r.id);
    const tally = async (sql: string) =>
      Object.fromEntries(
        (await db.query<{ k: string; n: number }>(sql, [missing])).rows.map((r) => [r.k, Number(r.n)]),
      ) as Record<string, number>;
    const undelivered = {
      tracks: await tally(
        `SELECT CASE WHEN t.alert_id IS NULL THEN 'no track' ELSE format('done=%s step=%s', t.done, t.step) END AS k, count(*) AS n
           FROM unnest($1::uuid[]) AS m(id) LEFT JOIN notification_tracks t ON t.alert_id = m.id GROUP BY 1`,
      ),
      deliveries: await tally(
        `SELECT coalesce(d.status, 'none') AS k, count(*) AS n
           FROM unnest($1::uuid[]) AS m(id) LEFT JOIN notification_deliveries d ON d.alert_id = m.id GROUP BY 1`,
      ),
      lastErrors: (
        await db.query<{ e: string }>(
          `SELECT DISTINCT left(last_error, 160) AS e FROM notification_deliveries WHERE alert_id = ANY($1) AND last_error IS NOT NULL LIMIT 5`,
          [missing],
        )
      ).rows.map((r) => r.e),
    };
    const hits: Record<string, number> = {};
    for (const h of providers.hits) hits[h.path.split('/')[1]] = (hits[h.path.split('/')[1]] ?? 0) + 1;
    return {
      rate: o.rate,
      seconds: o.seconds,
      sent: count,
      alerts: rows.length,
      delivered: ms.length,
      firstDelivery: summarize(ms),
      routing: summarize(rows.filter((r) => r.ms !== null).map((r) => Number(r.routing))),
      sending: summarize(rows.filter((r) => r.ms !== null).map((r) => Number(r.sending))),
      providerHits: hits,
      raisedPerSecond: rows.length / raisedSeconds,
      undelivered,
    };
  } finally {
    await db.end();
  }
}
