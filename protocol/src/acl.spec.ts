import { deviceAcl, deviceClientIdAllowed } from './acl';

const root = 'arcgate';
const me = 'C47Z33QX1AJH62RKBZ1A0';
const other = 'C1111111111111111111B';
const mine = `${root}/d/${me}`;
const theirs = `${root}/d/${other}`;

describe('deviceAcl', () => {
  const publishAllowed = [`${mine}/status`, `${mine}/up/arm.request`, `${mine}/up/events`];
  const publishDenied = [
    `${mine}/down/arm.grant`, // impersonating the server
    `${mine}/up/arm.grant`,
    `${mine}/up/unknown`,
    `${mine}/up`,
    `${mine}/up/events/extra`,
    `${mine}/up/#`,
    `${mine}/up/+`,
    `${mine}/status/x`,
    `${mine}`,
    `${theirs}/status`,
    `${theirs}/up/events`,
    `${root}/d/+/up/events`,
    `other/d/${me}/up/events`,
    `$share/g/${mine}/up/events`,
    `${mine}/up/events\u0000`,
    `${root}/server/anything`,
  ];
  const subscribeAllowed = [
    `${mine}/down/#`,
    `${mine}/down/+`,
    `${mine}/down/arm.grant`,
    `${mine}/down/grant.revoke`,
    `${mine}/down/events.ack`,
  ];
  const subscribeDenied = [
    '#',
    `${root}/#`,
    `${root}/d/#`,
    `${root}/d/+/down/#`,
    `${root}/d/+/up/#`,
    `${mine}/#`,
    `${mine}/+/#`,
    `${mine}/up/#`,
    `${mine}/status`,
    `${mine}/down`,
    `${mine}/down/unknown`,
    `${mine}/down/#/x`,
    `${mine}/down/arm.grant/#`,
    `${theirs}/down/#`,
    `${theirs}/down/arm.grant`,
    `$share/g/${mine}/down/#`,
    `$SYS/#`,
  ];

  it.each(publishAllowed)('allows publish to %s', (t) => expect(deviceAcl(root, me, 'publish', t)).toBe(true));
  it.each(publishDenied)('denies publish to %s', (t) => expect(deviceAcl(root, me, 'publish', t)).toBe(false));
  it.each(subscribeAllowed)('allows subscribe to %s', (t) => expect(deviceAcl(root, me, 'subscribe', t)).toBe(true));
  it.each(subscribeDenied)('denies subscribe to %s', (t) => expect(deviceAcl(root, me, 'subscribe', t)).toBe(false));

  it('never lets a device publish where it may subscribe or the other way round', () => {
    for (const t of subscribeAllowed) expect(deviceAcl(root, me, 'publish', t)).toBe(false);
    for (const t of publishAllowed) expect(deviceAcl(root, me, 'subscribe', t)).toBe(false);
  });

  it('denies everything for invalid roots, chips and actions', () => {
    expect(deviceAcl('a/#', me, 'publish', `a/#/d/${me}/status`)).toBe(false);
    expect(deviceAcl(root, '+', 'publish', `${root}/d/+/status`)).toBe(false);
    expect(deviceAcl(root, me, 'delete' as 'publish', `${mine}/status`)).toBe(false);
  });

  it('respects a multi-level root', () => {
    expect(deviceAcl('prod/arcgate', me, 'publish', `prod/arcgate/d/${me}/up/events`)).toBe(true);
    expect(deviceAcl('prod/arcgate', me, 'publish', `${mine}/up/events`)).toBe(false);
  });
});

describe('deviceClientIdAllowed', () => {
  it('allows only the chip id itself as client id', () => {
    expect(deviceClientIdAllowed(me, me)).toBe(true);
    for (const bad of [other, '', me.toLowerCase(), `${me} `, `${me}-2`, `dev-${me}`, undefined, null, 42])
      expect(deviceClientIdAllowed(me, bad)).toBe(false);
    expect(deviceClientIdAllowed('', '')).toBe(false);
  });

  it('denies wildcard and system topics to a device', () => {
    for (const topic of [
      '#',
      '+/#',
      `${root}/#`,
      `${root}/d/+/up/#`,
      `${root}/d/#`,
      '$SYS/#',
      '$SYS/broker/clients',
      `$share/g/${mine}/down/#`,
    ]) {
      expect({ topic, sub: deviceAcl(root, me, 'subscribe', topic) }).toEqual({ topic, sub: false });
      expect({ topic, pub: deviceAcl(root, me, 'publish', topic) }).toEqual({ topic, pub: false });
    }
  });
});
