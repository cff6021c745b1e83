// Webhook URLs carry their credential (WeCom `key=`, DingTalk `access_token=`, user:pass@): logs and
// API answers show only scheme, host and path, never the query or user info.
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}${u.search ? '?***' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}
