import { PreparedStatement } from '../database/prepared-statement';
import { permitContextSql } from '../permits/permit-context';

/*
 * The statements of the arm decision's hot path (AuthorizationRepository), prepared once per
 * connection. LOAD_CONTEXT claims the nonce and reads chip, machine, enterprise, credential and
 * welder; LOAD_WORK_CONTEXT reads permit, certificates, blackout and gas; one STORE_* writes the
 * decision with its grant. Other modules' columns they name are checked against the schema by
 * hot-path-columns.integration-spec.ts.
 */

/*
 * The nonce claim commits without waiting for its WAL flush (set_config(..., true) is SET LOCAL for
 * this statement's own transaction). Nothing is lost by that: no answer leaves before the decision's
 * STORE_* commits, synchronously, and that flush covers all earlier WAL, the claim included. If
 * PostgreSQL crashes before the decision is stored, the claim may vanish with it, and the device,
 * having no answer, retries. One disk flush per decision instead of two: on this disk a flush has a
 * p99 of 15-20 ms and stalls of up to a second (BENCHMARKS.md).
 */
export const LOAD_CONTEXT =
  new PreparedStatement(`WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),
       claim AS (
         INSERT INTO arm_nonces (chip_id, nonce, request_id, decision_id, seen_at)
         SELECT $1, $6, $7, $8, $9 FROM async_commit WHERE $6::varchar IS NOT NULL
         ON CONFLICT (chip_id, nonce) DO NOTHING RETURNING 1)
       SELECT
         (SELECT count(*) FROM claim)::int AS claimed,
         (SELECT json_build_object('requestId', n.request_id, 'decisionId', n.decision_id, 'seenAt', n.seen_at, 'orphanedAt', n.orphaned_at)
            FROM arm_nonces n WHERE n.chip_id = $1 AND n.nonce = $6) AS prior_nonce,
         EXISTS (SELECT 1 FROM chips WHERE chip_id = $1) AS chip_known,
         (SELECT json_build_object('id', m.id, 'status', m.status, 'kind', m.kind, 'chipId', m.chip_id, 'name', m.name, 'ratedCurrentA', m.rated_current_a,
                   'enterpriseId', e.id, 'enterpriseStatus', e.status, 'regionPath', e.region_path)
            FROM machines m JOIN enterprises e ON e.id = m.enterprise_id
           WHERE m.id = COALESCE($2::uuid, (SELECT id FROM machines WHERE chip_id = $1))) AS machine,
         (SELECT json_build_object('id', ic.id, 'subjectType', ic.subject_type, 'subjectId', ic.subject_id, 'status', ic.status)
            FROM identity_codes ic WHERE ic.code = $3) AS code,
         (SELECT json_build_object('id', s.id, 'grantId', s.grant_id, 'chipId', s.chip_id, 'machineId', s.machine_id, 'welderId', s.welder_id,
                   'permitId', s.permit_id, 'pushDeadline', s.push_deadline, 'pushedAt', s.pushed_at, 'confirmBy', s.confirm_by, 'usedAt', s.used_at, 'usedRequestId', s.used_request_id,
                   'grantExpiresAt', g.expires_at, 'grantRevokedAt', g.revoked_at)
            FROM arm_sessions s JOIN grants g ON g.grant_id = s.grant_id WHERE s.id = $4::uuid) AS session,
         (SELECT json_build_object('id', w.id, 'realName', w.real_name, 'status', w.status) FROM welders w
           WHERE w.id = COALESCE(
             (SELECT subject_id FROM identity_codes WHERE code = $3 AND subject_type = 'welder'),
             (SELECT welder_id FROM arm_sessions WHERE id = $4::uuid),
             $5::uuid)) AS welder`);

export const LOAD_WORK_CONTEXT = new PreparedStatement(`WITH naming AS (
         SELECT p.id FROM permits p
           JOIN permit_welders pw ON pw.permit_id = p.id AND pw.welder_id = $2::uuid
           JOIN permit_machines pm ON pm.permit_id = p.id AND pm.machine_id = $3::uuid
          WHERE $6::boolean AND p.status = 'approved' AND p.planned_start <= $4::timestamptz AND p.planned_end > $4::timestamptz
          ORDER BY p.planned_start LIMIT 2),
       chosen AS (
         SELECT CASE WHEN NOT $6::boolean THEN $1::uuid WHEN (SELECT count(*) FROM naming) = 1 THEN (SELECT id FROM naming) END AS id)
       SELECT chosen.id AS permit_id, (SELECT count(*) FROM naming)::int AS naming,
         ${permitContextSql('chosen.id', '$2::uuid', '$3::uuid', '$4::timestamptz')} AS permit_ctx,
         EXISTS (SELECT 1 FROM blackouts b WHERE b.cancelled_at IS NULL AND b.effect = 'ban' AND b.starts_at <= $4::timestamptz AND b.ends_at > $4::timestamptz
           AND starts_with($5::text, b.region_path)) AS blackout,
         CASE WHEN $7::text IS NOT NULL AND (SELECT sp.effective_level FROM permits sp WHERE sp.id = chosen.id) = 'special' THEN
           (SELECT d.payload FROM device_events d WHERE d.chip_id = $7::text AND d.type = 'gas.reading' AND d.occurred_at >= $8::timestamptz
             ORDER BY d.occurred_at DESC LIMIT 1) END AS gas_reading
       FROM chosen`);

const INSERT_DECISION = `INSERT INTO decisions (id, at, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, allowed, reason,
    request_id, nonce, position, grant_id, latency_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`;

export const STORE_DECISION = new PreparedStatement(INSERT_DECISION);

export const STORE_DECISION_WITH_GRANT =
  new PreparedStatement(`WITH g AS (INSERT INTO grants (grant_id, decision_id, source, chip_id, machine_id, enterprise_id,
      region_path, welder_id, permit_id, certificate_id, code_id, request_id, nonce, issued_at, expires_at, delivered_at, max_current_a)
    VALUES ($17, $1, $3, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31) RETURNING 1)
  ${INSERT_DECISION}`);

export const STORE_DECISION_WITH_TAKE_UP =
  new PreparedStatement(`WITH g AS (UPDATE grants SET request_id = $18, nonce = $19, expires_at = LEAST(expires_at, $20),
      delivered_at = COALESCE(delivered_at, $2), max_current_a = $21
    WHERE grant_id = $17 AND request_id IS NULL RETURNING 1)
  ${INSERT_DECISION}`);

// A request that claimed the session and was lost with a crash may claim it again (same request id) when its retry takes over.
export const CLAIM_SESSION = new PreparedStatement(
  `UPDATE arm_sessions SET used_at = $3, used_request_id = $2 WHERE id = $1 AND (used_at IS NULL OR used_request_id = $2) RETURNING id`,
);

/*
 * A retry takes over a claim whose decision was never stored (its process crashed, or recovery marked
 * it orphaned): the claim now names the retry's decision. Conditional on the old decision id and on
 * no decision with it having been stored meanwhile, so two retries cannot both take it over.
 */
export const TAKE_OVER_CLAIM =
  new PreparedStatement(`UPDATE arm_nonces n SET decision_id = $5, orphaned_at = NULL, recovered_at = $6
  WHERE n.chip_id = $1 AND n.nonce = $2 AND n.request_id = $3 AND n.decision_id = $4
    AND NOT EXISTS (SELECT 1 FROM decisions d WHERE d.id = $4) RETURNING 1`);
