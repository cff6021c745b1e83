// The machine-room entry register (机房登记, clause 5.2.2 "非机房工作人员因工作需要进入机房时，先进行登记，
// 由网管陪同方可进入"): GET /api/visits, and the answers of POST /api/visits (a visitor comes in) and
// POST /api/visits/{id}/out (the visitor left). server/src/api/wire-json.ts visitJson writes them.
import { Type, type Static } from '@sinclair/typebox';
import { IsoTime, Nullable } from './common.ts';

export const VisitState = Type.Union([Type.Literal('inside'), Type.Literal('left')]);

export const Visit = Type.Object({
  id: Type.String(),
  site: Type.String(),
  /** The room (zone id) visited: a machine room of the site. */
  zone: Type.String(),
  visitor: Type.String(),
  organisation: Type.String(),
  reason: Type.String(),
  /** The network administrator who accompanies the visitor (由网管陪同). */
  escort: Type.String(),
  inAt: IsoTime,
  outAt: Nullable(IsoTime),
  /** inside: outAt not recorded yet. */
  state: VisitState,
  /** When and by whom the entry was written (an entry written after the fact is visible as such). */
  createdAt: IsoTime,
  createdBy: Type.String(),
  /** Who recorded the leaving. */
  closedBy: Nullable(Type.String()),
});
export type Visit = Static<typeof Visit>;

export const VisitList = Type.Array(Visit);
