// Dew point from temperature and relative humidity by the Magnus formula (b = 17.62, c = 243.12 °C,
// the same constants as the edge's dew-point rule), so the machine-room page can show the band
// GB 50174-2017 Appendix A sets on dew point (5.5–15 °C) next to the measured values.
const B = 17.62;
const C = 243.12;

export function dewPoint(tempC: number, rh: number): number | null {
  if (!Number.isFinite(tempC) || !Number.isFinite(rh) || rh <= 0 || rh > 100) return null;
  const g = Math.log(rh / 100) + (B * tempC) / (C + tempC);
  return (C * g) / (B - g);
}
