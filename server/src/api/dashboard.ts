// Serves the built dashboard (dashboard/dist) at / when it exists; until the dashboard is built,
// a small page says how to build it, so `/` never answers a bare 404.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { ApiApp } from './context.ts';

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>hallmon</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto">
<h1>hallmon server is running</h1>
<p>The dashboard is not built yet (no <code>dashboard/dist</code>). Build it, then reload this page.</p>
<p>The API works now: <a href="/api/health">/api/health</a>; log in with <code>POST /api/login</code>.</p>
</body></html>`;

export async function registerDashboard(app: ApiApp, dir: string | undefined): Promise<void> {
  if (dir && existsSync(join(dir, 'index.html'))) {
    await app.register(fastifyStatic, { root: dir, prefix: '/', wildcard: true });
    return;
  }
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(NOT_BUILT));
}
