// The normal hall, as pure functions of (seed, sensor, time): occupancy from an hourly arrival
// profile (morning peak 09:30-10:30), hall noise/CO2/climate/light following it, quiet nights,
// weekends and holidays; machine room and archive room held steady by their air conditioning.
// Numbers are plausible for a Shanghai 受理中心, not measured.
import type { Metric } from '@hallmon/firmware-config';
import { gauss, smoothNoise, unit } from '../random.ts';
import type { SiteModel, SensorInfo } from './site-model.ts';

const MIN = 60_000;

/** Relative arrival intensity by local minute of day (1 = the 09:30-10:30 peak). */
const ARRIVALS: Array<[number, number]> = [
  [540, 0.55],
  [570, 0.95],
  [600, 1.0],
  [630, 0.95],
  [660, 0.75],
  [705, 0.6],
  [720, 0.45],
  [780, 0.45],
  [810, 0.65],
  [870, 0.7],
  [930, 0.65],
  [990, 0.45],
  [1020, 0.3],
];

export function arrivalWeight(minute: number): number {
  const first = ARRIVALS[0]!;
  const last = ARRIVALS[ARRIVALS.length - 1]!;
  if (minute <= first[0]) return first[1];
  if (minute >= last[0]) return last[1];
  for (let i = 1; i < ARRIVALS.length; i++) {
    const [m1, w1] = ARRIVALS[i]!;
    const [m0, w0] = ARRIVALS[i - 1]!;
    if (minute <= m1) return w0 + ((w1 - w0) * (minute - m0)) / (m1 - m0);
  }
  return last[1];
}

/** Working days are busy; weekends and public holidays (official calendar) are quieter. */
export function dayFactor(model: SiteModel, day: string): number {
  return model.isWorkingDay(day) ? 1 : 0.45;
}

const occMemo = new WeakMap<SiteModel, { minute: number; value: number }>();

/**
 * People in the hall, 0 (closed/empty) to about 1 (a busy working-day morning). Constant within a
 * clock minute (evaluated at the minute's start), so 1 s noise can reuse it: still pure in t.
 */
export function occupancy(model: SiteModel, t: number): number {
  const minute = Math.floor(t / MIN);
  let memo = occMemo.get(model);
  if (!memo) occMemo.set(model, (memo = { minute: NaN, value: 0 }));
  if (memo.minute !== minute) {
    memo.minute = minute;
    memo.value = occupancyAt(model, minute * MIN);
  }
  return memo.value;
}

function occupancyAt(model: SiteModel, t: number): number {
  const l = model.local(t);
  if (!model.isOpenAt(l.weekday, l.minute)) return 0;
  return arrivalWeight(l.minute) * dayFactor(model, l.day);
}

/** A weight 0..1 that is 1 from `lead` minutes before opening to `lag` after closing, ramping linearly. */
function serviceWeight(model: SiteModel, t: number, lead: number, lag: number, ramp: number): number {
  const l = model.local(t);
  let w = 0;
  for (const [a, b] of model.openingMinutes(l.weekday)) {
    const s = a - lead;
    const e = b + lag;
    const v =
      l.minute < s - ramp || l.minute > e + ramp
        ? 0
        : l.minute < s
          ? 1 - (s - l.minute) / ramp
          : l.minute > e
            ? 1 - (l.minute - e) / ramp
            : 1;
    w = Math.max(w, v);
  }
  return w;
}

/** Shanghai outdoor daily mean, °C, by day of year (about 4 °C in January, 28 °C in late July). */
function outdoor(doy: number): number {
  return 16.5 - 12 * Math.cos((2 * Math.PI * (doy - 20)) / 365);
}

/** Metrics a device reports as whole numbers: ppm, lx, the states (0/1) and the UPS's percent and minutes. */
const WHOLE: ReadonlySet<Metric> = new Set<Metric>([
  'co2',
  'illuminance',
  'water_leak',
  'smoke',
  'door_open',
  'mains_ok',
  'ups_on_battery',
  'ac_running',
  'ups_battery_pct',
  'ups_load_pct',
  'ups_runtime_min',
]);

function round(metric: Metric, v: number): number {
  return WHOLE.has(metric) ? Math.max(0, Math.round(v)) : Math.round(v * 10) / 10;
}

/** Normal state of each input: dry, no smoke, door shut, mains present, UPS on mains, AC running. */
const NORMAL_STATE: Partial<Record<Metric, number>> = {
  water_leak: 0,
  smoke: 0,
  door_open: 0,
  mains_ok: 1,
  ups_on_battery: 0,
  ac_running: 1,
};

/** A UPS's runtime at full charge, minutes, for a load in %: about 42 min at 35 % (a 3 kVA unit with its internal battery). */
export function upsRuntimeMin(loadPct: number, batteryPct = 100): number {
  return (1470 / Math.max(5, loadPct)) * (batteryPct / 100);
}

/** The UPS on mains: fully charged, the racks' load wandering a little around 35 %. */
function ups(seed: number, sensor: string, metric: Metric, t: number): number {
  const load = 35 + bias(seed, sensor, 'ups_load_pct', 3) + 2 * smoothNoise(seed, `ups-l:${sensor}`, t, 20 * MIN);
  if (metric === 'ups_load_pct') return load;
  if (metric === 'ups_battery_pct') return 100;
  if (metric === 'ups_runtime_min') return upsRuntimeMin(load);
  return NaN;
}

/** Sensor-specific constant offset (two sensors in one room never read alike). */
function bias(seed: number, sensor: string, metric: Metric, span: number): number {
  return (unit(seed, `bias:${sensor}:${metric}`, 0) * 2 - 1) * span;
}

function hallNoise(model: SiteModel, seed: number, sensor: string, t: number): number {
  const s = Math.floor(t / 1000);
  const occ = occupancy(model, t);
  if (occ === 0)
    return 34 + 1.5 * smoothNoise(seed, 'hall-night', t, 10 * MIN) + 1.2 * gauss(seed, `noise:${sensor}`, s);
  // Per-second spread: a shared hall component plus the sensor's own; now and then a burst
  // (a child, a raised voice, a dropped tray) of 8-16 dB for a second.
  let l =
    53 +
    10 * occ +
    2 * smoothNoise(seed, 'hall-talk', t, MIN) +
    2.5 * gauss(seed, 'hall-noise', s) +
    0.8 * gauss(seed, `noise:${sensor}`, s);
  const u = unit(seed, 'hall-burst', s);
  if (u < 0.008) l += 8 + 8 * (u / 0.008);
  return l + bias(seed, sensor, 'noise_laeq', 1);
}

function hallClimate(model: SiteModel, seed: number, sensor: string, metric: Metric, t: number): number {
  const l = model.local(t);
  const summer = model.isSummer(l.month, l.dom);
  const out = outdoor(l.doy);
  const occ = occupancy(model, t);
  const hvac = serviceWeight(model, t, 60, 15, 45);
  switch (metric) {
    case 'temperature': {
      const target = (summer ? 25 : out < 12 ? 20.5 : 22.5) + 1.5 * occ;
      const night = 0.5 * out + 0.5 * 21 + 1.5 * Math.sin((2 * Math.PI * (l.minute - 540)) / 1440);
      return (
        night +
        (target - night) * hvac +
        0.4 * smoothNoise(seed, `t:${sensor}`, t, 40 * MIN) +
        bias(seed, sensor, metric, 0.3)
      );
    }
    case 'humidity': {
      const target = (summer ? 60 : 42) + 5 * occ;
      const night = summer ? 72 : 55;
      return (
        night +
        (target - night) * hvac +
        3 * smoothNoise(seed, `h:${sensor}`, t, 90 * MIN) +
        bias(seed, sensor, metric, 1)
      );
    }
    case 'co2': {
      // CO2 follows the people with a lag: the mean occupancy of the last hour.
      let sum = 0;
      for (let k = 0; k < 12; k++) sum += occupancy(model, t - k * 5 * MIN);
      return (
        450 +
        430 * (sum / 12) +
        15 * smoothNoise(seed, `c:${sensor}`, t, 20 * MIN) +
        6 * gauss(seed, `c:${sensor}`, Math.floor(t / MIN))
      );
    }
    case 'illuminance': {
      const lights = serviceWeight(model, t, 30, 30, 5);
      if (lights === 0) return 6 + 2 * unit(seed, `lx:${sensor}`, Math.floor(t / MIN));
      return (
        6 +
        lights * (480 + 70 * smoothNoise(seed, 'daylight', t, 2 * 60 * MIN)) +
        8 * gauss(seed, `lx:${sensor}`, Math.floor(t / 10_000))
      );
    }
    default:
      return NaN;
  }
}

function machineRoom(seed: number, sensor: string, metric: Metric, t: number): number {
  const s = Math.floor(t / 1000);
  if (metric === 'temperature')
    return (
      23 +
      bias(seed, sensor, metric, 0.6) +
      0.4 * smoothNoise(seed, `mr-t:${sensor}`, t, 30 * MIN) +
      0.05 * gauss(seed, `mr-t:${sensor}`, s)
    );
  if (metric === 'humidity')
    return (
      45 +
      bias(seed, sensor, metric, 1.5) +
      2.5 * smoothNoise(seed, `mr-h:${sensor}`, t, 120 * MIN) +
      0.15 * gauss(seed, `mr-h:${sensor}`, s)
    );
  return NaN;
}

function archiveRoom(model: SiteModel, seed: number, sensor: string, metric: Metric, t: number): number {
  const s = Math.floor(t / 1000);
  const season = Math.cos((2 * Math.PI * (model.local(t).doy - 200)) / 365);
  if (metric === 'temperature')
    return (
      19 +
      0.8 * season +
      bias(seed, sensor, metric, 0.3) +
      0.3 * smoothNoise(seed, `ar-t:${sensor}`, t, 60 * MIN) +
      0.05 * gauss(seed, `ar-t:${sensor}`, s)
    );
  if (metric === 'humidity')
    return (
      52.5 +
      bias(seed, sensor, metric, 0.8) +
      1.5 * smoothNoise(seed, `ar-h:${sensor}`, t, 6 * 60 * MIN) +
      0.15 * gauss(seed, `ar-h:${sensor}`, s)
    );
  return NaN;
}

/** The normal-day value (unrounded) of a sensor's metric at t. */
export function baseValue(model: SiteModel, seed: number, sensor: SensorInfo, metric: Metric, t: number): number {
  const state = NORMAL_STATE[metric];
  if (state !== undefined) return state;
  if (metric === 'ups_load_pct' || metric === 'ups_battery_pct' || metric === 'ups_runtime_min')
    return ups(seed, sensor.id, metric, t);
  switch (sensor.zone) {
    case 'hall':
    case 'other':
      return metric === 'noise_laeq'
        ? hallNoise(model, seed, sensor.id, t)
        : hallClimate(model, seed, sensor.id, metric, t);
    case 'machine-room':
      return metric === 'noise_laeq'
        ? 68 + gauss(seed, `mr-n:${sensor.id}`, Math.floor(t / 1000))
        : machineRoom(seed, sensor.id, metric, t);
    case 'archive-room':
      return metric === 'noise_laeq'
        ? 33 + gauss(seed, `ar-n:${sensor.id}`, Math.floor(t / 1000))
        : archiveRoom(model, seed, sensor.id, metric, t);
  }
}

export { round as roundValue };
