// Public surface of @hallmon/simulators: scenarios and their signals, the simulated clock, history
// and a year's incidents for backfill, the serial devices (Modbus RTU slaves, ASCII meters), the
// MQTT counter devices, and the `hallmon simulate` command (run by the demo workspace, which hands
// it the store writer for --backfill --data-dir).
export * from './signal.ts';
export * from './random.ts';
export { SimClock, type SimClockOptions } from './clock.ts';
export {
  generateHistory,
  estimateReadings,
  DEFAULT_STEP_S,
  type HistoryOptions,
  type HistoryBatch,
} from './history.ts';
export { planIncidents, yearScenario, counterStatus, type Incident } from './backfill-year.ts';
export type { StoreBackfill, StoreBackfillOptions, StoreBackfillResult } from './backfill-options.ts';
export {
  listScenarios,
  getScenario,
  DEFAULT_FROM,
  type Scenario,
  type ScenarioSignals,
  type SignalOptions,
  type IncidentSpec,
} from './scenarios/index.ts';
export { CounterDevices, type CounterDevicesOptions } from './mqtt/counter-devices.ts';
export { startSerialDevices, type SerialDevicesOptions, type RunningSerialDevices } from './live-serial.ts';
export * from './serial/index.ts';
export { run as runSimulate, type SimulateDeps } from './cli.ts';
