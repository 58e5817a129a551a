-- Seeds one synthetic city for test-support/off-platform-scale/explain.ts (see there): run on a freshly migrated, empty database.
\timing off
SET client_min_messages = warning;
INSERT INTO regions (code, name, level, parent_code, path) VALUES
 ('41','河南省','province',NULL,'/41/'),('4114','商丘市','city','41','/41/4114/');
INSERT INTO regions (code, name, level, parent_code, path)
 SELECT '4114'||lpad(c::text,2,'0'), '县'||c, 'county', '4114', '/41/4114/4114'||lpad(c::text,2,'0')||'/' FROM generate_series(1,20) c;
INSERT INTO regions (code, name, level, parent_code, path)
 SELECT '4114'||lpad(c::text,2,'0')||lpad(t::text,3,'0'), '镇'||c||'-'||t, 'township', '4114'||lpad(c::text,2,'0'),
        '/41/4114/4114'||lpad(c::text,2,'0')||'/4114'||lpad(c::text,2,'0')||lpad(t::text,3,'0')||'/'
 FROM generate_series(1,20) c, generate_series(100,114) t;
INSERT INTO users (username, password_hash, display_name, role) VALUES ('seed','x','seed','platform_admin');
-- 30,000 enterprises over 300 townships
INSERT INTO enterprises (name, uscc, industry, region_code, region_path, address, principal_name, principal_phone_enc)
 SELECT '企业'||i, lpad(i::text,18,'0'), (ARRAY['金属制品业','建筑业','专用设备制造业','批发业','通用设备制造业','零售业'])[1+i%6],
        r.code, r.path, '地址', '负责人', 'x'
 FROM generate_series(1,30000) i JOIN LATERAL (SELECT code, path FROM regions WHERE level='township' ORDER BY code OFFSET (i % 300) LIMIT 1) r ON true;
-- 150,000 machines, half chipped
INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
 SELECT e.id, '焊机'||g, 'electric_arc', '厂', 'M', e.uscc||'-'||g, 'registered'
 FROM enterprises e, generate_series(1,5) g WHERE (hashtext(e.id::text) % 7) <> 0;
UPDATE machines SET chip_id = 'C'||substr(md5(id::text),1,20), status='active' WHERE hashtext(id::text) % 2 = 0;
INSERT INTO chips (chip_id, public_key, machine_id, bound_at, last_seen_at)
 SELECT chip_id, 'k', id, now() - interval '200 days', CASE WHEN hashtext(chip_id) % 10 = 0 THEN NULL ELSE now() - (abs(hashtext(chip_id)) % 60) * interval '1 day' END
 FROM machines WHERE chip_id IS NOT NULL;
-- device events: hourly heartbeats 8h/day on 20 of the last 30 days for a fifth of the chipped machines (~3M rows)
INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, payload)
 SELECT m.chip_id, d*100+h, 'heartbeat', date_trunc('day', now()) - d * interval '1 day' + (h+1) * interval '1 hour', now(), m.id, '{}'
 FROM machines m, generate_series(0,29) d, generate_series(0,7) h
 WHERE m.chip_id IS NOT NULL AND hashtext(m.id::text) % 5 = 1 AND (d % 3) <> 2;
-- their online days, as the roll-up (off-platform/online-days) writes them
INSERT INTO machine_online_days (machine_id, day)
 SELECT DISTINCT machine_id, ((occurred_at AT TIME ZONE 'UTC') + interval '8 hours')::date FROM device_events WHERE machine_id IS NOT NULL
 ON CONFLICT DO NOTHING;
-- permits: one a week per active machine of those, with its machine
INSERT INTO permits (id, enterprise_id, status, requested_level, effective_level, work_description, site_address, site_latitude, site_longitude,
                     geofence, planned_start, planned_end, applicant_user_id, applicant_username, approved_at, permit_no)
 SELECT gen_random_uuid(), m.enterprise_id, 'approved', 'level2', 'level2', '作业', '地点', 34, 116, '{}',
        date_trunc('day', now()) - w * interval '7 days' + interval '8 hours', date_trunc('day', now()) - w * interval '7 days' + interval '18 hours',
        (SELECT id FROM users LIMIT 1), 'seed', now() - w * interval '7 days', 'S-' || left(md5(random()::text), 24)
 FROM machines m, generate_series(0,8) w WHERE m.chip_id IS NOT NULL AND hashtext(m.id::text) % 5 = 1;
INSERT INTO permit_machines (permit_id, machine_id)
 SELECT p.id, m.id FROM permits p JOIN LATERAL (SELECT id FROM machines WHERE enterprise_id = p.enterprise_id AND chip_id IS NOT NULL AND hashtext(id::text) % 5 = 1 LIMIT 1) m ON true;
-- arcs: 4 a working day for the heard machines, some without a grant
INSERT INTO arcs (chip_id, stop_seq, machine_id, grant_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
 SELECT m.chip_id, d*10+k, m.id, CASE WHEN k = 0 AND d % 5 = 0 THEN NULL ELSE md5(m.id::text||d||k) END,
        date_trunc('day', now()) - d * interval '1 day' + (9+k) * interval '1 hour', date_trunc('day', now()) - d * interval '1 day' + (9+k) * interval '1 hour' + interval '5 minutes',
        300000, '{}', '{}', 10, 1
 FROM machines m, generate_series(0,29) d, generate_series(0,3) k WHERE m.chip_id IS NOT NULL AND hashtext(m.id::text) % 5 = 1 AND (d % 3) <> 2;
-- 90,000 welders, certificates for most
INSERT INTO welders (real_name, id_number_enc, id_number_index, id_number_masked, employer_id)
 SELECT '焊工'||g, 'x', md5(e.id::text||g)||md5(g::text||e.id::text), '4114********0000', e.id FROM enterprises e, generate_series(1,3) g WHERE hashtext(e.id::text) % 11 <> 0;
INSERT INTO certificates (welder_id, category, sub_operation, issued_on, expires_on, review_due_on, status, source, verification, verification_source, verified_at)
 SELECT w.id, 'welding_and_thermal_cutting', 'fusion_welding_and_thermal_cutting', d, d + interval '6 years', d + interval '3 years', 'valid', 'manual', 'verified', 'regulator', now()
 FROM welders w CROSS JOIN LATERAL (SELECT (current_date - (abs(hashtext(w.id::text)) % 2500))::date AS d) x WHERE hashtext(w.id::text) % 9 <> 0;
INSERT INTO reports (tracking_code, status, description, enterprise_id, created_at, updated_at)
 SELECT upper(substr(md5(id::text),1,10)), (ARRAY['received','verifying','verified','rejected'])[1+abs(hashtext(id::text))%4], '举报', id, now() - (abs(hashtext(id::text)) % 400) * interval '1 day', now()
 FROM enterprises WHERE hashtext(id::text) % 13 = 0;
ANALYZE;
SELECT (SELECT count(*) FROM enterprises) e, (SELECT count(*) FROM machines) m, (SELECT count(*) FROM chips) c, (SELECT count(*) FROM device_events) de,
       (SELECT count(*) FROM arcs) a, (SELECT count(*) FROM permits) p, (SELECT count(*) FROM welders) w, (SELECT count(*) FROM certificates) ce, (SELECT count(*) FROM reports) r;
