// Bad-rating follow-ups (DB31/T 862-2021 10.1.3 "1、5、15"): GET /api/followups and the answer of
// POST /api/followups/{id} (server/src/api/wire-json.ts followupJson). The server computes every
// due instant with the working-day calendar: the last millisecond of the due working day.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

/** The stages whose overdue alarm a follow-up can raise (alarm id `${followupId}:${stage}`). */
export const FOLLOWUP_STAGES = ['response', 'simple', 'complex'] as const;
export const FollowupStage = Type.Union(FOLLOWUP_STAGES.map((s) => Type.Literal(s)));
export type FollowupStage = (typeof FOLLOWUP_STAGES)[number];

/** A person's step: answered, classified complex (15-day limit), put right. */
export const FOLLOWUP_ACTIONS = ['respond', 'complex', 'resolve'] as const;
export type FollowupAction = (typeof FOLLOWUP_ACTIONS)[number];

export const FollowupState = Type.Union([Type.Literal('open'), Type.Literal('responded'), Type.Literal('resolved')]);

export const Followup = Type.Object({
  id: Type.String(),
  site: Type.String(),
  device: Type.String(),
  window: Nullable(Type.String()),
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
});
export type Followup = Static<typeof Followup>;

export const FollowupList = Type.Array(Followup);
