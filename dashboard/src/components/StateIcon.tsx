// Line icons of the machine room's state inputs (drop, flame, door, bolt, battery, snowflake), drawn
// inline so they render the same on any hall PC (no emoji font needed) and take the tile's colour.
import type { StateMetric } from '../lib/states.ts';

const PATHS: Record<StateMetric, string> = {
  water_leak: 'M12 3C9 8 6 11.5 6 15a6 6 0 0 0 12 0c0-3.5-3-7-6-12z',
  smoke: 'M12 3c1 3.5 5 5.5 5 10.5a5 5 0 0 1-10 0c0-2.5 1.5-4 2.5-6 1.2 1.2 2.5 2.6 2.5 4.5',
  door_open: 'M6 21V3h9l3 2v16M3 21h18M13 12h1.5',
  mains_ok: 'M13 2 4 14h7l-1 8 9-12h-7l1-8z',
  ups_on_battery: 'M3 8h15a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H3a1 1 0 0 1-1-1V9a1 1 0 0 1 1-1zM21 11v2M6 11v2M9 11v2',
  ac_running: 'M12 2v20M3.5 7l17 10M20.5 7l-17 10M9 3.5l3 2.5 3-2.5M9 20.5l3-2.5 3 2.5',
};

export function StateIcon({ metric, size = 28 }: { metric: StateMetric; size?: number }) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[metric]} />
    </svg>
  );
}
