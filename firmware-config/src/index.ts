// Public surface of @hallmon/firmware-config: schemas (which are also the types), loaders and helpers.
export * from './schemas/wire.ts';
export * from './schemas/profile.ts';
export * from './schemas/site.ts';
export * from './schemas/clause.ts';
export * from './schemas/calendar.ts';
export * from './schemas/edge-config.ts';
export * from './validate.ts';
export * from './load.ts';
export * from './calendar.ts';
export * from './time-zone.ts';
export * from './secret.ts';
export * from './cli-args.ts';
export * from './log.ts';
