import { parseBrokerConfigArgs } from './broker-config-args';
import { mosquittoAcl, mosquittoConfig } from './mosquitto-config';

const at = new Date('2026-03-02T08:00:00.000Z');

describe('generated Mosquitto configuration', () => {
  it('allows a chip only its own topics (%u = certificate CN) and the server everything under the root', () => {
    const acl = mosquittoAcl('arcgate', at);
    const rules = acl.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(rules).toEqual([
      'user arcgate-server',
      'topic readwrite arcgate/#',
      'pattern write arcgate/d/%u/status',
      'pattern write arcgate/d/%u/up/arm.request',
      'pattern write arcgate/d/%u/up/events',
      'pattern write arcgate/d/%u/up/cert.renew',
      'pattern read arcgate/d/%u/down/#',
    ]);
  });

  it('requires certificates, forces client id = CN on the device listener only, refuses anonymous', () => {
    const files = {
      config: '/c',
      acl: '/acl',
      deviceCa: '/d.crt',
      serviceCa: '/s.crt',
      brokerCert: '/b.crt',
      brokerKey: '/b.key',
      crl: '/d.crl',
    };
    const conf = mosquittoConfig({
      topicRoot: 'arcgate',
      files,
      devicePort: 8883,
      servicePort: 8884,
      serviceBind: '10.0.0.2',
      generatedAt: at,
    });
    const rules = conf.split('\n').filter((l) => l && !l.startsWith('#'));
    const device = rules.slice(rules.indexOf('listener 8883'), rules.indexOf('listener 8884 10.0.0.2'));
    const service = rules.slice(rules.indexOf('listener 8884 10.0.0.2'));
    expect(rules.slice(0, 3)).toEqual(['per_listener_settings false', 'allow_anonymous false', 'acl_file /acl']);
    expect(device).toEqual(
      expect.arrayContaining([
        'cafile /d.crt',
        'crlfile /d.crl',
        'require_certificate true',
        'use_identity_as_username true',
        'use_username_as_clientid true',
      ]),
    );
    expect(service).toEqual(
      expect.arrayContaining(['cafile /s.crt', 'require_certificate true', 'use_identity_as_username true']),
    );
    expect(service).not.toContain('use_username_as_clientid true');
  });

  it('reads its arguments, refusing unknown brokers and options', () => {
    expect(parseBrokerConfigArgs(['mosquitto'])).toMatchObject({
      hosts: ['localhost'],
      ips: ['127.0.0.1'],
      port: 8883,
      servicePort: 8884,
    });
    expect(parseBrokerConfigArgs(['mosquitto', '--host', 'mq.example.cn', '--port', '9883'])).toMatchObject({
      hosts: ['mq.example.cn'],
      ips: [],
      port: 9883,
    });
    expect(() => parseBrokerConfigArgs(['emqx'])).toThrow(/only "mosquitto"/);
    expect(() => parseBrokerConfigArgs(['mosquitto', '--port', '0'])).toThrow(/TCP port/);
    expect(() => parseBrokerConfigArgs(['mosquitto', '--bogus', 'x'])).toThrow(/unknown option/);
    expect(() => parseBrokerConfigArgs(['mosquitto', '--port', '8884'])).toThrow(/must differ/);
  });
});
