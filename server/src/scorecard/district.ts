// The district view (docs/evidence.md "The district view"): every centre × every scored clause for
// this month so far or the assessment year so far (which starts on the catalogue's assessmentYear
// day, 05-01: the 2025 standard's back-office sampling period), each centre's cells taken from its
// own scorecard, so a drill-down shows the same figures.
import { dayInZone, type ClauseCatalogue, type SiteConfig } from '@hallmon/firmware-config';
import type { DistrictPeriod, DistrictRow, DistrictView, Scorecard } from '@hallmon/contract';
import type { EvidenceService } from '../evidence/service.ts';
import { scoredClauses } from './scorecard.ts';

/** The site-local days of a district period that contains `now`: from its first day to today. */
export function districtDays(
  period: DistrictPeriod,
  site: Pick<SiteConfig, 'timezone'>,
  now: number,
  catalogue: Pick<ClauseCatalogue, 'assessmentYear'>,
): { from: string; to: string } {
  const today = dayInZone(now, site.timezone);
  if (period === 'month') return { from: `${today.slice(0, 8)}01`, to: today };
  const startsOn = catalogue.assessmentYear?.startsOn ?? '01-01';
  const year = Number(today.slice(0, 4));
  const thisYear = `${year}-${startsOn}`;
  return { from: thisYear <= today ? thisYear : `${year - 1}-${startsOn}`, to: today };
}

export function districtRow(site: SiteConfig, sc: Scorecard): DistrictRow {
  return {
    site: site.id,
    siteName: site.name,
    siteNameEn: site.nameEn ?? null,
    firstDay: sc.firstDay,
    lastDay: sc.lastDay,
    cells: sc.lines.map((l) => ({
      clause: l.clause,
      verdict: l.verdict,
      figure: l.figure,
      unit: l.unit,
      pointsAtRisk: l.pointsAtRisk,
      deductionTotal: l.deductionTotal,
    })),
    totals: sc.totals,
  };
}

/** Every given centre's scorecard for the period, one after another (the evidence line). */
export async function districtView(
  svc: EvidenceService,
  sites: readonly SiteConfig[],
  period: DistrictPeriod,
): Promise<{ view: DistrictView; scorecards: Scorecard[] }> {
  const now = svc.now();
  const scorecards: Scorecard[] = [];
  for (const site of sites) {
    const { from, to } = districtDays(period, site, now, svc.catalogue);
    scorecards.push(await svc.scorecard(site, from, to));
  }
  const days = sites.map((s) => districtDays(period, s, now, svc.catalogue));
  const fallback = districtDays(period, { timezone: 'Asia/Shanghai' }, now, svc.catalogue);
  return {
    view: {
      period,
      firstDay: days.map((d) => d.from).sort()[0] ?? fallback.from,
      lastDay:
        days
          .map((d) => d.to)
          .sort()
          .reverse()[0] ?? fallback.to,
      generatedAt: new Date(now).toISOString(),
      clauses: scoredClauses(svc.catalogue).map((c) => ({
        clause: c.id,
        title: c.title,
        titleEn: c.titleEn,
        group: c.scoring.group,
        points: c.scoring.points,
      })),
      rows: sites.map((s, i) => districtRow(s, scorecards[i]!)),
    },
    scorecards,
  };
}
