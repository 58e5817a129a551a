import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { FieldCipher } from '../../dist/common/crypto/field-cipher';
import { FakeProviders } from '../../dist/notifications/local-providers';
import { SimDevice } from './device';
import { BenchSecrets } from './environment';
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
  /** Provider requests received during the phase, by provider. */
  providerHits: Record<string, number>;
  raisedPerSecond: number;
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
  secrets: BenchSecrets,
  providers: FakeProviders,
  o: { rate: number; seconds: number; deadlineMs: number },
): Promise<NotifyResult> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const cipher = new FieldCipher(secrets.dataEncryptionKey);
    const [{ id: steel }] = (
      await db.query<{ id: string }>(`SELECT id FROM enterprises WHERE name = '夏邑县恒达钢结构有限公司'`)
    ).rows;
    const [{ id: safety }] = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'hengda.safety'`))
      .rows;
    await db.query(
      `INSERT INTO notification_endpoints (owner_kind, owner_id, channel, target_enc, secret_enc, target_masked)
       VALUES ('enterprise', $1, 'dingtalk', $2, $3, 'bench/…robot'), ('user', $4, 'sms', $5, NULL, '139****0001')`,
      [
        steel,
        cipher.encrypt(`${providers.baseUrl}/dingtalk/robot/send?access_token=BENCH`),
        cipher.encrypt('SECbench-secret-0123456789'),
        safety,
        cipher.encrypt('13900000001'),
      ],
    );
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
        await db.query<{ id: string; ms: number | null }>(
          `SELECT a.id, extract(epoch FROM min(d.sent_at) - a.created_at) * 1000 AS ms
             FROM alerts a LEFT JOIN notification_deliveries d ON d.alert_id = a.id AND d.status = 'sent'
            WHERE a.type = 'TAMPER' AND a.chip_id = ANY($1) GROUP BY a.id`,
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
    const hits: Record<string, number> = {};
    for (const h of providers.hits) hits[h.path.split('/')[1]] = (hits[h.path.split('/')[1]] ?? 0) + 1;
    return {
      rate: o.rate,
      seconds: o.seconds,
      sent: count,
      alerts: rows.length,
      delivered: ms.length,
      firstDelivery: summarize(ms),
      providerHits: hits,
      raisedPerSecond: rows.length / raisedSeconds,
    };
  } finally {
    await db.end();
  }
}
