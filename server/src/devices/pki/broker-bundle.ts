import { SERVER_MQTT_USERNAME } from '../../mqtt/mqtt-connection';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  buildCrl,
  CaFiles,
  CaMaterial,
  issueLeaf,
  loadOrCreateCa,
  writePrivateFile,
  writePublicFile,
} from './device-pki';
import { mosquittoAcl, mosquittoConfig, MosquittoFiles } from './mosquitto-config';

export const DEVICE_CA_NAME = 'ArcGate device CA';
export const SERVICE_CA_NAME = 'ArcGate service CA';
/** Broker and server certificates: renewed by running broker:config again. */
const SERVICE_CERT_DAYS = 2 * 365;

export interface BrokerBundleOptions {
  outDir: string;
  deviceCa: CaFiles;
  serviceCa: CaFiles;
  crlFile: string;
  topicRoot: string;
  dnsNames: string[];
  ipAddresses: string[];
  devicePort: number;
  servicePort: number;
  serviceBind: string;
  extra?: string[];
  now: Date;
}

export interface BrokerBundle {
  files: MosquittoFiles;
  /** The ArcGate server's own client identity on the service listener (MQTT_CLIENT_CERT_FILE/KEY_FILE). */
  serverClientCert: string;
  serverClientKey: string;
  deviceCa: CaMaterial;
}

/** Writes an empty CRL for the CA when none exists yet (Mosquitto will not start on a missing crlfile). */
export async function ensureCrl(ca: CaMaterial, crlFile: string, now: Date): Promise<void> {
  if (!existsSync(crlFile)) writePublicFile(crlFile, await buildCrl(ca, [], now, 0));
}

/**
 * Everything Mosquitto needs for device mTLS, written into outDir: the config, the ACL, both CA
 * certificates, the broker's TLS certificate (issued by the device CA, so devices verify the broker
 * with the one CA they are given) and the ArcGate server's client certificate (issued by the service CA).
 */
export async function writeMosquittoBundle(o: BrokerBundleOptions): Promise<BrokerBundle> {
  const out = resolve(o.outDir);
  const deviceCa = await loadOrCreateCa(o.deviceCa, DEVICE_CA_NAME, o.now);
  const serviceCa = await loadOrCreateCa(o.serviceCa, SERVICE_CA_NAME, o.now);
  const files: MosquittoFiles = {
    config: join(out, 'mosquitto.conf'),
    acl: join(out, 'acl'),
    deviceCa: join(out, 'device-ca.crt'),
    serviceCa: join(out, 'service-ca.crt'),
    brokerCert: join(out, 'broker.crt'),
    brokerKey: join(out, 'broker.key'),
    crl: resolve(o.crlFile),
  };
  writePublicFile(files.deviceCa, deviceCa.certPem);
  writePublicFile(files.serviceCa, serviceCa.certPem);

  const broker = generateKeyPairSync('ed25519');
  const brokerCert = await issueLeaf(deviceCa, {
    commonName: o.dnsNames[0] ?? 'localhost',
    publicKey: broker.publicKey,
    now: o.now,
    validityDays: SERVICE_CERT_DAYS,
    server: { dnsNames: o.dnsNames, ipAddresses: o.ipAddresses },
  });
  writePrivateFile(files.brokerKey, broker.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writePublicFile(files.brokerCert, brokerCert.pem + deviceCa.certPem);

  const server = generateKeyPairSync('ed25519');
  const serverCert = await issueLeaf(serviceCa, {
    commonName: SERVER_MQTT_USERNAME,
    publicKey: createPublicKey(server.privateKey),
    now: o.now,
    validityDays: SERVICE_CERT_DAYS,
  });
  const serverClientCert = join(out, 'server-client.crt');
  const serverClientKey = join(out, 'server-client.key');
  writePrivateFile(serverClientKey, server.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  writePublicFile(serverClientCert, serverCert.pem);

  await ensureCrl(deviceCa, files.crl, o.now);
  writePublicFile(files.acl, mosquittoAcl(o.topicRoot, o.now));
  writePublicFile(
    files.config,
    mosquittoConfig({
      topicRoot: o.topicRoot,
      files,
      devicePort: o.devicePort,
      servicePort: o.servicePort,
      serviceBind: o.serviceBind,
      extra: o.extra,
      generatedAt: o.now,
    }),
  );
  return { files, serverClientCert, serverClientKey, deviceCa };
}
