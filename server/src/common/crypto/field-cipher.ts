import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Protects personal data at rest: AES-256-GCM for the value, plus a keyed HMAC "blind index"
 * so that an exact-match search never needs to decrypt the table.
 */
export class FieldCipher {
  private readonly encKey: Buffer;
  private readonly indexKey: Buffer;

  constructor(masterKey: Buffer) {
    this.encKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'arcgate/field-encryption', 32));
    this.indexKey = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), 'arcgate/blind-index', 32));
  }

  /** Output: "v1:" + base64(iv | tag | ciphertext). */
  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.encKey, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  decrypt(stored: string): string {
    if (!stored.startsWith('v1:')) throw new Error('Unknown ciphertext version');
    const raw = Buffer.from(stored.slice(3), 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.encKey, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }

  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value.trim().toUpperCase()).digest('hex');
  }
}
