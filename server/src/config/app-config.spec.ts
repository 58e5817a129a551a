import { ConfigError, validateEnvironment } from './app-config';

describe('validateEnvironment', () => {
  it('applies defaults', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.MQTT_PORT).toBe(18830);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable in one error', () => {
    expect(() => validateEnvironment({ PORT: 'abc', DATABASE_URL: 'mysql://x', MQTT_URL: 'http://x' })).toThrow(ConfigError);
    try {
      validateEnvironment({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      expect(String(e)).toContain('PORT');
      expect(String(e)).toContain('DATABASE_URL must be a postgres:// URL');
    }
  });

  it('takes the hot-path pool size as a whole number from 1 to 64, absent by default', () => {
    expect(validateEnvironment({}).DATABASE_HOT_POOL_SIZE).toBeUndefined();
    expect(validateEnvironment({ DATABASE_HOT_POOL_SIZE: '6' }).DATABASE_HOT_POOL_SIZE).toBe(6);
    for (const bad of ['0', '65', '2.5', 'many']) expect(() => validateEnvironment({ DATABASE_HOT_POOL_SIZE: bad })).toThrow(/DATABASE_HOT_POOL_SIZE/);
  });

  it('takes the heap growing percent as a whole number from 0 (V8 decides) to 400, 100 by default', () => {
    expect(validateEnvironment({}).HEAP_GROWING_PERCENT).toBe(100);
    expect(validateEnvironment({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(validateEnvironment({ HEAP_GROWING_PERCENT: '250' }).HEAP_GROWING_PERCENT).toBe(250);
    for (const bad of ['-1', '401', '1.5', 'big']) expect(() => validateEnvironment({ HEAP_GROWING_PERCENT: bad })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('takes TRUST_PROXY as a boolean, hop count or address list, unset by default', () => {
    expect(validateEnvironment({}).TRUST_PROXY).toBeUndefined();
    expect(validateEnvironment({ TRUST_PROXY: 'loopback,10.0.0.0/8' }).TRUST_PROXY).toBe('loopback,10.0.0.0/8');
    expect(() => validateEnvironment({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY must be true, false, a hop count/);
  });

  it('requires secrets in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET, CODE_SIGNING_KEY, DATA_ENCRYPTION_KEY, DEVICE_SIGNING_KEY must be set/);
  });
});
