// One HTTP POST of a JSON body to a webhook, judged the way the robots answer: a 2xx status, and
// for WeCom/DingTalk also `errcode: 0` in the JSON reply (they answer 200 with an error code when
// the key is wrong or the robot is rate-limited). Never throws: the outcome is an Attempt.
import type { Attempt } from './delivery-log.ts';

export async function postJson(
  url: string,
  body: unknown,
  timeoutMs: number,
  now: () => number = Date.now,
): Promise<Attempt> {
  const at = now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'hallmon-notify/1' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'error',
    });
    const text = (await res.text()).slice(0, 2000);
    if (res.status < 200 || res.status >= 300)
      return { at, ok: false, status: res.status, error: `HTTP ${res.status}` };
    let errcode: unknown;
    try {
      errcode = (JSON.parse(text) as { errcode?: unknown })?.errcode;
    } catch {
      /* a generic receiver may answer anything on 2xx */
    }
    if (errcode !== undefined && errcode !== 0)
      return { at, ok: false, status: res.status, error: `robot errcode ${String(errcode)}` };
    return { at, ok: true, status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    const reason = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (e.cause?.code ?? e.message);
    return { at, ok: false, error: reason.slice(0, 200) };
  }
}
