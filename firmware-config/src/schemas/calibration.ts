// Per-sensor calibration (docs/contract.md "Edge config"): value = raw × scale + offset, per metric.
// Used by the edge config and by the devices of a site config the server keeps.
import { Type, type Static } from '@sinclair/typebox';
import { Metric } from './wire.ts';

/** Per metric; only the metrics that need correcting are listed. */
export const Calibration = Type.Partial(
  Type.Record(
    Metric,
    Type.Object(
      { offset: Type.Optional(Type.Number()), scale: Type.Optional(Type.Number({ exclusiveMinimum: 0 })) },
      { additionalProperties: false },
    ),
  ),
);
export type Calibration = Static<typeof Calibration>;

/** Serial line settings a bus or a meter may set; absent ones come from the device profile. */
export const SerialLineOptions = {
  baudRate: Type.Optional(Type.Integer({ minimum: 300, maximum: 921_600 })),
  dataBits: Type.Optional(Type.Union([Type.Literal(7), Type.Literal(8)])),
  parity: Type.Optional(Type.Union([Type.Literal('none'), Type.Literal('even'), Type.Literal('odd')])),
  stopBits: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)])),
};
