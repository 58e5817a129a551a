import { describeError } from './describe-error';

describe('describeError', () => {
  it('gives the message of an Error', () => {
    expect(describeError(new Error('port taken'))).toBe('port taken');
  });

  it('names the inner errors of an AggregateError, whose own message is often empty', () => {
    expect(
      describeError(
        new AggregateError([new Error('connect ECONNREFUSED ::1'), new Error('connect ECONNREFUSED 127.0.0.1')], ''),
      ),
    ).toBe('AggregateError: connect ECONNREFUSED ::1; connect ECONNREFUSED 127.0.0.1');
  });

  it('never says "undefined" for a rejection without a value', () => {
    expect(describeError(undefined)).toBe('an unknown error (the failing component gave no reason)');
    expect(describeError(null)).not.toMatch(/undefined|null/);
  });

  it('keeps strings and message-bearing objects, and shows other values', () => {
    expect(describeError('lock file exists')).toBe('lock file exists');
    expect(describeError({ message: 'from a plain object' })).toBe('from a plain object');
    expect(describeError({ code: 7 })).toBe('{ code: 7 }');
    expect(describeError(42)).toBe('42');
  });
});
