import { SmsSendError } from '../sms/sms-sender';
import { DeliveryError } from './channels/channel';
import { attemptFailure } from './notification-worker';

describe('attemptFailure: every failed attempt gets a code the console can render', () => {
  it('keeps a channel’s own kind and provider code', () => {
    expect(
      attemptFailure(new DeliveryError('dingtalk errcode 310000: sign not match', 'provider_refused', '310000')),
    ).toEqual({
      failure: 'provider_refused',
      providerCode: '310000',
      detail: 'dingtalk errcode 310000: sign not match',
    });
  });

  it('maps the SMS gateway’s refusals and timeouts', () => {
    expect(attemptFailure(new SmsSendError('SMS gateway refused: {"code":7}', 'refused')).failure).toBe(
      'provider_refused',
    );
    expect(attemptFailure(new SmsSendError('SMS gateway HTTP 502', 'http_status', '502'))).toMatchObject({
      failure: 'http_status',
      providerCode: '502',
    });
  });

  it('anything else is a timeout (abort) or unexpected, never unclassified', () => {
    const timeout = new Error('The operation was aborted due to timeout');
    timeout.name = 'TimeoutError';
    expect(attemptFailure(timeout).failure).toBe('timeout');
    expect(attemptFailure(new TypeError('x is undefined'))).toMatchObject({
      failure: 'unexpected',
      providerCode: null,
    });
    expect(attemptFailure('a string').failure).toBe('unexpected');
  });
});
