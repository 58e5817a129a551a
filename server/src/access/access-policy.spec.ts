import { SelectQueryBuilder } from 'typeorm';
import { Role } from '../common/roles/role';
import { AlertScope } from '../alerts/alert-scope';
import { AccessPolicy } from './access-policy';
import { Actor } from './actor';

/** Records the conditions scopeToEnterprises adds, in place of a real query builder. */
function recorder() {
  const where: { sql: string; params?: Record<string, unknown> }[] = [];
  const qb = { andWhere: (sql: string, params?: Record<string, unknown>) => (where.push({ sql, params }), qb) };
  return { qb: qb as unknown as SelectQueryBuilder<object>, where };
}
const actor = (over: Partial<Actor>): Actor => ({ userId: 'u', username: 'u', role: Role.Regulator, ...over });

describe('AccessPolicy.scopeByOwnColumns (issue 19: no join to enterprises)', () => {
  const policy = new AccessPolicy();

  it("scopes by the row's own region_path and enterprise_id, and gives others nothing", () => {
    const reg = recorder();
    policy.scopeByOwnColumns(reg.qb, actor({ regionPath: '/411426/' }), 'd');
    expect(reg.where).toEqual([{ sql: 'd.region_path LIKE :scopePath', params: { scopePath: '/411426/%' } }]);
    const ent = recorder();
    policy.scopeByOwnColumns(ent.qb, actor({ role: Role.EnterpriseAdmin, enterpriseId: 'ent-1' }), 'd');
    expect(ent.where).toEqual([
      { sql: 'd.enterprise_id = :scopeEnterpriseId', params: { scopeEnterpriseId: 'ent-1' } },
    ]);
    const none = recorder();
    policy.scopeByOwnColumns(none.qb, actor({ regionPath: null }), 'd');
    const welder = recorder();
    policy.scopeByOwnColumns(welder.qb, actor({ role: Role.Welder, welderId: 'w' }), 'd');
    expect([...none.where, ...welder.where]).toEqual([
      { sql: '1 = 0', params: undefined },
      { sql: '1 = 0', params: undefined },
    ]);
    const admin = recorder();
    policy.scopeByOwnColumns(admin.qb, actor({ role: Role.PlatformAdmin }), 'd');
    expect(admin.where).toEqual([]);
  });
});

describe('AccessPolicy.scopeToEnterprises', () => {
  const policy = new AccessPolicy();

  it('limits a regulator to the region subtree', () => {
    const { qb, where } = recorder();
    policy.scopeToEnterprises(qb, actor({ regionPath: '/411426/411426100/' }), 'e');
    expect(where).toEqual([{ sql: 'e.region_path LIKE :scopePath', params: { scopePath: '/411426/411426100/%' } }]);
  });

  it('gives a regulator without a region nothing, with no NUL byte sent to PostgreSQL', () => {
    const { qb, where } = recorder();
    policy.scopeToEnterprises(qb, actor({ regionPath: null }), 'e');
    expect(where).toEqual([{ sql: '1 = 0', params: undefined }]);
    expect(JSON.stringify(where)).not.toContain('\\u0000');
  });

  it('limits enterprise users to their enterprise and gives welders no enterprise-wide rows', () => {
    const a = recorder();
    policy.scopeToEnterprises(a.qb, actor({ role: Role.SafetyManager, enterpriseId: 'ent-1' }), 'e');
    expect(a.where).toEqual([{ sql: 'e.id = :scopeEnterpriseId', params: { scopeEnterpriseId: 'ent-1' } }]);
    const w = recorder();
    policy.scopeToEnterprises(w.qb, actor({ role: Role.Welder, welderId: 'w' }), 'e');
    expect(w.where).toEqual([{ sql: '1 = 0', params: undefined }]);
  });
});

describe("AlertScope.apply (the alerts' copy of the region rule)", () => {
  it('gives a regulator without a region nothing, with no NUL byte sent to PostgreSQL', () => {
    const { qb, where } = recorder();
    new AlertScope(new AccessPolicy()).apply(qb, actor({ regionPath: null }), 'al');
    expect(where).toEqual([{ sql: '1 = 0', params: undefined }]);
  });

  it('limits a regulator to the subtree and to alerts of no region', () => {
    const { qb, where } = recorder();
    new AlertScope(new AccessPolicy()).apply(qb, actor({ regionPath: '/411426/' }), 'al');
    expect(where).toEqual([
      {
        sql: '(al.region_path LIKE :alertScopePath OR al.region_path IS NULL)',
        params: { alertScopePath: '/411426/%' },
      },
    ]);
  });
});
