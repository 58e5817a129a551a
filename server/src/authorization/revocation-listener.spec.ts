import { filterOfNotification } from './revocation-listener';

describe('filterOfNotification', () => {
  const id = '9c8b7a6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d';
  const of = (v: unknown) => filterOfNotification(JSON.stringify(v));

  it('maps each trigger kind to the grants it concerns', () => {
    expect(of({ kind: 'permit', id })).toEqual({ permitId: id });
    expect(of({ kind: 'machine', id })).toEqual({ machineId: id });
    expect(of({ kind: 'welder', id })).toEqual({ welderId: id });
    expect(of({ kind: 'enterprise', id })).toEqual({ enterpriseId: id });
    expect(of({ kind: 'region', id: '/411426/411426100/' })).toEqual({ regionPath: '/411426/411426100/' });
  });

  it('refuses anything malformed rather than widening the check to every grant', () => {
    expect(filterOfNotification('not json')).toBeNull();
    expect(filterOfNotification('null')).toBeNull();
    expect(of({ kind: 'permit' })).toBeNull();
    expect(of({ kind: 'permit', id: 'x' })).toBeNull();
    expect(of({ kind: 'permit', id: 42 })).toBeNull();
    expect(of({ kind: 'region', id: '' })).toBeNull();
    expect(of({ kind: 'region', id: "/41/' OR 1=1" })).toBeNull();
    expect(of({ kind: 'grant', id })).toBeNull();
  });
});
