// DingTalk custom robots with "加签" (signing) enabled expect `timestamp` and `sign` in the query:
// sign = urlEncode(base64(HMAC-SHA256(key = secret, message = `${timestamp}\n${secret}`)))
// (DingTalk open platform, 自定义机器人安全设置). The timestamp must be within an hour of their clock.
import { createHmac } from 'node:crypto';

export function dingtalkSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/** The robot URL with timestamp and sign appended (URLSearchParams does the URL encoding). */
export function signedDingtalkUrl(url: string, secret: string, timestampMs: number): string {
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestampMs));
  u.searchParams.set('sign', dingtalkSign(secret, timestampMs));
  return u.toString();
}
