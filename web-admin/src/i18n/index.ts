import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import 'dayjs/locale/en';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import zhCN from './zh-CN.json';
import recordsZhCN from './records.zh-CN.json';

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

/**
 * Only Chinese ships with the first load; English is fetched the first time it is needed, so that
 * the phone pages do not carry a second copy of every text (e2e/shell.test.mjs budget).
 */
const LOADERS: Record<Exclude<Lang, 'zh-CN'>, () => Promise<object>> = {
  en: async () => {
    const [screens, records] = await Promise.all([import('./en.json'), import('./records.en.json')]);
    return { ...screens.default, ...records.default };
  },
};

/** Loads a language's texts if they are not loaded yet. */
export async function ensureLang(lang: Lang): Promise<void> {
  if (lang === 'zh-CN' || i18n.hasResourceBundle(lang, 'translation')) return;
  i18n.addResourceBundle(lang, 'translation', await LOADERS[lang]());
}

/** Switches the UI language; `html[lang]` changes once the texts are in place. */
export async function setLang(lang: Lang): Promise<void> {
  globalThis.localStorage?.setItem(LANG_KEY, lang);
  await ensureLang(lang);
  await i18n.changeLanguage(lang);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** dayjs' locale for a UI language: antd's date pickers take month and weekday names from it. */
export function dayjsLocale(lang: string): 'en' | 'zh-cn' {
  return lang === 'en' ? 'en' : 'zh-cn';
}

// The labels of records (alert evidence, audit log, device timeline, permit trail) live in their own files
// under the top-level key "records", so that they can be checked and edited apart from the screens' text.
const resources = { 'zh-CN': { translation: { ...zhCN, ...recordsZhCN } } };

// Chinese first; main.tsx switches to a saved other language (after loading it) before the first render.
void i18n.use(initReactI18next).init({
  resources,
  lng: 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
});

// Date pickers and relative times follow the language switch (antd's ConfigProvider locale is set in App).
dayjs.locale(dayjsLocale(i18n.language ?? 'zh-CN'));
i18n.on('languageChanged', (lang) => dayjs.locale(dayjsLocale(lang)));

export default i18n;
