import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { canonicalJson } from '@arcgate/protocol';
import { EntityManager } from 'typeorm';
import { Actor } from '../access/actor';
import { Clock } from '../common/clock/clock';
import { AuditAction, AuditEntityType } from './audit-actions';
import { AuditEntry } from './audit-entry.entity';

export type { AuditAction, AuditEntityType };

export interface AuditRecord {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string;
  enterpriseId?: string | null;
  regionPath?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
}

export const GENESIS_HASH = '0'.repeat(64);
/** Any constant works; it serialises appends so that the chain never forks. */
const AUDIT_CHAIN_LOCK = 727_001;

/**
 * The entry's hash, over the protocol's canonical JSON (RFC 8785, the one the device signatures use).
 * Every value hashed is plain JSON (an ISO string for the instant; before/after as jsonb stores them),
 * for which it gives the bytes the log's own sorted-keys JSON gave: stored hashes stay valid (audit-hash.spec.ts).
 */
export function hashEntry(
  prevHash: string,
  e: Pick<
    AuditEntry,
    | 'occurredAt'
    | 'actorUserId'
    | 'actorRole'
    | 'action'
    | 'entityType'
    | 'entityId'
    | 'enterpriseId'
    | 'regionPath'
    | 'before'
    | 'after'
  >,
): string {
  const body = canonicalJson({
    occurredAt: new Date(e.occurredAt).toISOString(),
    actorUserId: e.actorUserId,
    actorRole: e.actorRole,
    action: e.action,
    entityType: e.entityType,
    entityId: e.entityId,
    enterpriseId: e.enterpriseId,
    regionPath: e.regionPath,
    before: e.before,
    after: e.after,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

/**
 * Appends to the hash-chained audit log inside the caller's transaction, so a write and its audit
 * record commit or roll back together. Callers pass data already masked: the log never holds
 * plain personal data.
 */
@Injectable()
export class AuditService {
  constructor(private readonly clock: Clock) {}

  async record(em: EntityManager, actor: Actor, rec: AuditRecord): Promise<void> {
    if (!em.queryRunner?.isTransactionActive) throw new Error('AuditService.record must run inside a transaction');
    await em.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    // The head is read after the lock, so it must be read with a fresh snapshot: a REPEATABLE READ or
    // SERIALIZABLE transaction still sees the head as it was at its first statement and would fork the chain.
    const [{ hash, isolation }]: { hash: string | null; isolation: string }[] = await em.query(
      `SELECT (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1) AS hash, current_setting('transaction_isolation') AS isolation`,
    );
    if (isolation !== 'read committed')
      throw new Error(`AuditService.record needs a READ COMMITTED transaction, not ${isolation}: the chain would fork`);
    const prevHash = hash ?? GENESIS_HASH;
    // jsonb normalises values; round-trip through JSON so the hash sees what the database stores.
    const entry = em.create(AuditEntry, {
      occurredAt: this.clock.now(),
      actorUserId: actor.userId,
      actorRole: actor.role,
      action: rec.action,
      entityType: rec.entityType,
      entityId: rec.entityId,
      enterpriseId: rec.enterpriseId ?? null,
      regionPath: rec.regionPath ?? null,
      before: rec.before ? (JSON.parse(JSON.stringify(rec.before)) as Record<string, unknown>) : null,
      after: rec.after ? JSON.parse(JSON.stringify(rec.after)) : null,
      prevHash,
    });
    entry.hash = hashEntry(prevHash, entry);
    await em.getRepository(AuditEntry).insert(entry as unknown as Parameters<typeof em.insert<AuditEntry>>[1]);
  }
}
