// Simulated serial devices: Modbus RTU slaves on an RS-485 bus and an RS-232 ASCII sound level meter.
export {
  ModbusSlaveBus,
  type ModbusSlaveBusOptions,
  type SlaveSpec,
  type SlaveStats,
  type BusStats,
} from './modbus-slave-bus.ts';
export { AsciiMeter, formatLaeqLine, type AsciiMeterOptions, type AsciiMeterStats } from './ascii-meter.ts';
export { crc16, encodeValue } from './modbus-frame.ts';
