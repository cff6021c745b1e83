// The language switch in the header: zh-CN <-> English, remembered in localStorage.
import { useTranslation } from 'react-i18next';
import { rememberLang, type Lang } from '../i18n/index.ts';

export function LangToggle() {
  const { t, i18n } = useTranslation();
  const next: Lang = i18n.language.startsWith('en') ? 'zh-CN' : 'en';
  return (
    <button
      type="button"
      className="lang-toggle"
      data-testid="lang-toggle"
      aria-label={t('header.langLabel')}
      lang={next}
      onClick={() => {
        rememberLang(next);
        void i18n.changeLanguage(next);
      }}
    >
      {t('header.lang')}
    </button>
  );
}
