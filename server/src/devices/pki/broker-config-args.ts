/** Arguments of `npm run broker:config -- mosquitto [options]`. */
export interface BrokerConfigArgs {
  broker: 'mosquitto';
  out?: string;
  hosts: string[];
  ips: string[];
  port: number;
  servicePort: number;
  serviceBind: string;
}

export const BROKER_CONFIG_USAGE = `usage: npm run broker:config -- mosquitto [--out DIR] [--host NAME]... [--ip ADDRESS]...
         [--port 8883] [--service-port 8884] [--service-bind 127.0.0.1]
  --out           where to write (default DATA_DIR/broker/mosquitto)
  --host, --ip    names and addresses devices reach the broker by (its certificate's SAN; default localhost, 127.0.0.1)
  --port          the devices' mutual-TLS listener
  --service-port  the ArcGate server replicas' listener, bound to --service-bind (an internal address)`;

const port = (v: string | undefined, name: string): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535)
    throw new Error(`${name} must be a TCP port, not ${JSON.stringify(v)}`);
  return n;
};

export function parseBrokerConfigArgs(argv: string[]): BrokerConfigArgs {
  const [broker, ...rest] = argv;
  if (broker !== 'mosquitto')
    throw new Error(
      `unknown broker ${JSON.stringify(broker ?? '')}: only "mosquitto" is generated (EMQX: docs/protocol.md §12)`,
    );
  const a: BrokerConfigArgs = { broker, hosts: [], ips: [], port: 8883, servicePort: 8884, serviceBind: '127.0.0.1' };
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = rest[i + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    i++;
    if (flag === '--out') a.out = value;
    else if (flag === '--host') a.hosts.push(value);
    else if (flag === '--ip') a.ips.push(value);
    else if (flag === '--port') a.port = port(value, flag);
    else if (flag === '--service-port') a.servicePort = port(value, flag);
    else if (flag === '--service-bind') a.serviceBind = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (a.hosts.length === 0 && a.ips.length === 0) {
    a.hosts.push('localhost');
    a.ips.push('127.0.0.1');
  }
  if (a.port === a.servicePort) throw new Error('--port and --service-port must differ');
  return a;
}
