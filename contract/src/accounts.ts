// The rules of accounts and the names of the audit trail's actions, as plain data and functions
// (no TypeBox), so the dashboard's forms check a password or list the actions without carrying
// schema code: the server's checks (auth/users.ts) and the schemas (users.ts, audit.ts) use these.
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 256;
export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$';

/** Why a password is refused, or null when it is acceptable. */
export function passwordProblem(username: string, password: string): string | null {
  if (password.length < PASSWORD_MIN) return `the password must have at least ${PASSWORD_MIN} characters`;
  if (password.length > PASSWORD_MAX) return `the password must have at most ${PASSWORD_MAX} characters`;
  if (password.trim().toLowerCase() === username.toLowerCase()) return 'the password must not be the username';
  return null;
}

/** When an `expires` value ends the account, epoch ms; NaN when it is not a real date or instant. */
export function expiryMs(expires: string): number {
  if (/^\d{4}-\d{2}-\d{2}$/.test(expires)) {
    const start = Date.parse(`${expires}T00:00:00+08:00`);
    const back = new Date(start + 8 * 3_600_000).toISOString().slice(0, 10);
    return back === expires ? start + 86_400_000 : NaN;
  }
  return Date.parse(expires);
}

/** What the audit trail records (docs/contract.md "People, sessions and the audit trail"). */
export const AUDIT_ACTIONS = [
  'login',
  'login-failed',
  'logout',
  'password-change',
  'user-create',
  'user-update',
  'user-delete',
  'alarm-ack',
  'followup',
  'evidence',
  'district',
  'report',
  'selftest',
  'config-change',
  'credential-create',
  'credential-revoke',
  'visit',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** The actions in Chinese, as the dashboard and the evidence PDF name them. */
export const AUDIT_ACTION_ZH: Record<AuditAction, string> = {
  login: '登录',
  'login-failed': '登录失败',
  logout: '退出登录',
  'password-change': '修改密码',
  'user-create': '新建用户',
  'user-update': '修改用户',
  'user-delete': '删除用户',
  'alarm-ack': '确认告警',
  followup: '差评处理',
  evidence: '下载证据包',
  district: '下载区级总览',
  report: '定期报告',
  selftest: '告警自检',
  'config-change': '配置变更',
  'credential-create': '新建接入凭据',
  'credential-revoke': '吊销接入凭据',
  visit: '机房登记',
};
