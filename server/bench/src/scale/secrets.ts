import { createHash, createPrivateKey } from 'node:crypto';
import { serverMqttPasswordFor } from '../../../dist/mqtt/mqtt-connection';
import { BenchSecrets } from '../environment';

const derive = (label: string) => createHash('sha256').update(`arcgate-scale-bench/${label}`).digest();
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/**
 * Fixed, bench-only keys: the generator encrypts personal data and signs codes with them, and the
 * latency phase starts the server with the same ones, possibly hours later. Never a deployment's keys.
 */
export function scaleSecrets(): BenchSecrets {
  const jwt = derive('jwt').toString('hex');
  return {
    jwt,
    codeSigningKey: derive('code-signing'),
    dataEncryptionKey: derive('data-encryption'),
    deviceSigningKey: createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, derive('device-signing')]),
      format: 'der',
      type: 'pkcs8',
    }),
    serverMqttPassword: serverMqttPasswordFor(jwt),
  };
}

/** Password of every generated user (bench-only). */
export const SCALE_PASSWORD = 'Scale-bench-2026!';
