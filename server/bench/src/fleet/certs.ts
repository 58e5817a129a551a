import 'reflect-metadata';
import { ChipKeyPair } from '@arcgate/protocol';
import { createPrivateKey, createPublicKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Client } from 'pg';
import { CaFiles, issueLeaf, loadCa, newSerial } from '../../../dist/devices/pki/device-pki';

export interface ChipCertificate {
  serial: string;
  pem: string;
}

/** Device certificates' validity in the bench (the server's default for bound chips is longer; it does not matter here). */
const VALIDITY_DAYS = 30;

/**
 * Certificates for many chips at once, exactly as binding issues them (DevicePkiService.issueForChip →
 * issueLeaf: CN = chip id, the chip's own Ed25519 key, a random 16-octet serial, clientAuth, the CA's
 * key identifier), without issueLeaf's ~9 ms each (WebCrypto import, AKI hash, ASN.1 generator): one
 * certificate is issued by issueLeaf as a template, and for every chip its serial, CN and key are
 * replaced in place (all three have fixed lengths) and the to-be-signed part signed again with the CA
 * key. The first few are checked against the CA with OpenSSL's verification (X509Certificate.verify).
 */
export async function issueInBulk(ca: CaFiles, chips: ChipKeyPair[], now: Date): Promise<ChipCertificate[]> {
  if (chips.length === 0) return [];
  const material = await loadCa(ca, now);
  const caKey = createPrivateKey(readFileSync(ca.keyFile));
  const first = chips[0];
  const template = await issueLeaf(material, {
    commonName: first.chip,
    publicKey: first.publicKey,
    now,
    validityDays: VALIDITY_DAYS,
  });
  const der = new X509Certificate(template.pem).raw;
  // Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }: the TBS is the first element.
  const tbsStart = headerLength(der, 0);
  const tbsLength = headerLength(der, tbsStart) + contentLength(der, tbsStart);
  const tbs = der.subarray(tbsStart, tbsStart + tbsLength);
  const at = (needle: Buffer, what: string) => {
    const i = tbs.indexOf(needle);
    if (i < 0 || tbs.indexOf(needle, i + 1) >= 0)
      throw new Error(`certificate template: ${what} not found exactly once`);
    return i;
  };
  const serialAt = at(Buffer.from(template.serial, 'hex'), 'serial');
  const cnAt = at(Buffer.from(first.chip, 'ascii'), 'CN');
  const rawKey = (k: ChipKeyPair) =>
    createPublicKey(k.privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyAt = at(rawKey(first), 'public key');
  const sigLength = 64;
  const out: ChipCertificate[] = [];
  for (const chip of chips) {
    if (chip.chip.length !== first.chip.length) throw new Error(`chip id ${chip.chip}: not the template's length`);
    const serial = newSerial();
    const t = Buffer.from(tbs);
    Buffer.from(serial, 'hex').copy(t, serialAt);
    t.write(chip.chip, cnAt, 'ascii');
    rawKey(chip).copy(t, keyAt);
    const cert = Buffer.from(der);
    t.copy(cert, tbsStart);
    sign(null, t, caKey).copy(cert, cert.length - sigLength);
    const b64 = cert.toString('base64').replace(/.{64}/g, '$&\n');
    out.push({
      serial,
      pem: `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`,
    });
  }
  const caCert = new X509Certificate(material.certPem);
  for (const [i, c] of out.slice(0, 3).entries()) {
    const x = new X509Certificate(c.pem);
    if (!x.verify(caCert.publicKey) || !x.subject.includes(chips[i].chip) || x.serialNumber.toLowerCase() !== c.serial)
      throw new Error(`bulk certificate for ${chips[i].chip} does not verify`);
  }
  return out;
}

/** Records them as issueForChip does (device_certificates), so that the server's backfill finds nothing to issue. */
export async function recordCertificates(
  databaseUrl: string,
  chips: ChipKeyPair[],
  certs: ChipCertificate[],
  now: Date,
): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const x = new X509Certificate(certs[0].pem);
    for (let i = 0; i < chips.length; i += 5000) {
      const part = certs.slice(i, i + 5000);
      await db.query(
        `INSERT INTO device_certificates (serial, chip_id, not_before, not_after, pem, issued_at)
         SELECT s, c, $3, $4, p, $5 FROM unnest($1::varchar[], $2::varchar[], $6::text[]) AS t(s, c, p)`,
        [
          part.map((c) => c.serial),
          chips.slice(i, i + 5000).map((c) => c.chip),
          new Date(x.validFrom),
          new Date(x.validTo),
          now,
          part.map((c) => c.pem),
        ],
      );
    }
  } finally {
    await db.end();
  }
}

/** DER: bytes of the tag and length at `at`. */
function headerLength(b: Buffer, at: number): number {
  const l = b[at + 1];
  return l < 0x80 ? 2 : 2 + (l & 0x7f);
}

function contentLength(b: Buffer, at: number): number {
  const l = b[at + 1];
  if (l < 0x80) return l;
  let n = 0;
  for (let i = 0; i < (l & 0x7f); i++) n = n * 256 + b[at + 2 + i];
  return n;
}
