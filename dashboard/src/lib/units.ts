// Display units of the metric vocabulary, as firmware-config's METRIC_UNITS (that module builds the
// wire schemas on load: not for the bundle). States read 0/1 on the wire; the dashboard shows them
// as words and icons (DhPanel), not as numbers with a unit.
import type { Metric } from '@hallmon/firmware-config/core';

export const UNITS: Record<Metric, string> = {
  noise_laeq: 'dB(A)',
  temperature: '°C',
  humidity: '%RH',
  co2: 'ppm',
  illuminance: 'lx',
  water_leak: '',
  smoke: '',
  door_open: '',
  mains_ok: '',
  ups_on_battery: '',
  ac_running: '',
  ups_battery_pct: '%',
  ups_load_pct: '%',
  ups_runtime_min: 'min',
};
