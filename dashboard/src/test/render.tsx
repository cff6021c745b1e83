// Test helper: render inside a fresh i18next instance (zh-CN unless asked otherwise).
import type { ReactElement } from 'react';
import { render } from '@testing-library/react';
import { I18nextProvider } from 'react-i18next';
import { createI18n, type Lang } from '../i18n/index.ts';

export function renderWithI18n(ui: ReactElement, lang: Lang = 'zh-CN') {
  const i18n = createI18n(lang);
  return { i18n, ...render(<I18nextProvider i18n={i18n}>{ui}</I18nextProvider>) };
}
