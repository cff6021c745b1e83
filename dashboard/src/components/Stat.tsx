// One figure with its label, unit and how it stands against its limit (ok / warn / bad), so every
// page shows values the same way and colour is never the only cue (the state is also in words).
import type { ReactNode } from 'react';

export type StatState = 'ok' | 'warn' | 'bad' | 'none';

export function Stat(props: {
  label: string;
  value: string;
  unit?: string;
  state?: StatState;
  stateText?: string;
  hint?: ReactNode;
  testId?: string;
  big?: boolean;
}) {
  const state = props.state ?? 'none';
  return (
    <div className={`stat stat-${state}${props.big ? ' stat-big' : ''}`}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">
        <span data-testid={props.testId}>{props.value}</span>
        {props.unit ? <span className="stat-unit"> {props.unit}</span> : null}
      </div>
      {props.stateText ? <div className="stat-state">{props.stateText}</div> : null}
      {props.hint ? <div className="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

/** A number with fixed decimals, or an em dash for nothing. */
export function num(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

/** ok / bad against min and max limits. */
export function rangeState(v: number | null | undefined, lim: { min?: number; max?: number }): StatState {
  if (v === null || v === undefined || !Number.isFinite(v)) return 'none';
  if ((lim.max !== undefined && v > lim.max) || (lim.min !== undefined && v < lim.min)) return 'bad';
  return 'ok';
}

export function bandText(lim: { min?: number; max?: number }, unit: string): string {
  if (lim.min !== undefined && lim.max !== undefined) return `${lim.min}–${lim.max} ${unit}`;
  if (lim.max !== undefined) return `≤ ${lim.max} ${unit}`;
  if (lim.min !== undefined) return `≥ ${lim.min} ${unit}`;
  return '';
}
