import 'reflect-metadata';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../../bootstrap/infrastructure';
import { validateEnvironment } from '../../config/app-config';
import { describeError } from '../../common/errors/describe-error';
import { BROKER_CONFIG_USAGE, parseBrokerConfigArgs } from './broker-config-args';
import { writeMosquittoBundle } from './broker-bundle';
import { defaultCaFiles } from './device-pki';

/**
 * `npm run broker:config -- mosquitto`: a complete Mosquitto 2.0 configuration for devices on mutual
 * TLS (issue 17 §1), with the device CA the server uses (DEVICE_CA_* or DATA_DIR/pki, created when
 * absent) and the CRL file the server rewrites. Prints the server's settings to go with it.
 */
async function main(): Promise<void> {
  let args;
  try {
    args = parseBrokerConfigArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`${(e as Error).message}\n${BROKER_CONFIG_USAGE}`);
    process.exit(2);
  }
  const vars = validateEnvironment(process.env);
  const dataDir = resolve(vars.DATA_DIR ?? join(REPO_ROOT, '.data'));
  const crlFile = resolve(vars.DEVICE_CRL_FILE ?? join(dataDir, 'pki', 'device-ca.crl'));
  const bundle = await writeMosquittoBundle({
    outDir: resolve(args.out ?? join(dataDir, 'broker', 'mosquitto')),
    deviceCa:
      vars.DEVICE_CA_CERT_FILE && vars.DEVICE_CA_KEY_FILE
        ? { certFile: vars.DEVICE_CA_CERT_FILE, keyFile: vars.DEVICE_CA_KEY_FILE }
        : defaultCaFiles(dataDir, 'device-ca'),
    serviceCa: defaultCaFiles(dataDir, 'service-ca'),
    crlFile,
    topicRoot: vars.MQTT_TOPIC_ROOT,
    dnsNames: args.hosts,
    ipAddresses: args.ips,
    devicePort: args.port,
    servicePort: args.servicePort,
    serviceBind: args.serviceBind,
    now: new Date(),
  });
  const f = bundle.files;
  console.log(`Mosquitto configuration written: ${f.config}
  ACL ${f.acl}; broker certificate ${f.brokerCert} (key ${f.brokerKey}, mode 0600: make it readable by the
  user mosquitto runs as, e.g. chown mosquitto ${f.brokerKey}); CRL ${f.crl} (rewritten by ArcGate).
Start it:  mosquitto -c ${f.config}
Run the ArcGate server with:
  MQTT_URL=mqtts://${args.serviceBind}:${args.servicePort}
  MQTT_CA_FILE=${f.deviceCa}
  MQTT_CLIENT_CERT_FILE=${bundle.serverClientCert}
  MQTT_CLIENT_KEY_FILE=${bundle.serverClientKey}
  DEVICE_CRL_FILE=${f.crl}
  DEVICE_CRL_RELOAD_COMMAND='kill -HUP $(pidof mosquitto)'   # or: systemctl reload mosquitto
Devices connect to mqtts://<${[...args.hosts, ...args.ips].join('|')}>:${args.port} with the certificate of
their chip (GET /api/machines/{id}/chip/certificate) and trust ${f.deviceCa}.`);
}

main().catch((e) => {
  console.error(`broker:config failed: ${describeError(e)}`);
  process.exit(1);
});
