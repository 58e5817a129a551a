/**
 * The chip's Ed25519 key (§2.1). Generated on first start into a key file only the agent's user can
 * read (file 0600 in a 0700 directory); the agent refuses to start when either is open to others.
 * Only the public key and the chip id ever leave this module as text; the private KeyObject is used
 * for signing in-process and redacts itself if someone tries to log or serialise the identity.
 */
import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { chipIdFromPublicKey, formatChipLabel, publicKeyToBase64Url } from '@arcgate/protocol';
import { fsyncDir } from './fs-util';

export const KEY_FILE_NAME = 'chip-key.pem';

export class KeyFileError extends Error {}

export class ChipIdentity {
  readonly chip: string;
  /** base64url of the raw 32-byte public key, as registered at binding. */
  readonly publicKey: string;

  constructor(
    readonly privateKey: KeyObject,
    readonly keyFile: string,
    readonly created: boolean,
  ) {
    this.chip = chipIdFromPublicKey(privateKey);
    this.publicKey = publicKeyToBase64Url(privateKey);
  }

  /** The text of the chip's label QR code (docs/protocol.md §2.3), scanned by the installer to bind it. */
  get label(): string {
    return formatChipLabel(this.publicKey);
  }

  toJSON(): Record<string, string> {
    return { chip: this.chip, publicKey: this.publicKey };
  }

  [inspect.custom](): string {
    return `ChipIdentity { chip: '${this.chip}', publicKey: '${this.publicKey}' }`;
  }
}

function assertPrivate(path: string, what: 'file' | 'directory'): void {
  const st = statSync(path);
  if ((st.mode & 0o077) !== 0) {
    const want = what === 'file' ? '600' : '700';
    throw new KeyFileError(
      `refusing to start: chip key ${what} ${path} is accessible to other users (mode ${(st.mode & 0o777).toString(8)}); run chmod ${want} ${path}`,
    );
  }
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) {
    throw new KeyFileError(
      `refusing to start: chip key ${what} ${path} belongs to uid ${st.uid}, the agent runs as uid ${process.getuid()}`,
    );
  }
}

/** Loads the chip key from `dir`, generating it on first start. */
export function loadOrCreateChipKey(dir: string): ChipIdentity {
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
  assertPrivate(dir, 'directory');
  const file = join(dir, KEY_FILE_NAME);
  if (existsSync(file)) {
    assertPrivate(file, 'file');
    let key: KeyObject;
    try {
      key = createPrivateKey(readFileSync(file));
    } catch {
      throw new KeyFileError(`chip key file ${file} cannot be read as a PKCS#8 PEM private key`);
    }
    if (key.asymmetricKeyType !== 'ed25519')
      throw new KeyFileError(`chip key file ${file} does not hold an Ed25519 key`);
    return new ChipIdentity(key, file, false);
  }

  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }) as string;
  // Written under a temporary name and hard-linked into place: a crash never leaves a half key,
  // and two agents starting at once cannot both win (link fails if the file exists).
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateChipKey(dir);
    throw err;
  } finally {
    unlinkSync(tmp);
  }
  fsyncDir(dir);
  return new ChipIdentity(privateKey, file, true);
}
