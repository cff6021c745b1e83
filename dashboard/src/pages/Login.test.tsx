import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { renderWithI18n } from '../test/render.tsx';
import { Login } from './Login.tsx';
import { getSession, setSession } from '../auth/auth.ts';

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

describe('Login form', () => {
  beforeEach(() => {
    setSession(null);
    location.hash = '#/login';
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('posts the credentials, keeps the session for this tab and goes to the role home page', async () => {
    const fetchMock = vi.fn(async () => jsonResponse(200, { token: 'tok-123', role: 'netadmin', username: 'wang' }));
    vi.stubGlobal('fetch', fetchMock);
    renderWithI18n(<Login />);
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'wang' } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 's3cret' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    await waitFor(() => expect(getSession()).not.toBeNull());
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/login');
    expect(init.method).toBe('POST');
    expect(JSON.parse(String(init.body))).toEqual({ username: 'wang', password: 's3cret' });
    expect(getSession()).toEqual({ token: 'tok-123', role: 'netadmin', username: 'wang' });
    expect(JSON.parse(sessionStorage.getItem('hallmon.session')!).token).toBe('tok-123');
    expect(location.hash).toBe('#/rooms');
  });

  it("shows the server's message on a wrong password and stays signed out", async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => jsonResponse(401, { error: 'unauthorized', message: 'wrong username or password' })),
    );
    renderWithI18n(<Login />);
    fireEvent.change(screen.getByTestId('login-username'), { target: { value: 'wang' } });
    fireEvent.change(screen.getByTestId('login-password'), { target: { value: 'nope' } });
    fireEvent.click(screen.getByTestId('login-submit'));
    const err = await screen.findByTestId('login-error');
    expect(err.textContent).toContain('wrong username or password');
    expect(err.textContent).toContain('登录失败');
    expect(getSession()).toBeNull();
  });

  it('labels its fields (accessible names)', () => {
    renderWithI18n(<Login />);
    expect(screen.getByLabelText('用户名')).toBe(screen.getByTestId('login-username'));
    expect(screen.getByLabelText('密码')).toBe(screen.getByTestId('login-password'));
  });
});
