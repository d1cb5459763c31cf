import { createI18n } from 'vue-i18n';
import { sharedEn, sharedZh } from './messages';

export type Locale = 'zh-CN' | 'en-US';
const STORAGE_KEY = 'qingdan.locale';

/** The language chosen earlier on this device, zh-CN by default. */
export function savedLocale(): Locale {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (v === 'en-US' || v === 'zh-CN') return v;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

/** Remembers the language on this device. */
export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    /* storage unavailable */
  }
  document.documentElement.lang = locale;
}

/** Creates the i18n instance for one app from its own messages merged over the shared ones. */
export function setupI18n<Z extends object, E extends object>(zh: Z, en: E) {
  const locale = savedLocale();
  document.documentElement.lang = locale;
  return createI18n({
    legacy: false,
    locale,
    fallbackLocale: 'zh-CN',
    missingWarn: false,
    fallbackWarn: false,
    messages: {
      'zh-CN': { ...sharedZh, ...zh },
      'en-US': { ...sharedEn, ...en },
    },
  });
}
