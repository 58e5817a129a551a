import dayjs from 'dayjs';
import { afterEach, describe, expect, it } from 'vitest';
import i18n, { setLang } from '.';

// antd's date pickers take month and weekday names from dayjs' global locale ("Dec", "Su Mo Tu" before).
describe('date locale', () => {
  afterEach(() => setLang('zh-CN'));

  it('follows the language switch', async () => {
    setLang('en');
    await i18n.changeLanguage('en');
    expect(dayjs.locale()).toBe('en');
    expect(dayjs('2026-12-06').format('MMM dd')).toBe('Dec Su');
    setLang('zh-CN');
    await i18n.changeLanguage('zh-CN');
    expect(dayjs.locale()).toBe('zh-cn');
    expect(dayjs('2026-12-06').format('MMM dd')).toBe('12月 日');
  });
});
