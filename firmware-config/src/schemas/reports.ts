// The scheduled reports (docs/evidence.md "Scheduled reports"): which packs the server builds by
// itself (monthly and quarterly, per site and for the district, as the 2013 opinion's "报表、数据、
// 分析报告", Baoshan's quarterly scoring and Qingpu's monthly reporting ask), on which day of the month
// after the period and at which site-local time, how many are kept, and where the district's packs
// are sent (a site's own packs go to the site's notification routes marked "reports").
import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from './wire.ts';
import { NotificationRoute } from './site.ts';

const HHMM = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' });

export const ReportPlan = Type.Object(
  {
    id: Type.String({ pattern: ID_PATTERN }),
    /** The period one pack covers: the month, or the quarter (Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec), before the build day. */
    period: Type.Union([Type.Literal('month'), Type.Literal('quarter')]),
    /** One pack per site, or one district pack of every site. */
    scope: Type.Union([Type.Literal('sites'), Type.Literal('district')]),
    /** Day of the month after the period on which it is built (1-28, so every month has it). */
    day: Type.Integer({ minimum: 1, maximum: 28 }),
    /** Site-local time of that day (the district's: `timezone`). */
    at: HHMM,
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReportPlan = Static<typeof ReportPlan>;

export const ReportSchedule = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    version: Type.Literal(1),
    /** Time zone of the district packs' days and build time. */
    timezone: Type.String({ minLength: 1, default: 'Asia/Shanghai' }),
    /** Packs kept per plan and scope; older ones are deleted (default 24). */
    keep: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    /** Days a download link sent to a route keeps working (default 30). */
    linkDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
    plans: Type.Array(ReportPlan),
    /** Where the district packs are sent. */
    routes: Type.Optional(Type.Array(NotificationRoute)),
  },
  { additionalProperties: false },
);
export type ReportSchedule = Static<typeof ReportSchedule>;
