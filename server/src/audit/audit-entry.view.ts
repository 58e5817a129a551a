import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES, AuditAction, AuditEntityType } from './audit-actions';
import { AuditEntry } from './audit-entry.entity';

/**
 * An audit entry as the console reads it: the stored row plus the names of the people and records it
 * mentions, so that nobody has to read a UUID. The hash fields stay for the chain check.
 */
export class AuditEntryView {
  @ApiProperty({ description: 'bigint, as a string' }) id!: string;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt!: Date;
  @ApiProperty({ type: String, nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The acting user's display name; null for the system" })
  actorName!: string | null;
  @ApiProperty({ description: "A role, or 'system' for the platform's own actions" }) actorRole!: string;
  @ApiProperty({ enum: AUDIT_ACTIONS, enumName: 'AuditAction' }) action!: AuditAction;
  @ApiProperty({ enum: AUDIT_ENTITY_TYPES, enumName: 'AuditEntityType' }) entityType!: AuditEntityType;
  @ApiProperty() entityId!: string;
  @ApiProperty({ type: String, nullable: true }) enterpriseId!: string | null;
  @ApiProperty({ type: String, nullable: true }) regionPath!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) before!: Record<string, unknown> | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) after!: Record<string, unknown> | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'Display names of the record ids this entry mentions (its object, and ids inside before/after)',
  })
  names!: Record<string, string>;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
}

export function toAuditEntryView(e: AuditEntry, names: ReadonlyMap<string, string>): AuditEntryView {
  const mentioned = new Set<string>([e.entityId, ...idsIn(e.before), ...idsIn(e.after)]);
  return {
    id: e.id,
    occurredAt: e.occurredAt,
    actorUserId: e.actorUserId,
    actorName: e.actorUserId ? (names.get(e.actorUserId) ?? null) : null,
    actorRole: e.actorRole,
    action: e.action as AuditAction,
    entityType: e.entityType as AuditEntityType,
    entityId: e.entityId,
    enterpriseId: e.enterpriseId,
    regionPath: e.regionPath,
    before: e.before,
    after: e.after,
    names: Object.fromEntries([...mentioned].flatMap((id) => (names.has(id) ? [[id, names.get(id)!]] : []))),
    prevHash: e.prevHash,
    hash: e.hash,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** UUID-shaped strings in a snapshot, down to three levels (the snapshots nest two at most). */
export function idsIn(snapshot: Record<string, unknown> | null): string[] {
  if (!snapshot) return [];
  const out: string[] = [];
  const visit = (v: unknown, depth: number) => {
    if (typeof v === 'string' && UUID.test(v)) out.push(v.toLowerCase());
    else if (depth < 3 && Array.isArray(v)) v.forEach((x) => visit(x, depth + 1));
    else if (depth < 3 && v && typeof v === 'object') Object.values(v).forEach((x) => visit(x, depth + 1));
  };
  visit(snapshot, 0);
  return out;
}

/** Every id an entry can name: actor, object (UUID-shaped or a region code), ids in its snapshots. */
export function idsOf(e: AuditEntry): string[] {
  return [...(e.actorUserId ? [e.actorUserId] : []), e.entityId, ...idsIn(e.before), ...idsIn(e.after)];
}

export { UUID as UUID_PATTERN };
