import { DOWN_MESSAGE_TYPES, UP_MESSAGE_TYPES } from './messages';
import {
  deviceDownFilter,
  downTopic,
  isValidTopicRoot,
  parseTopic,
  serverStatusFilter,
  serverUpFilter,
  statusTopic,
  TOPIC_KINDS,
  TOPIC_SPECS,
  topicFor,
  upTopic,
} from './topics';

const chip = 'C47Z33QX1AJH62RKBZ1A0';
const other = 'C1111111111111111111B';

describe('topic building', () => {
  it('builds every topic under the root', () => {
    expect(statusTopic('arcgate', chip)).toBe(`arcgate/d/${chip}/status`);
    expect(upTopic('arcgate', chip, 'arm.request')).toBe(`arcgate/d/${chip}/up/arm.request`);
    expect(downTopic('prod/arcgate', chip, 'arm.grant')).toBe(`prod/arcgate/d/${chip}/down/arm.grant`);
    expect(deviceDownFilter('arcgate', chip)).toBe(`arcgate/d/${chip}/down/#`);
  });

  it('has server filters, shared where asked', () => {
    expect(serverUpFilter('arcgate', { shared: true })).toBe('$share/arcgate-server/arcgate/d/+/up/#');
    expect(serverUpFilter()).toBe('arcgate/d/+/up/#');
    expect(serverStatusFilter('x')).toBe('x/d/+/status');
  });

  it('refuses bad roots and chip ids', () => {
    for (const root of ['', '$SYS', 'a/+/b', 'a/#', 'a//b', '/a', 'a/']) expect(isValidTopicRoot(root)).toBe(false);
    expect(() => statusTopic('a/#', chip)).toThrow(TypeError);
    expect(() => statusTopic('arcgate', '+')).toThrow(TypeError);
    expect(() => statusTopic('arcgate', 'C47Z33QX1AJH62RKBZ1AI')).toThrow(TypeError);
    expect(() => serverUpFilter('#')).toThrow(TypeError);
  });

  it('declares QoS 1 for everything and retain only for status; the topic type is the message type', () => {
    for (const kind of TOPIC_KINDS) {
      expect(TOPIC_SPECS[kind].qos).toBe(1);
      expect(TOPIC_SPECS[kind].retain).toBe(kind === 'status');
      expect(kind.endsWith(TOPIC_SPECS[kind].type)).toBe(true);
      expect(TOPIC_SPECS[kind].signedBy).toBe(kind.startsWith('down/') ? 'server' : 'device');
    }
    expect(TOPIC_KINDS).toHaveLength(1 + UP_MESSAGE_TYPES.length + DOWN_MESSAGE_TYPES.length);
  });
});

describe('parseTopic', () => {
  it('round-trips every topic kind', () => {
    for (const kind of TOPIC_KINDS) {
      const parsed = parseTopic('arcgate', topicFor('arcgate', chip, kind), chip);
      expect(parsed).toEqual({
        ok: true,
        chip,
        kind,
        direction: kind === 'status' ? 'status' : kind.split('/')[0],
        type: TOPIC_SPECS[kind].type,
      });
    }
  });

  it('works with a multi-level root', () => {
    expect(parseTopic('prod/arcgate', `prod/arcgate/d/${chip}/up/events`)).toMatchObject({
      ok: true,
      kind: 'up/events',
    });
  });

  it.each([
    ['another root', `other/d/${chip}/status`, 'foreign_root'],
    ['a root prefix only', `arcgatex/d/${chip}/status`, 'foreign_root'],
    ['not a device topic', 'arcgate/x/y/z', 'foreign_root'],
    ['a bad chip id', 'arcgate/d/+/status', 'bad_chip'],
    ['a lower-case chip id', `arcgate/d/${chip.toLowerCase()}/status`, 'bad_chip'],
    ['another chip', `arcgate/d/${other}/up/events`, 'foreign_chip'],
    ['an unknown type', `arcgate/d/${chip}/up/arm.grant`, 'unknown_type'],
    ['an unknown down type', `arcgate/d/${chip}/down/arm.request`, 'unknown_type'],
    ['extra levels', `arcgate/d/${chip}/up/events/x`, 'malformed'],
    ['a bad direction', `arcgate/d/${chip}/sideways/events`, 'malformed'],
    ['too few levels', 'arcgate/d', 'malformed'],
    ['status with a suffix', `arcgate/d/${chip}/status/x`, 'malformed'],
  ])('rejects %s', (_name, topic, error) => {
    expect(parseTopic('arcgate', topic, chip)).toEqual({ ok: false, error });
  });
});
