// Alarm e-mail through the server's SMTP relay (--smtp-url, e.g. smtp://hallmon:secret@mail.qp.gov.cn:587
// or smtps://…:465), with nodemailer: plain text, Chinese first, UTF-8. One message per notice and
// level, to that level's addresses. Never throws: the outcome is an Attempt like a webhook's, so the
// delivery log and the retries treat both alike. The relay's password is never logged (safeSmtp).
import nodemailer from 'nodemailer';
import type { Attempt } from './delivery-log.ts';

export interface MailerOptions {
  /** smtp:// or smtps:// URL of the relay, credentials in it. */
  url: string;
  /** The From address (default hallmon@<relay host>). */
  from?: string;
  /** Per-message time limit, ms (connection, greeting and silence each). */
  timeoutMs?: number;
}

/** The relay URL without its password, for logs and health output. */
export function safeSmtp(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'smtp://(unparseable url)';
  }
}

export class Mailer {
  private readonly transport: ReturnType<typeof nodemailer.createTransport>;
  readonly from: string;

  constructor(private readonly opts: MailerOptions) {
    const t = opts.timeoutMs ?? 10_000;
    const u = new URL(opts.url);
    this.from = opts.from ?? `hallmon@${u.hostname}`;
    this.transport = nodemailer.createTransport({
      host: u.hostname,
      port: u.port ? Number(u.port) : u.protocol === 'smtps:' ? 465 : 25,
      secure: u.protocol === 'smtps:',
      ...(u.username ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } } : {}),
      connectionTimeout: t,
      greetingTimeout: t,
      socketTimeout: t,
    });
  }

  async send(to: readonly string[], subject: string, text: string, now: () => number = Date.now): Promise<Attempt> {
    const at = now();
    try {
      const info = await this.transport.sendMail({ from: this.from, to: [...to], subject, text });
      const code = /^(\d{3})/.exec(String(info.response ?? ''))?.[1];
      if (info.rejected?.length)
        return {
          at,
          ok: false,
          ...(code ? { status: Number(code) } : {}),
          error: `refused by the relay for ${info.rejected.map(String).join(', ')}`,
        };
      return { at, ok: true, ...(code ? { status: Number(code) } : {}) };
    } catch (err) {
      const e = err as Error & { responseCode?: number; code?: string };
      return {
        at,
        ok: false,
        ...(typeof e.responseCode === 'number' ? { status: e.responseCode } : {}),
        error: `${e.code ? `${e.code}: ` : ''}${e.message}`.slice(0, 200),
      };
    }
  }

  close(): void {
    this.transport.close();
  }
}
