// One wired channel of a digital-input module: what the site config says it reports. Its own
// module because the site config (the truth) and the edge config (what the edge is given) both
// carry it.
import { Type, type Static } from '@sinclair/typebox';
import { STATE_METRICS } from './wire.ts';

/**
 * One channel of a digital-input module (a profile with `inputs`) wired to a dry contact: the state
 * metric it reports and the contact type. A normally-open contact (NO, the default) closes when
 * the condition holds (input 1 = water, smoke, door open); a normally-closed one (NC) opens then,
 * so its input is inverted. A broken NC wire therefore reads as the alarm, which is why detectors
 * are wired NC.
 */
export const InputChannel = Type.Object(
  {
    /** 1-based channel number as printed on the module. */
    channel: Type.Integer({ minimum: 1, maximum: 64 }),
    metric: Type.Union(STATE_METRICS.map((m) => Type.Literal(m))),
    contact: Type.Optional(Type.Union([Type.Literal('NO'), Type.Literal('NC')])),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
export type InputChannel = Static<typeof InputChannel>;
