import { GENESIS_HASH, hashEntry } from './audit.service';

/*
 * The hashes of stored audit rows must never change: these were computed by the hash as it was when
 * the rows were written. A change to the canonical JSON under hashEntry breaks verification of
 * every chain already in a database, and fails here first.
 */
const entry = {
  occurredAt: new Date('2026-01-05T01:02:03.456Z'),
  actorUserId: '6f1c2a9e-5d0b-4c1e-9a51-1b2c3d4e5f60',
  actorRole: 'enterprise_admin',
  action: 'permit.approve',
  entityType: 'permit',
  entityId: '0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5d',
  enterpriseId: null,
  regionPath: '411426.103',
  before: { status: 'submitted', approvals: [], zeta: -0, 'zh-CN': '张*', B: 1, b: 2.5 },
  after: {
    status: 'approved',
    approvals: [{ step: 1, by: '李*', at: '2026-01-05T01:02:03.456Z', note: 'ok "quoted"\n' }],
    nested: { z: [1, [true, null]], a: 1e-7 },
    big: 1e21,
  },
};

describe('hashEntry over stored rows', () => {
  it('gives the hashes the chain was written with', () => {
    expect(hashEntry(GENESIS_HASH, entry)).toBe('e52928564fa0207ce389e46da5bc2e3ecc98f00a4960ee650ae17da79dc13c05');
    expect(
      hashEntry('f'.repeat(64), {
        ...entry,
        before: null,
        after: null,
        enterpriseId: '0b7e3c1a-2d4f-4a6b-8c9d-0e1f2a3b4c5e',
      }),
    ).toBe('ee5e06edc81f450edcd533ab872fc05968a701a5cfc9bdef3a5516225aa858bd');
  });
});
