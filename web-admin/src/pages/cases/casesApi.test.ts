import { describe, expect, it } from 'vitest';
import { decisionKinds } from './casesApi';

describe('a case decision', () => {
  it('lists its parts in reading order', () => {
    expect(
      decisionKinds({
        warning: true,
        fineYuan: 20000,
        suspendedMachines: [{ id: 'm', name: '1号焊机', serialNumber: 'S1', status: 'suspended' }],
        productionHalt: true,
      }),
    ).toEqual(['warning', 'fine', 'machine_suspension', 'production_halt']);
    expect(decisionKinds({ warning: false, fineYuan: null, suspendedMachines: [], productionHalt: true })).toEqual([
      'production_halt',
    ]);
  });
});
