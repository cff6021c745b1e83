// Dew point from temperature and relative humidity by the Magnus formula (b = 17.62, c = 243.12 °C):
// γ = ln(RH/100) + b·T/(c+T), Td = c·γ/(b−γ). GB 50174-2017 Appendix A bounds the machine room's
// dew point to 5.5-15 °C; the dew-point rule, the evidence and the machine-room page use this copy.
const B = 17.62;
const C = 243.12;

/** Dew point in °C, or null when an input is not finite or RH is not in (0, 100]. */
export function dewPoint(tempC: number, rh: number): number | null {
  if (!Number.isFinite(tempC) || !(rh > 0 && rh <= 100)) return null;
  const g = Math.log(rh / 100) + (B * tempC) / (C + tempC);
  return (C * g) / (B - g);
}
