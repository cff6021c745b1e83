// Modbus RTU framing for the simulated slaves: CRC-16/MODBUS, response/exception frames, and the
// encoding of engineering values into registers per a profile's RegisterSpec. Written independently
// of the edge's decoder (which uses modbus-serial) so the tests check one against the other.
import type { RegisterSpec } from '@hallmon/firmware-config';

/** CRC-16/MODBUS (poly 0xA001 reflected, init 0xFFFF); sent low byte first (Modbus over serial line V1.02 §2.5.1.2). */
export function crc16(buf: Uint8Array): number {
  let crc = 0xffff;
  for (const byte of buf) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc;
}

/** Appends the CRC (low byte first) to a PDU with its unit address. */
export function withCrc(body: Buffer): Buffer {
  const out = Buffer.alloc(body.length + 2);
  body.copy(out);
  out.writeUInt16LE(crc16(body), body.length);
  return out;
}

export function crcOk(frame: Buffer): boolean {
  return frame.length >= 4 && frame.readUInt16LE(frame.length - 2) === crc16(frame.subarray(0, -2));
}

/** Exception codes (Modbus Application Protocol V1.1b3 §7). */
export const EXC = { ILLEGAL_FUNCTION: 1, ILLEGAL_DATA_ADDRESS: 2, ILLEGAL_DATA_VALUE: 3, SLAVE_FAILURE: 4 } as const;

export function exceptionFrame(unit: number, fn: number, code: number): Buffer {
  return withCrc(Buffer.from([unit, fn | 0x80, code]));
}

export function readResponseFrame(unit: number, fn: number, words: number[]): Buffer {
  const body = Buffer.alloc(3 + words.length * 2);
  body.writeUInt8(unit, 0);
  body.writeUInt8(fn, 1);
  body.writeUInt8(words.length * 2, 2);
  words.forEach((w, i) => body.writeUInt16BE(w & 0xffff, 3 + i * 2));
  return withCrc(body);
}

/** A read-bits answer (functions 01/02): byte count, then the bits packed LSB first (§6.1/6.2). */
export function readBitsFrame(unit: number, fn: number, bits: number[]): Buffer {
  const n = Math.ceil(bits.length / 8);
  const body = Buffer.alloc(3 + n);
  body.writeUInt8(unit, 0);
  body.writeUInt8(fn, 1);
  body.writeUInt8(n, 2);
  bits.forEach((b, i) => {
    if (b) body[3 + (i >> 3)]! |= 1 << (i & 7);
  });
  return withCrc(body);
}

/** How many registers (or bits, for functions 01/02) a spec occupies. */
export function specWords(spec: RegisterSpec): 1 | 2 {
  if (spec.function === 1 || spec.function === 2 || spec.bit !== undefined) return 1;
  return spec.type === 'float32' ? 2 : (spec.words ?? 1);
}

/** The wire bit of a one-bit value (a coil, an input, a register bit): `invert` stores 1 − value. */
export function encodeBit(spec: RegisterSpec, value: number): number {
  const on = value >= 0.5 ? 1 : 0;
  return spec.invert ? 1 - on : on;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * The register words (in address order) a device would hold for an engineering value:
 * raw = round(value / scale), two's complement when signed, clamped to what the registers can hold.
 */
export function encodeValue(spec: RegisterSpec, value: number): number[] {
  if (spec.function === 1 || spec.function === 2) return [encodeBit(spec, value)];
  // A bit field: the word with only that bit (set or clear); the bus ORs the bits of one register.
  if (spec.bit !== undefined) return [encodeBit(spec, value) << spec.bit];
  const scale = spec.scale ?? 1;
  const order = (hi: number, lo: number) => (spec.wordOrder === 'little' ? [lo, hi] : [hi, lo]);
  if (spec.type === 'float32') {
    const b = Buffer.alloc(4);
    b.writeFloatBE(value / scale);
    return order(b.readUInt16BE(0), b.readUInt16BE(2));
  }
  const raw = Math.round(value / scale);
  if (specWords(spec) === 2) {
    const b = Buffer.alloc(4);
    if (spec.signed) b.writeInt32BE(clamp(raw, -0x8000_0000, 0x7fff_ffff));
    else b.writeUInt32BE(clamp(raw, 0, 0xffff_ffff));
    return order(b.readUInt16BE(0), b.readUInt16BE(2));
  }
  return [spec.signed ? clamp(raw, -0x8000, 0x7fff) & 0xffff : clamp(raw, 0, 0xffff)];
}
