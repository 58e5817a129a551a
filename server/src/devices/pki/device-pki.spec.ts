import { privateKeyFromSeed } from '@arcgate/protocol';
import * as x509 from '@peculiar/x509';
import { createPublicKey, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCrl, defaultCaFiles, issueLeaf, loadCa, loadOrCreateCa } from './device-pki';

const SEED = '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60';
const now = new Date('2026-03-02T08:00:00.000Z');

describe('device PKI', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'arcgate-pki-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates the CA once (key 0600), then loads the same one', async () => {
    const files = defaultCaFiles(dir, 'device-ca');
    const a = await loadOrCreateCa(files, 'ArcGate device CA', now);
    expect(statSync(files.keyFile).mode & 0o777).toBe(0o600);
    const b = await loadOrCreateCa(files, 'ArcGate device CA', now);
    expect(b.certPem).toBe(a.certPem);
    expect(a.cert.getExtension(x509.BasicConstraintsExtension)?.ca).toBe(true);
  });

  it("issues a chip certificate for the chip's own Ed25519 key, CN = chip id, signed by the CA", async () => {
    const ca = await loadOrCreateCa(defaultCaFiles(dir, 'device-ca'), 'ArcGate device CA', now);
    const chipKey = createPublicKey(privateKeyFromSeed(SEED));
    const leaf = await issueLeaf(ca, {
      commonName: 'C47Z33QX1AJH62RKBZ1A0',
      publicKey: chipKey,
      now,
      validityDays: 730,
    });
    const cert = new X509Certificate(leaf.pem);
    expect(cert.subject).toBe('CN=C47Z33QX1AJH62RKBZ1A0');
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      chipKey.export({ type: 'spki', format: 'der' }),
    );
    expect(cert.verify(new X509Certificate(ca.certPem).publicKey)).toBe(true);
    expect(cert.serialNumber.toLowerCase()).toBe(leaf.serial);
    expect(leaf.notAfter.getTime() - now.getTime()).toBe(730 * 24 * 3600 * 1000);
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']); // clientAuth only
  });

  it('lists revoked serials in a CRL signed by the CA', async () => {
    const ca = await loadOrCreateCa(defaultCaFiles(dir, 'device-ca'), 'ArcGate device CA', now);
    const pem = await buildCrl(ca, [{ serial: '1a2b3c', revokedAt: now }], now, 7);
    const crl = new x509.X509Crl(pem);
    expect(await crl.verify({ publicKey: ca.cert.publicKey })).toBe(true);
    expect(crl.entries.map((e) => e.serialNumber.toLowerCase())).toEqual(['1a2b3c']);
  });

  it('refuses a key that does not belong to the certificate, and half a CA', async () => {
    const files = defaultCaFiles(dir, 'device-ca');
    await loadOrCreateCa(files, 'ArcGate device CA', now);
    const other = defaultCaFiles(join(dir, 'other'), 'device-ca');
    await loadOrCreateCa(other, 'Other CA', now);
    writeFileSync(files.keyFile, readFileSync(other.keyFile));
    await expect(loadCa(files, now)).rejects.toThrow(/does not belong/);
    rmSync(files.keyFile);
    await expect(loadOrCreateCa(files, 'ArcGate device CA', now)).rejects.toThrow(/missing/);
  });
});
