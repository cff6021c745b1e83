// The part of @hallmon/firmware-config that needs no Node.js: the schemas (which are also the
// types), their validation, working days, site-local time and the configuration error. The rules
// engine and the dashboard import this entry, so both run in a browser as well as on a server.
export * from './schemas/wire.ts';
export * from './schemas/profile.ts';
export * from './schemas/site.ts';
export * from './schemas/clause.ts';
export * from './schemas/calendar.ts';
export * from './schemas/reports.ts';
export * from './schemas/edge-config.ts';
export * from './schemas/input-channel.ts';
export * from './device-profile.ts';
export * from './schemas/remote-config.ts';
export * from './schemas/commissioning.ts';
export * from './site-check.ts';
export * from './edge-from-site.ts';
export * from './validate.ts';
export * from './calendar.ts';
export * from './time-zone.ts';
export * from './errors.ts';
