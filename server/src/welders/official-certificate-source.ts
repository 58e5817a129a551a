import { Injectable } from '@nestjs/common';
import { CertificateSubOperation } from './certificate.entity';

/** What ArcGate asks the official register: the holder and the certificate as the enterprise entered it. */
export interface OfficialCertificateQuery {
  /** The holder's full ID number; the certificate number is "T" + this. Never logged. */
  idNumber: string;
  subOperation: CertificateSubOperation;
  issuedOn: string;
}

/**
 * The official register's answer. `not_connected`: no source is configured, or it could not be
 * reached; the record then waits for a regulator. `confirmed` / `contradicted`: the register holds
 * (or does not hold) a certificate with these terms; `detail` says why, for the regulator and audit.
 */
export type OfficialCertificateAnswer =
  { outcome: 'not_connected' } | { outcome: 'confirmed'; detail: string } | { outcome: 'contradicted'; detail: string };

/**
 * Port to the national 特种作业操作证查询 service (国家安全生产考试). ArcGate cannot reach it today;
 * a connector implementing this interface and bound to OFFICIAL_CERTIFICATE_SOURCE makes enterprise
 * entries verify themselves against it. Implementations must answer within a few seconds (they are
 * called while the entry is being written) and must answer `not_connected` rather than throw when
 * the service is down: an unreachable register never verifies anything.
 */
export interface OfficialCertificateSource {
  /** False for the default adapter; the regulator's queue says whether entries can verify themselves. */
  readonly connected: boolean;
  lookup(query: OfficialCertificateQuery): Promise<OfficialCertificateAnswer>;
}

export const OFFICIAL_CERTIFICATE_SOURCE = 'OFFICIAL_CERTIFICATE_SOURCE';

/** The default: no official source is connected, so every enterprise entry waits for a regulator. */
@Injectable()
export class NotConnectedOfficialSource implements OfficialCertificateSource {
  readonly connected = false;

  async lookup(): Promise<OfficialCertificateAnswer> {
    return { outcome: 'not_connected' };
  }
}
