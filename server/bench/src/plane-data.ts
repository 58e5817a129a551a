import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

export interface CountySizes {
  enterprises: number;
  machines: number;
  welders: number;
  arcs: number;
  alerts: number;
}

/**
 * A county's worth of registry and activity in 夏邑县 (411426), spread over its townships, loaded by
 * PostgreSQL itself (generate_series, one statement per table): enough that an overview or an export
 * is real work, in seconds rather than minutes. Rows are cloned from the demo seed's own rows
 * (jsonb_populate_record over to_jsonb) with the keys and a few fields replaced, so that every column a
 * later migration adds gets a valid value without this file knowing it. Welders share the template's
 * encrypted ID number (lists and exports show only the masked one); their blind index is unique.
 */
export async function loadCounty(databaseUrl: string, n: CountySizes): Promise<{ seconds: number; bytes: string }> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const t0 = performance.now();
  try {
    await db.query('BEGIN');
    await db.query(
      `CREATE TEMP TABLE plane_ent ON COMMIT DROP AS
       SELECT gen_random_uuid() AS id, g, r.code, r.path
         FROM generate_series(1, $1) g
         JOIN LATERAL (SELECT code, path FROM regions WHERE parent_code = '411426' ORDER BY code
                        OFFSET (g % (SELECT count(*) FROM regions WHERE parent_code = '411426')) LIMIT 1) r ON true`,
      [n.enterprises],
    );
    await db.query(
      `INSERT INTO enterprises
       SELECT (jsonb_populate_record(NULL::enterprises, to_jsonb(t) || jsonb_build_object(
                 'id', p.id, 'name', '负载测试企业' || p.g, 'uscc', 'PL' || lpad(p.g::text, 16, '0'),
                 'region_code', p.code, 'region_path', p.path, 'status', 'active'))).*
         FROM plane_ent p, (SELECT * FROM enterprises WHERE name = '夏邑县恒达钢结构有限公司') t`,
    );
    await db.query(
      `INSERT INTO machines
       SELECT (jsonb_populate_record(NULL::machines, to_jsonb(t) || jsonb_build_object(
                 'id', gen_random_uuid(), 'enterprise_id', p.id, 'name', '负载焊机' || s.i,
                 'manufacturer', '负载厂', 'serial_number', 'PL-' || lpad(s.i::text, 8, '0'), 'chip_id', NULL,
                 'status', CASE WHEN s.i % 20 = 0 THEN 'suspended' ELSE 'active' END))).*
         FROM generate_series(1, $1) s(i)
         JOIN plane_ent p ON p.g = 1 + s.i % $2
         CROSS JOIN (SELECT * FROM machines WHERE status = 'active' ORDER BY created_at LIMIT 1) t`,
      [n.machines, n.enterprises],
    );
    await db.query(
      `INSERT INTO welders
       SELECT (jsonb_populate_record(NULL::welders, to_jsonb(t) || jsonb_build_object(
                 'id', gen_random_uuid(), 'employer_id', p.id, 'real_name', '负载焊工' || s.i,
                 'id_number_index', md5('pl' || s.i) || md5('pl-' || s.i), 'status', 'active'))).*
         FROM generate_series(1, $1) s(i)
         JOIN plane_ent p ON p.g = 1 + s.i % $2
         CROSS JOIN (SELECT * FROM welders ORDER BY created_at LIMIT 1) t`,
      [n.welders, n.enterprises],
    );
    // One certificate each (every state the census counts: valid, expiring, expired), cloned from a verified one.
    await db.query(
      `INSERT INTO certificates
       SELECT (jsonb_populate_record(NULL::certificates, to_jsonb(t) || jsonb_build_object(
                 'id', gen_random_uuid(), 'welder_id', w.id, 'status', 'valid',
                 'issued_on', current_date - 2000 + (k % 1800),
                 'expires_on', current_date - 200 + (k % 1800),
                 'review_due_on', current_date + 100 + (k % 900)))).*
         FROM (SELECT id, (row_number() OVER ())::int AS k FROM welders WHERE real_name LIKE '负载焊工%') w
         CROSS JOIN (SELECT * FROM certificates WHERE status = 'valid' ORDER BY created_at LIMIT 1) t`,
    );
    // A few dispatched welders: the census's "engaged today" path has rows to find.
    await db.query(
      `INSERT INTO welder_engagements (welder_id, enterprise_id, kind, starts_on)
       SELECT w.id, p.id, 'dispatched', current_date - 10
         FROM (SELECT id, (row_number() OVER ())::int AS k FROM welders WHERE real_name LIKE '负载焊工%') w
         JOIN plane_ent p ON p.g = 1 + (w.k * 7) % $1
        WHERE w.k % 20 = 0`,
      [n.enterprises],
    );
    await db.query(
      `INSERT INTO arcs (chip_id, stop_seq, machine_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, authorized)
       SELECT 'PL-CHIP-' || (g % $2), g, m.id, s, s + interval '90 seconds', 90000, '{"mean":180}', '{"mean":24}', 90, 1, true
         FROM generate_series(1, $1) g
         JOIN (SELECT id, (row_number() OVER ())::int AS k FROM machines WHERE serial_number LIKE 'PL-%') m ON m.k = 1 + g % $2
         CROSS JOIN LATERAL (SELECT now() - (g % 43200) * interval '1 minute' AS s) x`,
      [n.arcs, n.machines],
    );
    await db.query(
      `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, evidence, first_seen_at, last_seen_at, closed_at, close_note)
       SELECT (ARRAY['ARC_WITHOUT_GRANT','UNLICENSED_ATTEMPT','GAS_ABOVE_LIMIT'])[1 + s.i % 3],
              (ARRAY['critical','warning','critical'])[1 + s.i % 3],
              CASE WHEN s.i % 4 = 0 THEN 'closed' ELSE 'open' END, p.id, p.path, '{"note":"bench"}',
              now() - (s.i % 40000) * interval '1 minute', now() - (s.i % 40000) * interval '1 minute',
              CASE WHEN s.i % 4 = 0 THEN now() - (s.i % 40000) * interval '1 minute' END, CASE WHEN s.i % 4 = 0 THEN 'bench' END
         FROM generate_series(1, $1) s(i)
         JOIN plane_ent p ON p.g = 1 + s.i % $2`,
      [n.alerts, n.enterprises],
    );
    await db.query('COMMIT');
    await db.query('ANALYZE');
    const [size] = (await db.query<{ s: string }>(`SELECT pg_size_pretty(pg_database_size(current_database())) AS s`))
      .rows;
    return { seconds: (performance.now() - t0) / 1000, bytes: size.s };
  } catch (e) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await db.end();
  }
}
