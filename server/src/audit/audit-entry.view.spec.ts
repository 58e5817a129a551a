import { AuditEntry } from './audit-entry.entity';
import { idsIn, idsOf, toAuditEntryView } from './audit-entry.view';

const A = '0b7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
const B = '5C7C1E2A-3D4F-4A5B-8C6D-7E8F9A0B1C2D';
const USER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

const entry = (over: Partial<AuditEntry> = {}): AuditEntry =>
  Object.assign(new AuditEntry(), {
    id: '7',
    occurredAt: new Date('2026-01-05T01:00:00Z'),
    actorUserId: USER,
    actorRole: 'enterprise_admin',
    action: 'machine.update',
    entityType: 'machine',
    entityId: A,
    enterpriseId: null,
    regionPath: null,
    before: { welderId: B, note: 'x' },
    after: { nested: { ids: [A] }, count: 3 },
    prevHash: '0',
    hash: '1',
    ...over,
  });

describe('audit entry view', () => {
  it('finds the ids an entry mentions, lower-cased, in nested snapshots', () => {
    expect(idsIn({ a: B, b: { c: [A, 'not-an-id'] }, d: 5 })).toEqual([B.toLowerCase(), A]);
    expect(idsIn(null)).toEqual([]);
    expect(idsOf(entry())).toEqual([USER, A, B.toLowerCase(), A]);
  });

  it('names the actor and carries only the names of what the entry mentions', () => {
    const names = new Map([
      [USER, '张三'],
      [A, '1号焊机（SN-1）'],
      [B.toLowerCase(), '李四（4114**********0022）'],
      ['ffffffff-3d4f-4a5b-8c6d-7e8f9a0b1c2d', '别的记录'],
    ]);
    const v = toAuditEntryView(entry(), names);
    expect(v.actorName).toBe('张三');
    expect(v.names).toEqual({ [A]: '1号焊机（SN-1）', [B.toLowerCase()]: '李四（4114**********0022）' });
    expect(toAuditEntryView(entry({ actorUserId: null, actorRole: 'system' }), names).actorName).toBeNull();
  });
});
