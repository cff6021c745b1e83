// Running the server: its log level (GET/PUT /api/log-level, admins only; docs/operations.md
// "Logs") and the edges' clocks (GET /api/clocks?site=; docs/alarms.md "System alarms").
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

export const LogLevelName = Type.Union(
  ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
);

export const LogLevelAnswer = Type.Object({ level: LogLevelName });
export type LogLevelAnswer = Static<typeof LogLevelAnswer>;

export const EdgeClock = Type.Object({
  site: Type.String(),
  /** The edge's device id (its status topic's: `edge`). */
  edge: Type.String(),
  /** Edge clock minus server clock at its last report, seconds (positive: the edge is ahead). */
  offsetS: Type.Number(),
  /** Whether the edge's OS says its clock is synchronised; null when it could not tell. */
  synced: Nullable(Type.Boolean()),
  /** How that was learnt (timedatectl, w32tm, none). */
  source: Nullable(Type.String()),
  reportedAt: IsoTime,
  /** ok within 5 s; warning beyond; critical from 5 minutes (readings then look like the future). */
  level: Type.Union([Type.Literal('ok'), Type.Literal('warning'), Type.Literal('critical')]),
  /** When the current clock fault began (a device fault with an alarm). */
  faultSince: Nullable(IsoTime),
});
export type EdgeClock = Static<typeof EdgeClock>;

export const ClockList = Type.Array(EdgeClock);
