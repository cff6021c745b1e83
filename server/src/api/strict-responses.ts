// Strict responses (tests and development): every JSON answer is checked against its route's
// response schema for its status with every object closed, before it is serialised, and the text
// sent must parse to the same value as JSON.stringify of the handler's answer (a serialiser that
// drops or coerces, as fast-json-stringify would, is caught too). Either problem turns the answer
// into a 500 naming the route and the problem, so a schema that drifts from the JSON fails tests.
import { isDeepStrictEqual } from 'node:util';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TSchema } from '@sinclair/typebox';
import { contractProblems, type ApiError } from '@hallmon/contract';
import type { ApiApp } from './context.ts';

type ResponseSchemas = Record<string, TSchema | { content?: Record<string, { schema: TSchema }> }>;

/** The schema a route declares for this status and content type, if any. */
function schemaFor(request: FastifyRequest, reply: FastifyReply): TSchema | undefined {
  const response = (request.routeOptions.schema as { response?: ResponseSchemas } | undefined)?.response;
  if (!response) return undefined;
  const code = String(reply.statusCode);
  const entry = response[code] ?? response[`${code[0]}xx`] ?? response.default;
  if (!entry) return undefined;
  if ('content' in entry && entry.content) {
    const type = String(reply.getHeader('content-type') ?? 'application/json')
      .split(';')[0]!
      .trim();
    return entry.content[type]?.schema;
  }
  return entry as TSchema;
}

export function installStrictResponses(app: ApiApp): void {
  const expected = new WeakMap<FastifyRequest, { json: string; problems: string[] } | null>();
  app.addHook('preSerialization', async (request, reply, payload) => {
    // Only the API's own routes: the not-found answer and the dashboard's files have no contract entry.
    if (!request.routeOptions.url?.startsWith('/api/')) return payload;
    const schema = schemaFor(request, reply);
    if (!schema) {
      expected.set(request, {
        json: JSON.stringify(payload),
        problems: [
          `${request.method} ${request.routeOptions.url} declares no response schema for status ${reply.statusCode}`,
        ],
      });
      return payload;
    }
    expected.set(request, { json: JSON.stringify(payload), problems: contractProblems(schema, payload) });
    return payload;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const want = expected.get(request);
    if (!want || typeof payload !== 'string') return payload;
    const problems = [...want.problems];
    if (problems.length === 0 && !isDeepStrictEqual(JSON.parse(payload), JSON.parse(want.json)))
      problems.push(
        `the serialised answer differs from the handler's: sent ${payload.slice(0, 300)}, the handler had ${want.json.slice(0, 300)}`,
      );
    if (problems.length === 0) return payload;
    const message = `strict responses: ${request.method} ${request.routeOptions.url} status ${reply.statusCode}: ${problems.join('; ')}`;
    request.log.error(message);
    reply.code(500);
    const body: ApiError = { error: 'internal', message };
    return JSON.stringify(body);
  });
}
