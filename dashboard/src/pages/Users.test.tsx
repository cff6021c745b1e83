import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import type { SiteInfo } from '@hallmon/contract';
import { renderWithI18n } from '../test/render.tsx';
import { AppContext } from '../app-context.ts';
import { LiveStore } from '../live/live-store.ts';
import { UserForm } from './Users.tsx';

const site = (id: string, name: string): SiteInfo => ({
  id,
  name,
  timezone: 'Asia/Shanghai',
  openingHours: [],
  summer: { from: '05-01', to: '09-30' },
  zones: [],
});
const sites = [site('demo', '演示中心'), site('qingpu-xiayang', '夏阳街道')];

function renderForm(onSubmit = vi.fn(async () => undefined)) {
  renderWithI18n(
    <AppContext.Provider
      value={{ session: { token: 't', role: 'admin', username: 'admin' }, sites, store: new LiveStore() }}
    >
      <UserForm onSubmit={onSubmit} onCancel={() => undefined} />
    </AppContext.Provider>,
  );
  return onSubmit;
}

const type = (id: string, value: string) => fireEvent.change(screen.getByTestId(id), { target: { value } });

describe('user form', () => {
  afterEach(cleanup);

  it('checks the rules the server enforces before sending: a site, a long enough password, the same twice, an end for assessors', async () => {
    const onSubmit = renderForm();
    type('user-username', 'zhang');
    type('user-password-input', 'short');
    type('user-password-repeat', 'short');
    fireEvent.click(screen.getByTestId('user-submit'));
    expect(await screen.findByTestId('user-form-problem')).toHaveProperty(
      'textContent',
      '请至少选择一个站点，或选择“全部站点”',
    );
    fireEvent.click(screen.getByTestId('user-site-demo'));
    fireEvent.click(screen.getByTestId('user-submit'));
    expect(screen.getByTestId('user-form-problem').textContent).toMatch(/至少 10 个字符/);
    type('user-password-input', 'zhang-password');
    fireEvent.click(screen.getByTestId('user-submit'));
    expect(screen.getByTestId('user-form-problem').textContent).toBe('两次输入的密码不一致');
    type('user-role', 'assessor');
    type('user-password-repeat', 'zhang-password');
    // The browser itself stops a required empty date; the form's own check stands behind it.
    fireEvent.submit(screen.getByTestId('user-form'));
    expect(screen.getByTestId('user-form-problem').textContent).toMatch(/测评账号必须设置有效期/);
    expect(onSubmit).not.toHaveBeenCalled();
  });

  it('sends the new account as POST /api/users takes it: one site, or every site', async () => {
    const onSubmit = renderForm();
    type('user-username', 'zhang');
    type('user-name', '张经理');
    fireEvent.click(screen.getByTestId('user-site-qingpu-xiayang'));
    type('user-password-input', 'zhang-password');
    type('user-password-repeat', 'zhang-password');
    fireEvent.click(screen.getByTestId('user-submit'));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect(onSubmit).toHaveBeenCalledWith({
      username: 'zhang',
      password: 'zhang-password',
      role: 'hall',
      sites: ['qingpu-xiayang'],
      name: '张经理',
    });
    fireEvent.click(screen.getByTestId('user-site-all'));
    fireEvent.click(screen.getByTestId('user-submit'));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(2));
    expect(onSubmit.mock.calls[1]).toEqual([expect.objectContaining({ sites: '*' })]);
  });
});
