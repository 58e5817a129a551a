import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import en from './en.json';
import recordsZhCN from './records.zh-CN.json';
import recordsEn from './records.en.json';

export const LANG_KEY = 'arcgate.lang';
export type Lang = 'zh-CN' | 'en';

/** Chinese unless the user switched to English before (the choice is kept in localStorage). */
export function initialLang(): Lang {
  try {
    return globalThis.localStorage?.getItem(LANG_KEY) === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function setLang(lang: Lang): void {
  globalThis.localStorage?.setItem(LANG_KEY, lang);
  void i18n.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** dayjs' locale for a UI language: antd's date pickers take month and weekday names from it. */
export function dayjsLocale(lang: string): 'en' | 'zh-cn' {
  return lang === 'en' ? 'en' : 'zh-cn';
}

// The labels of records (alert evidence, audit log, device timeline, permit trail) live in their own files
// under the top-level key "records", so that they can be checked and edited apart from the screens' text.
export const resources = {
  'zh-CN': { translation: { ...zhCN, ...recordsZhCN } },
  en: { translation: { ...en, ...recordsEn } },
} as const;

void i18n.use(initReactI18next).init({
  resources,
  lng: initialLang(),
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

// Date pickers and relative times follow the language switch (antd's ConfigProvider locale is set in App).
dayjs.locale(dayjsLocale(i18n.language ?? initialLang()));
i18n.on('languageChanged', (lang) => dayjs.locale(dayjsLocale(lang)));

export default i18n;
