import { applyHeapGrowth } from './heap-growth';

describe('applyHeapGrowth', () => {
  it('sets V8 heap growing factor from the percent', () => {
    const set = jest.fn();
    applyHeapGrowth(100, set);
    expect(set).toHaveBeenCalledWith('--heap-growing-percent=100');
  });

  it('leaves V8 its own dynamic factor at 0', () => {
    const set = jest.fn();
    applyHeapGrowth(0, set);
    expect(set).not.toHaveBeenCalled();
  });
});
