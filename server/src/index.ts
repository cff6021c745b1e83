// Public surface of @hallmon/server for other workspaces (demo, evidence, tests): start a server,
// its options, and the helpers an added route needs (auth, errors, context types).
export { startServer, type StartOptions, type RunningServer } from './server.ts';
export { serverCommand, serverOptions, type ServerOptions } from './options.ts';
export type { ApiContext, ApiApp, ExtraRoutes } from './api/context.ts';
export { requireAuth } from './api/auth-hook.ts';
export { sendError } from './api/errors.ts';
export { QueryTime, queryTime } from './api/query-time.ts';
export { REJECT_REASONS, type RejectReason } from './ingest/reasons.ts';
