import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import { useTranslation } from 'react-i18next';
import { renderWithI18n } from '../test/render.tsx';
import { LangToggle } from './LangToggle.tsx';
import { ConnectionBanner } from './ConnectionBanner.tsx';
import { storedLang } from '../i18n/index.ts';

function Title() {
  const { t } = useTranslation();
  return <h1>{t('nav.alarms')}</h1>;
}

describe('language switch', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => cleanup());

  it('starts in Chinese, switches to English and back, and remembers the choice', async () => {
    renderWithI18n(
      <>
        <LangToggle />
        <Title />
      </>,
      storedLang(),
    );
    expect(screen.getByRole('heading').textContent).toBe('告警');
    expect(document.documentElement.lang).toBe('zh-CN');
    await act(async () => fireEvent.click(screen.getByTestId('lang-toggle')));
    expect(screen.getByRole('heading').textContent).toBe('Alarms');
    expect(localStorage.getItem('hallmon.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(storedLang()).toBe('en');
    await act(async () => fireEvent.click(screen.getByTestId('lang-toggle')));
    expect(screen.getByRole('heading').textContent).toBe('告警');
    expect(storedLang()).toBe('zh-CN');
  });

  it('the connection banner appears only while reconnecting, in the current language', () => {
    renderWithI18n(<ConnectionBanner state="connected" />);
    expect(screen.queryByTestId('connection-banner')).toBeNull();
    cleanup();
    renderWithI18n(<ConnectionBanner state="reconnecting" />);
    expect(screen.getByTestId('connection-banner').textContent).toContain('连接已断开');
    cleanup();
    renderWithI18n(<ConnectionBanner state="reconnecting" />, 'en');
    expect(screen.getByTestId('connection-banner').textContent).toContain('Connection lost');
  });
});
