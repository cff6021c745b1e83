// One JSON error shape for the whole API, the contract's ApiError: `{ error: <code>, message: <what
// to do> }`. Validation failures become 400 with a message naming the field ("querystring/from must ...").
import type { FastifyError, FastifyReply } from 'fastify';
import { SITE_ID_PATTERN, ID_PATTERN } from '@hallmon/firmware-config';
import { ERROR_CODES, type ApiError } from '@hallmon/contract';
import type { ApiApp } from './context.ts';
import { QueryTime } from './query-time.ts';

/** Plain words for the regex patterns our schemas use (ajv would print the regex itself). */
const PATTERN_HINTS = new Map<string, string>([
  [QueryTime.pattern!, 'must be ISO 8601 with an offset (2025-05-01T09:00:00+08:00) or epoch milliseconds'],
  [SITE_ID_PATTERN, 'must be a site id: 1-40 of a-z, 0-9 and -'],
  [ID_PATTERN, 'must be a device id: letters, digits, _ . : - (up to 64)'],
]);

export function sendError(
  reply: FastifyReply,
  status: number,
  message: string,
  problems?: ApiError['problems'],
): FastifyReply {
  const body: ApiError = {
    error: (ERROR_CODES as Record<number, string>)[status] ?? 'error',
    message,
    ...(problems ? { problems } : {}),
  };
  return reply.code(status).send(body);
}

export function installErrorHandler(app: ApiApp): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation) {
      const ctx = err.validationContext ?? 'request';
      const first = err.validation[0];
      const path = first?.instancePath ? `${ctx}${first.instancePath}` : ctx;
      const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
      const pattern = (first?.params as { pattern?: string } | undefined)?.pattern;
      const hint = pattern ? PATTERN_HINTS.get(pattern) : undefined;
      const message = missing ? `${ctx}/${missing} is required` : `${path} ${hint ?? first?.message ?? 'is invalid'}`;
      return sendError(reply, 400, message);
    }
    const status = err.statusCode ?? 500;
    if (status < 500) return sendError(reply, status, err.message);
    request.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'the server failed on this request; see its log' });
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, 404, `no route ${request.method} ${request.url.split('?')[0]}`),
  );
}
