import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const env = { MQTT_URL: 'mqtt://127.0.0.1:1883', BOARD_PATH: '/dev/ttyUSB0', MACHINE_KIND: 'electric_arc' };

describe('loadConfig', () => {
  it('reads the environment with defaults', () => {
    const c = loadConfig({ env: { ...env, POSITION: '34.2375, 116.1342', GAS_LIMIT_PERCENT_LEL: '8' } });
    expect(c).toMatchObject({
      mqttUrl: env.MQTT_URL,
      topicRoot: 'arcgate',
      serverPublicKey: null,
      scannerPath: null,
      machineKind: 'electric_arc',
      gasLimitPercentLel: 8,
      position: { lat: 34.2375, lng: 116.1342, accuracyM: 10 },
      watchdogMs: 1000,
      relayFeedback: true,
    });
    expect(loadConfig({ env: { ...env, RELAY_FEEDBACK: 'off' } }).relayFeedback).toBe(false);
    expect(c.clockOffsetMs).toBe(0);
    expect(loadConfig({ env: { ...env, CLOCK_OFFSET_MS: '-600000' } }).clockOffsetMs).toBe(-600_000);
  });

  it('reads the certificate renewal window (defaults 30 days and 1/3) and refuses nonsense', () => {
    expect(loadConfig({ env })).toMatchObject({ certRenewBeforeS: 30 * 86400, certRenewFraction: 1 / 3 });
    expect(
      loadConfig({ env: { ...env, MQTT_CERT_RENEW_BEFORE_S: '20', MQTT_CERT_RENEW_FRACTION: '1' } }),
    ).toMatchObject({ certRenewBeforeS: 20, certRenewFraction: 1 });
    expect(() => loadConfig({ env: { ...env, MQTT_CERT_RENEW_FRACTION: '2' } })).toThrow(/certRenewFraction/);
    expect(() => loadConfig({ env: { ...env, MQTT_CERT_RENEW_BEFORE_S: '0' } })).toThrow(/certRenewBeforeS/);
  });

  it('overlays the environment on the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
    try {
      const file = join(dir, 'agent.json');
      writeFileSync(
        file,
        JSON.stringify({
          mqttUrl: 'mqtt://file:1883',
          boardPath: '/dev/ttyACM0',
          machineKind: 'gas',
          dataDir: '/srv/agent',
          serverPublicKey: 'PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw',
        }),
      );
      const c = loadConfig({ file, env: { MQTT_URL: 'mqtts://env:8883' } });
      expect(c).toMatchObject({
        mqttUrl: 'mqtts://env:8883',
        boardPath: '/dev/ttyACM0',
        machineKind: 'gas',
        dataDir: '/srv/agent',
        serverPublicKey: 'PUAXw-hDiVqStwqnTRt-vJyYLM8uxJaMwM1V8Sr0Zgw',
      });
      writeFileSync(file, JSON.stringify({ mqttUrl: 'mqtt://x', colour: 'red' }));
      expect(() => loadConfig({ file, env: {} })).toThrow(/unknown key "colour"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every bad value at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({
        env: {
          MQTT_URL: 'localhost',
          MACHINE_KIND: 'laser',
          GAS_LIMIT_PERCENT_LEL: '0',
          ARCGATE_SERVER_PUBLIC_KEY: 'abc',
          MQTT_TOPIC_ROOT: 'a/+/b',
          POSITION: '91,0',
          WATCHDOG_MS: '5000',
          RELAY_FEEDBACK: 'maybe',
          CLOCK_OFFSET_MS: 'soon',
        },
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const text = error!.problems.join('\n');
    for (const name of [
      'MQTT_URL',
      'MACHINE_KIND',
      'GAS_LIMIT_PERCENT_LEL',
      'ARCGATE_SERVER_PUBLIC_KEY',
      'MQTT_TOPIC_ROOT',
      'POSITION',
      'WATCHDOG_MS',
      'RELAY_FEEDBACK',
      'CLOCK_OFFSET_MS',
      'BOARD_PATH',
    ])
      expect(text).toContain(name);
  });
});

describe('loadConfig: mutual TLS', () => {
  it('takes the chip certificate and the CA for an mqtts broker; the key defaults to the chip key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-tls-'));
    try {
      const cert = join(dir, 'chip.crt');
      const ca = join(dir, 'ca.crt');
      writeFileSync(cert, 'x');
      writeFileSync(ca, 'y');
      const mtls = { ...env, MQTT_URL: 'mqtts://broker:8883', MQTT_CERT_FILE: cert, MQTT_CA_FILE: ca };
      expect(loadConfig({ env: mtls }).tls).toEqual({ certFile: cert, caFile: ca, keyFile: null });
      expect(loadConfig({ env }).tls).toBeNull();
      expect(() => loadConfig({ env: { ...mtls, MQTT_URL: 'mqtt://broker:1883' } })).toThrow(/needs an mqtts/);
      expect(() => loadConfig({ env: { ...mtls, MQTT_CA_FILE: '' } })).toThrow(/must be set together/);
      expect(() => loadConfig({ env: { ...mtls, MQTT_KEY_FILE: join(dir, 'missing.key') } })).toThrow(/cannot read/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
