// Bad-rating follow-ups (DB31/T 862-2021 10.1.3 "1、5、15"): GET /api/followups and the answer of
// POST /api/followups/{id} (server/src/api/wire-json.ts followupJson). The server computes every
// due instant with the working-day calendar: the last millisecond of the due working day. A
// follow-up also carries its callbacks (回访, the 2025 standard 6.1.5): who called the resident,
// when, whether they were reached, and whether they were satisfied.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

/** The stages whose overdue alarm a follow-up can raise (alarm id `${followupId}:${stage}`). */
export const FOLLOWUP_STAGES = ['response', 'simple', 'complex'] as const;
export const FollowupStage = Type.Union(FOLLOWUP_STAGES.map((s) => Type.Literal(s)));
export type FollowupStage = (typeof FOLLOWUP_STAGES)[number];

/** A person's step: answered, classified complex (15-day limit), put right, called back (回访). */
export const FOLLOWUP_ACTIONS = ['respond', 'complex', 'resolve', 'callback'] as const;
export type FollowupAction = (typeof FOLLOWUP_ACTIONS)[number];

/** How a callback went: the resident was reached, did not answer, or declined to talk. */
export const CALLBACK_OUTCOMES = ['reached', 'no-answer', 'refused'] as const;
export type CallbackOutcome = (typeof CALLBACK_OUTCOMES)[number];

export const Callback = Type.Object({
  /** When the call was made. */
  at: IsoTime,
  by: Type.String(),
  outcome: Type.Union(CALLBACK_OUTCOMES.map((o) => Type.Literal(o))),
  /** Satisfied with how the rating was handled: true/false when reached, null otherwise. */
  satisfied: Nullable(Type.Boolean()),
  note: Nullable(Type.String()),
});
export type Callback = Static<typeof Callback>;

export const FollowupState = Type.Union([Type.Literal('open'), Type.Literal('responded'), Type.Literal('resolved')]);

export const Followup = Type.Object({
  id: Type.String(),
  site: Type.String(),
  device: Type.String(),
  window: Nullable(Type.String()),
  /** The served ticket the rating names; a rating with one is real-name (DB31/T 862-2021 10.1.4). */
  ticket: Nullable(Type.String()),
  score: Type.Integer(),
  ratedAt: IsoTime,
  responseDue: IsoTime,
  simpleDue: IsoTime,
  complexDue: IsoTime,
  respondedAt: Nullable(IsoTime),
  respondedBy: Nullable(Type.String()),
  resolvedAt: Nullable(IsoTime),
  resolvedBy: Nullable(Type.String()),
  /** Classified complex: the fix deadline is complexDue instead of simpleDue. */
  complex: Type.Boolean(),
  complexAt: Nullable(IsoTime),
  complexBy: Nullable(Type.String()),
  note: Nullable(Type.String()),
  /** open -> responded -> resolved. */
  state: FollowupState,
  /** Stages whose overdue alarm is active. */
  overdue: Type.Array(FollowupStage),
  callbacks: Type.Array(Callback),
  /** The last callback that reached the resident: satisfied or not (null: none reached them yet). */
  satisfied: Nullable(Type.Boolean()),
});
export type Followup = Static<typeof Followup>;

export const FollowupList = Type.Array(Followup);
