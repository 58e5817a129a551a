import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The two off-platform lists that judge every machine of the scope (silent machines, unpermitted machines)
 * for the default look-back, judged with the ranking's signals (off-platform/ranking-signals.job.ts) and
 * stored as their rows instead of judged for every page: at province size judging them took 1.2 s and
 * 1.0 s p95 (195,210 machines, 5–8 µs of index probes each, whatever the number of suspects). Each table
 * holds the list's suspects as the list shows them. A page joins the enterprise as it is now for the scope (an
 * enterprise moved since is judged by its new region); an index in the list's order serves wide scopes, the
 * enterprise index narrow ones and the ranking's signals (counted from these rows).
 */
export class StoredMachineSuspects1796900007000 implements MigrationInterface {
  name = 'StoredMachineSuspects1796900007000';

  public async up(q: QueryRunner): Promise<void> {
    const enterprise = `
        enterprise_id uuid NOT NULL,
        enterprise_name text NOT NULL,
        industry text NOT NULL,
        region_code text NOT NULL,
        region_name text NOT NULL,
        machine_id uuid PRIMARY KEY,
        machine_name text NOT NULL,
        serial_number text NOT NULL,
        chip_id text`;
    await q.query(`
      CREATE TABLE off_platform_silent_machines (${enterprise},
        manufacturer text NOT NULL,
        model text NOT NULL,
        bound_at timestamptz,
        last_seen_at timestamptz,
        reason text NOT NULL,
        online_days integer,
        bound_before boolean
      )`);
    await q.query(`
      CREATE INDEX off_platform_silent_machines_order_idx ON off_platform_silent_machines
        (reason DESC NULLS LAST, enterprise_name NULLS FIRST, machine_name NULLS FIRST, machine_id NULLS FIRST)`);
    // With the reason: the ranking counts unchipped and silent per enterprise (one probe, no bitmap over all unchipped).
    await q.query(
      `CREATE INDEX off_platform_silent_machines_enterprise_idx ON off_platform_silent_machines (enterprise_id, reason)`,
    );
    await q.query(`
      CREATE TABLE off_platform_unpermitted_machines (${enterprise},
        online_days_without_permit integer NOT NULL,
        arcs_without_grant integer NOT NULL,
        last_arc_without_grant_at timestamptz
      )`);
    await q.query(`
      CREATE INDEX off_platform_unpermitted_machines_order_idx ON off_platform_unpermitted_machines
        (arcs_without_grant DESC NULLS LAST, online_days_without_permit DESC NULLS LAST, machine_id NULLS FIRST)`);
    await q.query(
      `CREATE INDEX off_platform_unpermitted_machines_enterprise_idx ON off_platform_unpermitted_machines (enterprise_id)`,
    );
    // The stored lists are filled with the signals: count them again at the next start, whatever their age.
    await q.query(`DELETE FROM off_platform_signal_refreshes`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS off_platform_unpermitted_machines`);
    await q.query(`DROP TABLE IF EXISTS off_platform_silent_machines`);
  }
}
