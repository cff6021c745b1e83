// A site's UTC offset from its IANA time zone (Intl, no tz database of our own): the one place that
// turns an instant into site-local wall-clock time and back, for the rules' schedule on the edge and
// the simulators' site model. (The dashboard formats for display with its own locale-aware Intl.)

/** Local wall-clock time minus UTC, in ms, for one IANA zone. */
export class ZoneOffset {
  private fmt: Intl.DateTimeFormat | undefined;

  constructor(readonly timeZone: string) {}

  /** The offset at instant `ms` (to the second: sub-second parts of `ms` do not matter). */
  at(ms: number): number {
    // Built on first use, so an unknown zone throws where the time is needed, with Intl's message.
    this.fmt ??= new Intl.DateTimeFormat('en-US', {
      timeZone: this.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    const p: Record<string, number> = {};
    for (const x of this.fmt.formatToParts(ms)) if (x.type !== 'literal') p[x.type] = Number(x.value);
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
  }

  /**
   * The instant of a local wall-clock time given as `naive` (its fields written as if UTC, e.g.
   * Date.UTC(y, m, d, h, mi)). Two steps, so a time just after an offset change lands right.
   */
  fromLocal(naive: number, offsetAt: (ms: number) => number = (ms) => this.at(ms)): number {
    return naive - offsetAt(naive - offsetAt(naive));
  }
}
