import dayjs from 'dayjs';
import { afterEach, describe, expect, it } from 'vitest';
import i18n, { setLang } from '.';

// First: the module is loaded once per file, and this checks what the first switch loads.
describe('English texts', () => {
  afterEach(() => setLang('zh-CN'));

  it('load on the first switch to English, not before', async () => {
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(false);
    expect(i18n.t('app.logout', { lng: 'en' })).toBe('退出登录'); // falls back to Chinese until loaded
    await setLang('en');
    expect(i18n.hasResourceBundle('en', 'translation')).toBe(true);
    expect(i18n.language).toBe('en');
    expect(i18n.t('records.auditAction.alert_raise')).not.toBe(
      i18n.t('records.auditAction.alert_raise', { lng: 'zh-CN' }),
    );
  });
});

// antd's date pickers take month and weekday names from dayjs' global locale ("Dec", "Su Mo Tu" before).
describe('date locale', () => {
  afterEach(() => setLang('zh-CN'));

  it('follows the language switch', async () => {
    await setLang('en');
    expect(dayjs.locale()).toBe('en');
    expect(dayjs('2026-12-06').format('MMM dd')).toBe('Dec Su');
    await setLang('zh-CN');
    expect(dayjs.locale()).toBe('zh-cn');
    expect(dayjs('2026-12-06').format('MMM dd')).toBe('12月 日');
  });
});
