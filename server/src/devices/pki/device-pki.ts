import { AsnConvert } from '@peculiar/asn1-schema';
import { CRLNumber } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';
import { createPrivateKey, createPublicKey, KeyObject, randomBytes, webcrypto } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The device PKI (issue 17 §1): a CA that issues each bound chip an X.509 certificate for the chip's
 * own Ed25519 key, and a CRL of the certificates of chips that left their machine. All ASN.1 is done
 * by @peculiar/x509 over Node's WebCrypto; nothing here encodes DER by hand.
 *
 * Ed25519 everywhere (CA, broker, chips, the server's client identity): checked with Mosquitto 2.0.11
 * on OpenSSL 3.0 (server/src/devices/mtls-mosquitto.integration-spec.ts), which does TLS 1.3 with
 * Ed25519 certificates on both ends.
 */
type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;
const crypto = webcrypto;
x509.cryptoProvider.set(crypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ED25519 = { name: 'Ed25519' } as const;
const DAY_MS = 24 * 3600 * 1000;
/** Certificates start a little in the past so that a device whose clock lags slightly still accepts them. */
const BACKDATE_MS = 5 * 60 * 1000;

/** PEM with LF line ends and a final newline, so that files of several PEM blocks concatenate cleanly. */
function pemText(pem: string): string {
  const lf = pem.replace(/\r\n/g, '\n');
  return lf.endsWith('\n') ? lf : `${lf}\n`;
}

export interface CaMaterial {
  cert: x509.X509Certificate;
  certPem: string;
  /** WebCrypto key for @peculiar/x509. */
  signingKey: CryptoKey;
}

export interface IssuedCertificate {
  /** Lower-case hex, no leading zeros beyond the encoding's (as @peculiar/x509 and OpenSSL print it). */
  serial: string;
  notBefore: Date;
  notAfter: Date;
  pem: string;
}

export interface CaFiles {
  certFile: string;
  keyFile: string;
}

/** The CA's files in the data directory (generated on first start when none are configured). */
export function defaultCaFiles(dataDir: string, name: 'device-ca' | 'service-ca'): CaFiles {
  return { certFile: join(dataDir, 'pki', `${name}.crt`), keyFile: join(dataDir, 'pki', `${name}.key`) };
}

/** A positive 128-bit serial in hex (RFC 5280: positive, at most 20 octets; random against collisions). */
export function newSerial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x10; // positive and 16 significant octets, so every serial prints the same length
  return b.toString('hex');
}

/** Writes a file readable by its owner only, atomically (a crash never leaves half a key or half a CRL). */
export function writePrivateFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

/** A public file (certificate, CRL): written atomically, world-readable, so a broker running as its own user reads it. */
export function writePublicFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o644 });
  chmodSync(tmp, 0o644);
  renameSync(tmp, path);
}

async function importPrivateKey(pem: string): Promise<CryptoKey> {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'ed25519') throw new Error('the CA key must be an Ed25519 private key');
  const der = key.export({ type: 'pkcs8', format: 'der' });
  return crypto.subtle.importKey('pkcs8', der, ED25519, false, ['sign']);
}

/** An Ed25519 public key as a WebCrypto key, from its raw 32 bytes. */
export function importRawPublicKey(raw: Buffer): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', raw, ED25519, true, ['verify']);
}

async function generateCa(
  commonName: string,
  validityDays: number,
  now: Date,
): Promise<{ certPem: string; keyPem: string }> {
  const keys = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: newSerial(),
    name: `CN=${commonName}, O=ArcGate`,
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + validityDays * DAY_MS),
    keys,
    signingAlgorithm: ED25519,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' })
    .export({ type: 'pkcs8', format: 'pem' })
    .toString();
  return { certPem: pemText(cert.toString('pem')), keyPem };
}

/**
 * Loads a CA from its files; checks that the certificate is a CA, is in force, and belongs to the key.
 * Throws with the reason (start-up stops on it).
 */
export async function loadCa(files: CaFiles, now: Date): Promise<CaMaterial> {
  let certPem: string;
  let keyPem: string;
  try {
    certPem = readFileSync(files.certFile, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the CA certificate ${files.certFile}: ${(e as Error).message}`);
  }
  try {
    keyPem = readFileSync(files.keyFile, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the CA key ${files.keyFile}: ${(e as Error).message}`);
  }
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
  } catch (e) {
    throw new Error(`${files.certFile} is not a PEM X.509 certificate: ${(e as Error).message}`);
  }
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  if (!bc?.ca) throw new Error(`${files.certFile} is not a CA certificate (basicConstraints CA:TRUE missing)`);
  if (cert.notAfter.getTime() <= now.getTime()) throw new Error(`the CA certificate ${files.certFile} has expired`);
  let signingKey: CryptoKey;
  try {
    signingKey = await importPrivateKey(keyPem);
  } catch (e) {
    throw new Error(`${files.keyFile}: ${(e as Error).message}`);
  }
  const fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  if (!Buffer.from(cert.publicKey.rawData).equals(fromKey))
    throw new Error(`the CA key ${files.keyFile} does not belong to the certificate ${files.certFile}`);
  return { cert, certPem: pemText(cert.toString('pem')), signingKey };
}

/**
 * The CA in `files`, generated there first when neither file exists (files mode 0600 for the key).
 * One file without the other is an error rather than a silent new CA: every issued certificate would
 * stop working.
 */
export async function loadOrCreateCa(
  files: CaFiles,
  commonName: string,
  now: Date,
  validityDays = 20 * 365,
): Promise<CaMaterial> {
  const haveCert = existsSync(files.certFile);
  const haveKey = existsSync(files.keyFile);
  if (!haveCert && !haveKey) {
    const made = await generateCa(commonName, validityDays, now);
    writePrivateFile(files.keyFile, made.keyPem);
    writePublicFile(files.certFile, made.certPem);
  } else if (haveCert !== haveKey) {
    throw new Error(
      `${haveCert ? files.keyFile : files.certFile} is missing while ${haveCert ? files.certFile : files.keyFile} exists: restore it (a new CA would invalidate every certificate it issued)`,
    );
  }
  return loadCa(files, now);
}

export interface LeafOptions {
  commonName: string;
  publicKey: CryptoKey | KeyObject;
  now: Date;
  validityDays: number;
  /** TLS server certificate (the broker's): DNS names and IP addresses for its SAN. */
  server?: { dnsNames: string[]; ipAddresses: string[] };
}

/** Issues an end-entity certificate signed by the CA: clientAuth by default, serverAuth with `server`. */
export async function issueLeaf(ca: CaMaterial, o: LeafOptions): Promise<IssuedCertificate> {
  const publicKey =
    o.publicKey instanceof KeyObject
      ? await crypto.subtle.importKey('spki', o.publicKey.export({ type: 'spki', format: 'der' }), ED25519, true, [
          'verify',
        ])
      : o.publicKey;
  const serial = newSerial();
  const notBefore = new Date(o.now.getTime() - BACKDATE_MS);
  const notAfter = new Date(o.now.getTime() + o.validityDays * DAY_MS);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([
      o.server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
    ]),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
  ];
  if (o.server)
    extensions.push(
      new x509.SubjectAlternativeNameExtension([
        ...o.server.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...o.server.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    );
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial,
    subject: `CN=${o.commonName}`,
    issuer: ca.cert.subject,
    notBefore,
    notAfter,
    publicKey,
    signingKey: ca.signingKey,
    signingAlgorithm: ED25519,
    extensions,
  });
  return { serial: cert.serialNumber.toLowerCase(), notBefore, notAfter, pem: pemText(cert.toString('pem')) };
}

export interface RevokedEntry {
  serial: string;
  revokedAt: Date;
}

/**
 * The CA's CRL (v2) listing `revoked`. nextUpdate is far enough ahead that a broker holding a CRL
 * ArcGate could not refresh (server down) does not start refusing every device: OpenSSL refuses all
 * certificates once a CRL is past its nextUpdate.
 */
export async function buildCrl(
  ca: CaMaterial,
  revoked: RevokedEntry[],
  now: Date,
  crlNumber: number,
  validityDays = 30,
): Promise<string> {
  const crl = await x509.X509CrlGenerator.create({
    issuer: ca.cert.subject,
    thisUpdate: new Date(now.getTime() - BACKDATE_MS),
    nextUpdate: new Date(now.getTime() + validityDays * DAY_MS),
    signingKey: ca.signingKey,
    signingAlgorithm: ED25519,
    entries: revoked.map((r) => ({
      serialNumber: r.serial,
      revocationDate: r.revokedAt,
      reason: x509.X509CrlReason.cessationOfOperation,
    })),
    extensions: [
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert),
      new x509.Extension('2.5.29.20', false, crlNumberDer(crlNumber)),
    ],
  });
  // OpenSSL (and so Mosquitto) reads the label "X509 CRL" (RFC 7468 §5), not the library's "CRL".
  return pemText(x509.PemConverter.encode(crl.rawData, 'X509 CRL'));
}

/** cRLNumber's value: a DER INTEGER (RFC 5280 §5.2.3), encoded by the library's ASN.1 schema. */
function crlNumberDer(n: number): ArrayBuffer {
  return AsnConvert.serialize(new CRLNumber(n));
}
