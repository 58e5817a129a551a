import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import {
  chipIdFromPublicKey,
  CHIP_ID_PATTERN,
  parseChipLabel,
  publicKeyFromRaw,
  signBytes,
  verifyBytes,
} from '@arcgate/protocol';
import { KEY_FILE_NAME, KeyFileError, loadOrCreateChipKey } from './keys';

describe('chip key', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'keys-spec-'));
    dir = join(root, 'keys');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is generated on first start into a 0600 file in a 0700 directory, and reloaded later', () => {
    const first = loadOrCreateChipKey(dir);
    expect(first.created).toBe(true);
    expect(first.chip).toMatch(CHIP_ID_PATTERN);
    expect(first.chip).toBe(chipIdFromPublicKey(publicKeyFromRaw(first.publicKey)));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, KEY_FILE_NAME)).mode & 0o777).toBe(0o600);
    const again = loadOrCreateChipKey(dir);
    expect(again.created).toBe(false);
    expect(again.chip).toBe(first.chip);
    const sig = signBytes(again.privateKey, Buffer.from('x'));
    expect(verifyBytes(first.publicKey, Buffer.from('x'), sig)).toBe(true);
  });

  it('prints a label that reads back as its own chip id and public key', () => {
    const identity = loadOrCreateChipKey(dir);
    expect(identity.label.startsWith('arcgate-chip:1?')).toBe(true);
    expect(parseChipLabel(identity.label)).toEqual({ ok: true, chipId: identity.chip, publicKey: identity.publicKey });
  });

  it('refuses to start when the key file or its directory is open to others', () => {
    loadOrCreateChipKey(dir);
    chmodSync(join(dir, KEY_FILE_NAME), 0o644);
    expect(() => loadOrCreateChipKey(dir)).toThrow(KeyFileError);
    expect(() => loadOrCreateChipKey(dir)).toThrow(/chmod 600/);
    chmodSync(join(dir, KEY_FILE_NAME), 0o600);
    chmodSync(dir, 0o755);
    expect(() => loadOrCreateChipKey(dir)).toThrow(/chmod 700/);
    const other = join(root, 'open');
    mkdirSync(other, { mode: 0o777 });
    chmodSync(other, 0o777);
    expect(() => loadOrCreateChipKey(other)).toThrow(KeyFileError);
  });

  it('refuses a key file that is not an Ed25519 PEM key', () => {
    loadOrCreateChipKey(dir);
    require('node:fs').writeFileSync(join(dir, KEY_FILE_NAME), 'garbage', { mode: 0o600 });
    expect(() => loadOrCreateChipKey(dir)).toThrow(/PKCS#8/);
  });

  it('never shows the private key when the identity is logged or serialised', () => {
    const id = loadOrCreateChipKey(dir);
    const pem = readFileSync(join(dir, KEY_FILE_NAME), 'utf8');
    const body = pem.split('\n')[1];
    expect(JSON.stringify(id)).toBe(JSON.stringify({ chip: id.chip, publicKey: id.publicKey }));
    expect(inspect(id)).not.toContain(body);
    expect(`${JSON.stringify({ id })}${inspect({ id }, { depth: 5 })}`).not.toContain(body);
  });
});
