import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, resolveArchiveDir, validateEnvironment } from './app-config';

describe('validateEnvironment', () => {
  it('applies defaults', () => {
    const env = validateEnvironment({});
    expect(env.PORT).toBe(3000);
    expect(env.MQTT_PORT).toBe(18830);
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it('takes SERVER_ROLE all, device or api; api only with the broker it reaches devices through', () => {
    expect(validateEnvironment({}).SERVER_ROLE).toBeUndefined();
    expect(validateEnvironment({ SERVER_ROLE: 'device' }).SERVER_ROLE).toBe('device');
    expect(validateEnvironment({ SERVER_ROLE: 'all' }).SERVER_ROLE).toBe('all');
    expect(validateEnvironment({ SERVER_ROLE: 'api', MQTT_URL: 'mqtt://127.0.0.1:18830' }).SERVER_ROLE).toBe('api');
    expect(() => validateEnvironment({ SERVER_ROLE: 'api' })).toThrow(/SERVER_ROLE=api needs MQTT_URL/);
    expect(() => validateEnvironment({ SERVER_ROLE: 'reporting' })).toThrow(
      /SERVER_ROLE must be one of all, device, api/,
    );
  });

  it('names every bad variable in one error', () => {
    expect(() => validateEnvironment({ PORT: 'abc', DATABASE_URL: 'mysql://x', MQTT_URL: 'http://x' })).toThrow(
      ConfigError,
    );
    try {
      validateEnvironment({ PORT: 'abc', DATABASE_URL: 'mysql://x' });
    } catch (e) {
      expect(String(e)).toContain('PORT');
      expect(String(e)).toContain('DATABASE_URL must be a postgres:// URL');
    }
  });

  it('takes the mutual-TLS files together, readable, with an mqtts URL; the device CA as a pair', () => {
    const file = __filename;
    const tls = {
      MQTT_URL: 'mqtts://b:8884',
      MQTT_CA_FILE: file,
      MQTT_CLIENT_CERT_FILE: file,
      MQTT_CLIENT_KEY_FILE: file,
    };
    expect(validateEnvironment(tls).MQTT_CA_FILE).toBe(file);
    expect(() => validateEnvironment({ ...tls, MQTT_CLIENT_KEY_FILE: '' })).toThrow(/must be set together/);
    expect(() => validateEnvironment({ ...tls, MQTT_URL: 'mqtt://b:1883' })).toThrow(/mqtts/);
    expect(() => validateEnvironment({ ...tls, MQTT_CA_FILE: '/nonexistent/ca.crt' })).toThrow(/cannot be read/);
    expect(() => validateEnvironment({ DEVICE_CA_CERT_FILE: file })).toThrow(/DEVICE_CA_KEY_FILE/);
    expect(validateEnvironment({}).DEVICE_CERT_VALIDITY_DAYS).toBe(730);
  });

  it('takes the hot-path pool size as a whole number from 1 to 64, absent by default', () => {
    expect(validateEnvironment({}).DATABASE_HOT_POOL_SIZE).toBeUndefined();
    expect(validateEnvironment({ DATABASE_HOT_POOL_SIZE: '6' }).DATABASE_HOT_POOL_SIZE).toBe(6);
    for (const bad of ['0', '65', '2.5', 'many'])
      expect(() => validateEnvironment({ DATABASE_HOT_POOL_SIZE: bad })).toThrow(/DATABASE_HOT_POOL_SIZE/);
  });

  it('takes the heap growing percent as a whole number from 0 (V8 decides) to 400, 100 by default', () => {
    expect(validateEnvironment({}).HEAP_GROWING_PERCENT).toBe(100);
    expect(validateEnvironment({ HEAP_GROWING_PERCENT: '0' }).HEAP_GROWING_PERCENT).toBe(0);
    expect(validateEnvironment({ HEAP_GROWING_PERCENT: '250' }).HEAP_GROWING_PERCENT).toBe(250);
    for (const bad of ['-1', '401', '1.5', 'big'])
      expect(() => validateEnvironment({ HEAP_GROWING_PERCENT: bad })).toThrow(/HEAP_GROWING_PERCENT/);
  });

  it('takes TRUST_PROXY as a boolean, hop count or address list, unset by default', () => {
    expect(validateEnvironment({}).TRUST_PROXY).toBeUndefined();
    expect(validateEnvironment({ TRUST_PROXY: 'loopback,10.0.0.0/8' }).TRUST_PROXY).toBe('loopback,10.0.0.0/8');
    expect(() => validateEnvironment({ TRUST_PROXY: 'nginx' })).toThrow(/TRUST_PROXY must be true, false, a hop count/);
  });

  it('takes WELDER_PHOTO_PUBLIC as exactly true or false, off by default', () => {
    expect(validateEnvironment({}).WELDER_PHOTO_PUBLIC).toBe('false');
    expect(validateEnvironment({ WELDER_PHOTO_PUBLIC: 'true' }).WELDER_PHOTO_PUBLIC).toBe('true');
    for (const bad of ['yes', '1', 'TRUE', 'on'])
      expect(() => validateEnvironment({ WELDER_PHOTO_PUBLIC: bad })).toThrow(/WELDER_PHOTO_PUBLIC/);
  });

  it('takes ONSITE_CHECK_AFTER_S from 60 s to a week, 600 by default', () => {
    expect(validateEnvironment({}).ONSITE_CHECK_AFTER_S).toBe(600);
    expect(validateEnvironment({ ONSITE_CHECK_AFTER_S: '120' }).ONSITE_CHECK_AFTER_S).toBe(120);
    for (const bad of ['59', '604801', '1.5', 'soon'])
      expect(() => validateEnvironment({ ONSITE_CHECK_AFTER_S: bad })).toThrow(/ONSITE_CHECK_AFTER_S/);
  });

  it('takes EVENT_RETENTION_MONTHS as whole months from 1 to 1200, 13 by default', () => {
    expect(validateEnvironment({}).EVENT_RETENTION_MONTHS).toBe(13);
    expect(validateEnvironment({ EVENT_RETENTION_MONTHS: '24' }).EVENT_RETENTION_MONTHS).toBe(24);
    for (const bad of ['0', '-1', '1201', '1.5', 'forever'])
      expect(() => validateEnvironment({ EVENT_RETENTION_MONTHS: bad })).toThrow(/EVENT_RETENTION_MONTHS/);
  });

  it('takes LOGIN_HISTORY_RETENTION_DAYS as whole days from 1 to 3650, 180 by default', () => {
    expect(validateEnvironment({}).LOGIN_HISTORY_RETENTION_DAYS).toBe(180);
    expect(validateEnvironment({ LOGIN_HISTORY_RETENTION_DAYS: '365' }).LOGIN_HISTORY_RETENTION_DAYS).toBe(365);
    for (const bad of ['0', '3651', '2.5', 'forever'])
      expect(() => validateEnvironment({ LOGIN_HISTORY_RETENTION_DAYS: bad })).toThrow(/LOGIN_HISTORY_RETENTION_DAYS/);
  });

  it('creates the archive directory at start-up and refuses one it cannot write to', () => {
    const base = mkdtempSync(join(tmpdir(), 'arcgate-cfg-'));
    try {
      expect(resolveArchiveDir(join(base, 'a', 'b'))).toBe(join(base, 'a', 'b'));
      writeFileSync(join(base, 'file'), '');
      expect(() => resolveArchiveDir(join(base, 'file', 'sub'))).toThrow(/EVENT_ARCHIVE_DIR/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('takes the test-only fault points and clock offset file, never in production', () => {
    expect(
      validateEnvironment({ ARCGATE_FAULT_POINTS: 'decision.after-claim:2,ingest.mid-flush' }).ARCGATE_FAULT_POINTS,
    ).toBe('decision.after-claim:2,ingest.mid-flush');
    expect(() => validateEnvironment({ ARCGATE_FAULT_POINTS: 'decision.whenever' })).toThrow(
      /ARCGATE_FAULT_POINTS: unknown fault point/,
    );
    const prod = {
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      CODE_SIGNING_KEY: 'a'.repeat(64),
      DATA_ENCRYPTION_KEY: 'b'.repeat(64),
      DEVICE_SIGNING_KEY: 'A'.repeat(60),
    };
    expect(() => validateEnvironment(prod)).not.toThrow();
    expect(() => validateEnvironment({ ...prod, ARCGATE_FAULT_POINTS: 'ingest.before-ack' })).toThrow(
      /ARCGATE_FAULT_POINTS must not be set in production/,
    );
    expect(() => validateEnvironment({ ...prod, ARCGATE_CLOCK_OFFSET_FILE: '/tmp/offset' })).toThrow(
      /ARCGATE_CLOCK_OFFSET_FILE must not be set in production/,
    );
  });

  it('requires secrets in production', () => {
    expect(() => validateEnvironment({ NODE_ENV: 'production' })).toThrow(
      /JWT_SECRET, CODE_SIGNING_KEY, DATA_ENCRYPTION_KEY, DEVICE_SIGNING_KEY must be set/,
    );
  });
});
