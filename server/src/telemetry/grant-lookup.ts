import { Injectable, Logger } from '@nestjs/common';
import { CLOCK_SKEW_MS } from '@arcgate/protocol';
import { DataSource } from 'typeorm';

/** What the telemetry rules need of a grant issued by the authorization engine. */
export interface GrantInfo {
  id: string;
  chipId: string | null;
  machineId: string | null;
  welderId: string | null;
  permitId: string | null;
  notBefore: Date | null;
  expiresAt: Date;
  revokedAt: Date | null;
}

// The authorization engine's grants table (migration 1763900600000-Authorization): a grant starts at issued_at.
const COLUMNS = `grant_id::text AS id, chip_id AS "chipId", machine_id::text AS "machineId", welder_id::text AS "welderId", permit_id::text AS "permitId",
  issued_at AS "notBefore", expires_at AS "expiresAt", revoked_at AS "revokedAt"`;

/**
 * A grant is valid for an event at `at` (device clock) when it is this chip's, started, not expired
 * and not revoked by then. Only the start gets the protocol's clock-skew allowance: an arc started
 * right after the grant arrived must not look early on a device whose clock runs behind.
 */
export function grantValidAt(g: GrantInfo | undefined, chipId: string, at: Date): g is GrantInfo {
  if (!g) return false;
  const t = at.getTime();
  if (g.chipId !== null && g.chipId !== chipId) return false;
  if (g.notBefore && t < g.notBefore.getTime() - CLOCK_SKEW_MS) return false;
  if (t >= g.expiresAt.getTime()) return false;
  return !(g.revokedAt && g.revokedAt.getTime() <= t);
}

/**
 * Reads the `grants` table the authorization engine owns. Until that table exists (or if its shape
 * differs), every lookup finds nothing, so arcs count as arcs without a grant: the rules fail closed.
 */
@Injectable()
export class GrantLookup {
  private readonly logger = new Logger('GrantLookup');
  private warned = false;

  constructor(private readonly ds: DataSource) {}

  async findByIds(ids: string[]): Promise<Map<string, GrantInfo>> {
    if (!ids.length) return new Map();
    const rows = await this.safely(() =>
      this.ds.query(`SELECT ${COLUMNS} FROM grants WHERE grant_id::text = ANY($1::text[])`, [ids]),
    );
    return new Map(rows.map((g) => [g.id, g]));
  }

  /**
   * The chip's grant in force at `at` (for events that carry no grant id, e.g. heartbeats): of the
   * live ones the newest, since a device holds one grant and replaces it when it arms again.
   */
  async findInForce(chipId: string, at: Date): Promise<GrantInfo | null> {
    const rows = await this.safely(() =>
      this.ds.query(
        `SELECT ${COLUMNS} FROM grants WHERE chip_id = $1 AND expires_at > $2::timestamptz AND issued_at <= $2::timestamptz + interval '${CLOCK_SKEW_MS / 1000} seconds' AND (revoked_at IS NULL OR revoked_at > $2)
       ORDER BY issued_at DESC LIMIT 1`,
        [chipId, at],
      ),
    );
    return rows[0] ?? null;
  }

  private async safely(run: () => Promise<GrantInfo[]>): Promise<GrantInfo[]> {
    try {
      return await run();
    } catch (e) {
      if (!this.warned)
        this.logger.warn(`grants are not readable (${(e as Error).message}); arcs are treated as ungranted`);
      this.warned = true;
      return [];
    }
  }
}
