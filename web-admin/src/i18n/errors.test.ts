import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import i18n, { setLang } from '.';
import { errorText, fieldBaseName, formFieldErrors, ShownError } from './errors';

const t = i18n.t.bind(i18n);
const validation = (fields: ApiError['fields']) =>
  new ApiError(400, 'VALIDATION_FAILED', 'Request validation failed', fields);

describe('server errors in the user language', () => {
  afterEach(async () => {
    await setLang('zh-CN');
  });

  it("words a field rule with the server's limit and the field's label, never the English message", async () => {
    await setLang('zh-CN');
    const err = validation([
      {
        field: 'ratedCurrentA',
        code: 'max',
        message: 'ratedCurrentA must not be greater than 2000',
        params: { constraint1: 2000 },
      },
    ]);
    expect(errorText(t, err)).toBe('额定电流 (A)：不能大于 2000');
    expect(formFieldErrors(t, err)).toEqual([{ name: ['ratedCurrentA'], errors: ['不能大于 2000'] }]);
    await setLang('en');
    expect(errorText(t, err)).toBe('Rated current (A): must not be greater than 2000');
  });

  it('explains the chip id shape instead of "C + 20 base32"', async () => {
    const err = validation([
      { field: 'chipId', code: 'matches', message: 'chipId must be "C" followed by 20 Crockford base32 characters' },
    ]);
    expect(formFieldErrors(t, err)[0].errors[0]).toBe('芯片编号应为字母 C 加 20 位字母或数字（见芯片标签）');
    expect(errorText(t, err)).not.toMatch(/base32|must/);
  });

  it('puts nested and indexed paths on the right form field', () => {
    const err = validation([
      { field: 'site.point.lat', code: 'max', message: 'x', params: { constraint1: 90 } },
      { field: 'welderIds[1]', code: 'certificateExpired', message: 'x' },
    ]);
    expect(formFieldErrors(t, err).map((f) => f.name)).toEqual([
      ['site', 'point', 'lat'],
      ['welderIds', 1],
    ]);
    expect(fieldBaseName('welderIds[1]')).toBe('welderIds');
    expect(errorText(t, err)).toContain('焊工：焊工证书在作业时间内过期');
  });

  it("adds a rule's fields to its own sentence", () => {
    const err = new ApiError(409, 'DUPLICATE', 'duplicate', [
      { field: 'username', code: 'duplicate', message: 'already taken' },
    ]);
    expect(errorText(t, err)).toBe('已存在相同的记录（用户名：已有相同的登记记录）');
  });

  it('names the level and its maximum for a permit window that is too long', async () => {
    const err = new ApiError(422, 'PERMIT_WINDOW_TOO_LONG', 'Window exceeds', [], { level: 'special', maxHours: 8 });
    expect(errorText(t, err)).toBe('作业时间过长：特级动火作业最长 8 小时');
    await setLang('en');
    expect(errorText(t, new ApiError(403, 'SELF_APPROVAL', 'The applicant cannot approve'))).toBe(
      'You cannot approve or reject your own permit or extension',
    );
  });

  it('says what a network or HTTP failure means', async () => {
    expect(errorText(t, new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch'))).toBe('网络连接失败，请检查网络后重试');
    expect(errorText(t, new TypeError('Failed to fetch'))).toBe('网络连接失败，请检查网络后重试');
    expect(errorText(t, new ApiError(401, 'UNAUTHENTICATED', 'Unauthorized'))).toBe('登录已过期，请重新登录');
    expect(errorText(t, new ApiError(401, 'HTTP_401', 'Unauthorized'))).toBe('登录已过期，请重新登录');
    expect(errorText(t, new ApiError(502, 'HTTP_502', 'Bad Gateway'))).toBe('服务器暂时不可用（错误 502），请稍后重试');
    expect(errorText(t, new Error('Cannot read properties of undefined'))).toBe('操作失败，请重试');
    await setLang('en');
    expect(errorText(t, new ApiError(0, 'NETWORK_ERROR', 'Failed to fetch'))).toBe(
      'Network connection failed; check your connection and try again',
    );
  });

  it('shows a message a page worded itself, and a generic sentence for an unknown code', () => {
    expect(errorText(t, new ShownError('只能为本单位聘用的焊工录入证书'))).toBe('只能为本单位聘用的焊工录入证书');
    expect(errorText(t, new ApiError(400, 'SOMETHING_NEW' as never, 'Something new'))).toBe('操作失败，请重试');
  });
});
