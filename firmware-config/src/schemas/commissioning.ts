// What the first readings of a newly added device may show in a service hall's rooms, per metric: a
// wider band than any clause limit, narrower than the model's plausible range. A transmitter read
// with the wrong profile or at the wrong unit id typically answers zeros or another quantity's raw
// register, which falls outside it (firmware-config/commissioning/room-ranges.json).
import { Type, type Static } from '@sinclair/typebox';
import { Metric } from './wire.ts';

export const RoomRange = Type.Object(
  { min: Type.Number(), max: Type.Number(), source: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const RoomRanges = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    /** A verdict on a new device within this many seconds of it entering the config. */
    windowS: Type.Integer({ minimum: 10, maximum: 3600 }),
    metrics: Type.Record(Metric, RoomRange),
  },
  { additionalProperties: false },
);
export type RoomRanges = Static<typeof RoomRanges>;
