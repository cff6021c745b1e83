// @hallmon/contract: the HTTP API and socket.io messages as TypeBox schemas, which are also the
// TypeScript types. The server declares them as fastify response schemas and types its JSON
// mappers with them; the dashboard reads its answer types from here. Browser-safe: TypeBox and
// @hallmon/firmware-config/core only. docs/contract.md says how to read them.
export * from './common.ts';
export * from './errors.ts';
export * from './roles.ts';
export * from './login.ts';
export * from './users.ts';
export * from './audit.ts';
export * from './config.ts';
export * from './health.ts';
export * from './sites.ts';
export * from './readings.ts';
export * from './alarms.ts';
export * from './events.ts';
export * from './devices.ts';
export * from './followups.ts';
export * from './visits.ts';
export * from './alarm-path.ts';
export * from './evidence.ts';
export * from './scorecard.ts';
export * from './reports.ts';
export * from './digests.ts';
export * from './marks.ts';
export * from './noise.ts';
export * from './live.ts';
export * from './api.ts';
export * from './check.ts';
