// Public surface of @hallmon/simulators: scenarios, the simulated clock, history, counter devices.
// (The serial simulators are in ./serial/index.ts; the CLI in ./cli.ts.)
export * from './signal.ts';
export * from './random.ts';
export { SimClock, type SimClockOptions } from './clock.ts';
export { generateHistory, estimateReadings, DEFAULT_STEP_S, type HistoryOptions, type HistoryBatch } from './history.ts';
export { listScenarios, getScenario, DEFAULT_FROM, type Scenario, type ScenarioSignals, type SignalOptions, type IncidentSpec } from './scenarios/index.ts';
export { CounterDevices, type CounterDevicesOptions } from './mqtt/counter-devices.ts';
export { startSerialDevices, type SerialDevicesOptions, type RunningSerialDevices } from './live-serial.ts';
