// GET /api/reports and POST /api/reports: the scheduled report packs the server builds by itself
// (monthly and quarterly, per site and for the district; docs/evidence.md "Scheduled reports"),
// each with its state and progress while it builds, its files and where it was sent.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

export const REPORT_STATES = ['queued', 'building', 'done', 'failed'] as const;
export type ReportState = (typeof REPORT_STATES)[number];

export const ReportDelivery = Type.Object({
  route: Type.String(),
  /** The route's URL with its query hidden. */
  url: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  deliveredAt: Nullable(IsoTime),
  lastError: Nullable(Type.String()),
});

export const Report = Type.Object({
  /** `${plan}:${scope}:${firstDay}`: one pack per plan, scope and period. */
  id: Type.String(),
  plan: Type.String(),
  /** A site id, or "district". */
  scope: Type.String(),
  title: Type.String(),
  period: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
  firstDay: Type.String(),
  lastDay: Type.String(),
  state: Type.Union(REPORT_STATES.map((s) => Type.Literal(s))),
  /** What it is doing while it builds (replay, tables, pdf, …) and how far (0..1). */
  phase: Nullable(Type.String()),
  progress: Type.Number(),
  /** When it was due (the plan's day and time), queued, started and finished. */
  dueAt: IsoTime,
  createdAt: IsoTime,
  startedAt: Nullable(IsoTime),
  finishedAt: Nullable(IsoTime),
  error: Nullable(Type.String()),
  /** The pack's files: GET /api/reports/{id}/file/{name}. */
  files: Type.Array(Type.Object({ name: Type.String(), size: Type.Integer() })),
  deliveries: Type.Array(ReportDelivery),
});
export type Report = Static<typeof Report>;
export const ReportList = Type.Array(Report);

/** A plan of the schedule (firmware-config ReportPlan). */
export const ReportPlanInfo = Type.Object({
  id: Type.String(),
  period: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
  scope: Type.Union([Type.Literal('sites'), Type.Literal('district')]),
  day: Type.Integer(),
  at: Type.String(),
  enabled: Type.Boolean(),
});

/** GET /api/reports: the schedule's plans and the packs the account may read, newest first. */
export const ReportsAnswer = Type.Object({
  plans: Type.Array(ReportPlanInfo),
  reports: ReportList,
});
