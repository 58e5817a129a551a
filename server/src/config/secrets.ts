import { generateKeyPairSync, KeyObject, createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentVariables } from './app-config';

interface StoredSecrets {
  jwt: string;
  codeSigningKey: string;
  dataEncryptionKey: string;
  deviceSigningKey?: string;
}

/** A new Ed25519 private key as base64 PKCS#8 DER. */
function newDeviceSigningKey(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
}

export function deviceSigningKeyFrom(base64Pkcs8: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64Pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
}

/**
 * Outside production, secrets not given in the environment are generated once and kept in
 * DATA_DIR/secrets.json (mode 0600) so that codes, tokens and encrypted fields survive restarts.
 */
export function resolveSecrets(env: EnvironmentVariables, dataDir: string) {
  const file = join(dataDir, 'secrets.json');
  let stored: StoredSecrets | undefined;
  const needStore = !env.JWT_SECRET || !env.CODE_SIGNING_KEY || !env.DATA_ENCRYPTION_KEY || !env.DEVICE_SIGNING_KEY;
  if (needStore) {
    if (existsSync(file)) {
      stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
      if (!stored.deviceSigningKey) {
        stored.deviceSigningKey = newDeviceSigningKey();
        writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
      }
    } else {
      stored = {
        jwt: randomBytes(32).toString('hex'),
        codeSigningKey: randomBytes(32).toString('hex'),
        dataEncryptionKey: randomBytes(32).toString('hex'),
        deviceSigningKey: newDeviceSigningKey(),
      };
      mkdirSync(dataDir, { recursive: true });
      writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
    }
  }
  return {
    jwt: env.JWT_SECRET ?? stored!.jwt,
    codeSigningKey: Buffer.from(env.CODE_SIGNING_KEY ?? stored!.codeSigningKey, 'hex'),
    dataEncryptionKey: Buffer.from(env.DATA_ENCRYPTION_KEY ?? stored!.dataEncryptionKey, 'hex'),
    deviceSigningKey: deviceSigningKeyFrom(env.DEVICE_SIGNING_KEY ?? stored!.deviceSigningKey!),
  };
}
