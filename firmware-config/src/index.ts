// Public surface of @hallmon/firmware-config on Node.js: everything of ./core.ts (schemas, validation,
// calendar, time zones) plus the loaders of the shipped data files, secrets, CLI flags, logging and
// the atomic JSON state file.
export * from './core.ts';
export * from './load.ts';
export * from './secret.ts';
export * from './config-digest.ts';
export * from './cli-args.ts';
export * from './log.ts';
export * from './json-state-file.ts';
