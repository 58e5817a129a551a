import { defaultHotPathPoolSize, parameterCount } from './hot-path-pool';

describe('parameterCount', () => {
  it('is the highest placeholder, whatever the order and repetition', () => {
    expect(parameterCount('SELECT 1')).toBe(0);
    expect(parameterCount('SELECT $2, $1, $2')).toBe(2);
    expect(parameterCount('VALUES ($1, $10, $3)')).toBe(10);
  });
});

describe('defaultHotPathPoolSize', () => {
  it('is two connections per core, at least four', () => {
    expect(defaultHotPathPoolSize(1)).toBe(4);
    expect(defaultHotPathPoolSize(2)).toBe(4);
    expect(defaultHotPathPoolSize(8)).toBe(16);
  });
});
