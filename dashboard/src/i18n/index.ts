// i18next set-up: zh-CN by default, English on request; the choice is remembered in localStorage
// and mirrored on <html lang> so screen readers pronounce the page right.
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zh } from './zh.ts';
import { en } from './en.ts';

export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
const KEY = 'hallmon.lang';

export function storedLang(): Lang {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'en' ? 'en' : 'zh-CN';
  } catch {
    return 'zh-CN';
  }
}

export function rememberLang(lang: Lang): void {
  try {
    localStorage.setItem(KEY, lang);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
}

/** Creates and initialises an i18next instance (tests make their own). */
export function createI18n(lang: Lang = storedLang()): I18n {
  const inst = i18next.createInstance();
  void inst.use(initReactI18next).init({
    lng: lang,
    fallbackLng: 'zh-CN',
    resources: { 'zh-CN': { translation: zh }, en: { translation: en } },
    interpolation: { escapeValue: false },
    initImmediate: false,
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<I18n['init']>[0]);
  if (typeof document !== 'undefined') document.documentElement.lang = lang;
  return inst;
}
