// Public surface of @hallmon/edge: the agent and its building blocks, for the demo launcher,
// benchmarks and tests (drivers are imported from their own modules).
export { EdgeAgent, type EdgeAgentOptions, type DeviceState } from './agent.ts';
export { Outbox, STREAMS, type Stream, type OutboxInput, type OutboxRecord, type OutboxStats } from './outbox.ts';
export { Uplink, safeUrl, type UplinkOptions, type UplinkStats } from './uplink.ts';
export { EdgeCounters } from './counters.ts';
export { HealthServer } from './health.ts';
export { run, resolvePaths } from './cli.ts';
