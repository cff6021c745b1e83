// Public surface of @hallmon/edge: the agent and its building blocks (outbox, uplink, drivers,
// normalisation, rules binding), for the demo launcher, benchmarks and tests.
export { EdgeAgent, type EdgeAgentOptions, type DeviceState } from './agent.ts';
export { Outbox, STREAMS, type Stream, type OutboxInput, type OutboxRecord, type OutboxStats } from './outbox.ts';
export { Uplink, safeUrl, type UplinkOptions, type UplinkStats } from './uplink.ts';
export { EdgeCounters } from './counters.ts';
export { HealthServer } from './health.ts';
export { run, resolvePaths } from './cli.ts';
export { edgeRules, type EdgeRulesOptions } from './edge-rules.ts';
export {
  ModbusRtuDriver,
  planReads,
  decodeRegister,
  type ModbusRtuDriverOptions,
  type PlannedRead,
} from './drivers/modbus-rtu.ts';
export { AsciiLineDriver, LineSplitter, type AsciiLineDriverOptions } from './drivers/ascii-line.ts';
export { MqttDevicesDriver, type MqttDevicesDriverOptions } from './drivers/mqtt-devices.ts';
export { SnmpDriver, decodeOid, type SnmpDriverOptions } from './drivers/snmp.ts';
export { StateChanges, type StateVerdict } from './state-changes.ts';
export type { Driver, DriverSink, DriverDevice, RawSample, FaultKind } from './drivers/driver.ts';
export { createNormaliser, type NormaliserDevice } from './normalise.ts';
