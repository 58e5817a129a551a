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

  it('requires secrets in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET, CODE_SIGNING_KEY, DATA_ENCRYPTION_KEY, DEVICE_SIGNING_KEY must be set/);
  });
});
