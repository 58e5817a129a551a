import { parseTrustProxy } from './trust-proxy';

describe('parseTrustProxy', () => {
  it('reads booleans, hop counts and address lists', () => {
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('loopback')).toEqual(['loopback']);
    expect(parseTrustProxy('10.0.0.0/8, 192.168.1.7 ,fd00::/8,uniquelocal')).toEqual([
      '10.0.0.0/8',
      '192.168.1.7',
      'fd00::/8',
      'uniquelocal',
    ]);
  });

  it('refuses what Express would choke on or misread', () => {
    for (const bad of [
      '0',
      '11',
      'yes',
      '10.0.0.300',
      '10.0.0.0/33',
      'fd00::/129',
      '10.0.0.0/8/1',
      'loopback,',
      'proxy.example.com',
    ]) {
      expect(parseTrustProxy(bad)).toBeNull();
    }
  });
});
