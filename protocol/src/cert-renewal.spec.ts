import { X509Certificate } from 'node:crypto';
import { buildExamples, EXAMPLE_CERT, exampleKeys } from './examples';
import { CERT_DENIAL_REASONS, certDeniedBody, ReasonCode, REASONS } from './reason-codes';
import { deviceAcl } from './acl';
import { validateMessage, validateMessageOfType } from './validate';
import { withChange } from './spec-helpers';

describe('certificate renewal messages (docs §3.4, §6.10–6.12)', () => {
  const ex = buildExamples();

  it('the example certificate is a real one for the test-vector key, CN = its chip id', () => {
    const cert = new X509Certificate(EXAMPLE_CERT.renewedPem);
    expect(cert.subject).toBe(`CN=${exampleKeys().chip}`);
    expect(cert.serialNumber.toLowerCase()).toBe(EXAMPLE_CERT.renewedSerial);
    expect(cert.publicKey.export({ format: 'jwk' }).x).toBe(exampleKeys().devicePublicKey);
  });

  it('validates the examples and refuses what breaks the body rules', () => {
    for (const m of [ex.certRenew, ex.certIssued, ex.certDenied]) expect(validateMessage(m)).toEqual([]);
    const paths = (m: unknown) => validateMessage(m).map((p) => p.path);
    expect(paths(withChange(ex.certRenew, ['body', 'serial'], 'ABC'))).toContain('$.body.serial');
    expect(paths(withChange(ex.certRenew, ['body', 'publicKey'], 'too-short'))).toContain('$.body.publicKey');
    expect(paths(withChange(ex.certIssued, ['body', 'supersedes'], EXAMPLE_CERT.renewedSerial))).toContain(
      '$.body.serial',
    );
    expect(paths(withChange(ex.certIssued, ['body', 'notAfter'], '2026-01-01T00:00:00.000Z'))).toContain(
      '$.body.notAfter',
    );
    expect(paths(withChange(ex.certIssued, ['body', 'certificatePem'], 'not a certificate'))).toContain(
      '$.body.certificatePem',
    );
    // A reason that belongs to the arm decision is no answer to a renewal.
    expect(paths(withChange(ex.certDenied, ['body', 'reason'], ReasonCode.PERMIT_EXPIRED))).toContain('$.body.reason');
    // …and a renewal-only reason is no answer to an arm request.
    const mismatch = withChange(ex.armDenied, ['body', 'reason'], ReasonCode.DEVICE_CERT_KEY_MISMATCH);
    expect(validateMessageOfType('arm.denied', mismatch).map((p) => p.path)).toContain('$.body.reason');
  });

  it.each(Object.values(ReasonCode))(
    'certDeniedBody(%s): a valid cert.denied, retryAfterS exactly when the server is the obstacle',
    (code) => {
      const body = certDeniedBody(EXAMPLE_CERT.renewRequest, code);
      const sent = CERT_DENIAL_REASONS.includes(code) ? code : ReasonCode.SERVER_ERROR;
      expect(body.reason).toBe(sent);
      expect('retryAfterS' in body).toBe(REASONS[sent].waitForServer);
      expect(validateMessageOfType('cert.denied', { ...ex.certDenied, body })).toEqual([]);
    },
  );

  it('lets a device publish its own cert.renew and nobody else’s', () => {
    const chip = exampleKeys().chip;
    expect(deviceAcl('arcgate', chip, 'publish', `arcgate/d/${chip}/up/cert.renew`)).toBe(true);
    expect(deviceAcl('arcgate', chip, 'publish', `arcgate/d/C00000000000000000000/up/cert.renew`)).toBe(false);
    expect(deviceAcl('arcgate', chip, 'publish', `arcgate/d/${chip}/down/cert.issued`)).toBe(false);
    expect(deviceAcl('arcgate', chip, 'subscribe', `arcgate/d/${chip}/down/cert.issued`)).toBe(true);
  });
});
