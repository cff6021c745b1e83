// GET /api/marks: what the rule engine judged for one sensor over a chart's range (excursions and
// gaps), so the dashboard's charts shade and mark exactly the clause judgement instead of judging
// the data themselves. The server replays the stored 1-minute rollups of the sensor through the
// same RuleEngine the edge and the evidence run (server/src/api/marks.ts).
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable, SeverityName } from './common.ts';

export const MarkExcursion = Type.Object({
  rule: Type.String(),
  clause: Type.String(),
  /** The rule kind of the catalogue: range, laeq-window, rate-of-change, dew-point, daily-swing, ... */
  kind: Type.String(),
  /** The metric the rule watches; null for rules over several (dew point). */
  metric: Nullable(Type.String()),
  severity: SeverityName,
  start: IsoTime,
  /** The end of the excursion, or of the replay while it is still going. */
  end: IsoTime,
  peak: Nullable(Type.Number()),
  limit: Nullable(Type.Number()),
  /** Still going at the end of the range. */
  ongoing: Type.Boolean(),
});
export type MarkExcursion = Static<typeof MarkExcursion>;

export const MarkGap = Type.Object({
  rule: Type.String(),
  clause: Type.String(),
  /** The last reading before the silence. */
  start: IsoTime,
  /** The next reading, or the end of the range while still silent. */
  end: IsoTime,
  ongoing: Type.Boolean(),
});
export type MarkGap = Static<typeof MarkGap>;

export const MarksAnswer = Type.Object({
  excursions: Type.Array(MarkExcursion),
  gaps: Type.Array(MarkGap),
});
export type MarksAnswer = Static<typeof MarksAnswer>;

/** The longest range one marks request may cover (the aggregate readings' bound). */
export const MARKS_MAX_DAYS = 400;
