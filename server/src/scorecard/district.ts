// The district view (docs/evidence.md "The district view"): every centre × every scored clause for
// this month so far or the assessment year so far (which starts on the catalogue's assessmentYear
// day, 05-01: the 2025 standard's back-office sampling period), each centre's cells taken from its
// own scorecard, so a drill-down shows the same figures.
import { dayInZone, type ClauseCatalogue, type SiteConfig } from '@hallmon/firmware-config';
import type { DistrictRow, DistrictView, Scorecard } from '@hallmon/contract';
import type { EvidenceService } from '../evidence/service.ts';
import { scoredClauses } from './scorecard.ts';

/** The site-local days of a district period that contains `now`: from its first day to today. */
export function districtDays(
  period: 'month' | 'year',
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

/** The view of centres whose scorecards (in the same order) cover the given days. */
export function districtOf(
  svc: Pick<EvidenceService, 'now' | 'catalogue'>,
  sites: readonly SiteConfig[],
  scorecards: readonly Scorecard[],
  period: DistrictView['period'],
  firstDay: string,
  lastDay: string,
): DistrictView {
  return {
    period,
    firstDay,
    lastDay,
    generatedAt: new Date(svc.now()).toISOString(),
    clauses: scoredClauses(svc.catalogue).map((c) => ({
      clause: c.id,
      title: c.title,
      titleEn: c.titleEn,
      group: c.scoring.group,
      points: c.scoring.points,
    })),
    rows: sites.map((s, i) => districtRow(s, scorecards[i]!)),
  };
}

/** Every given centre's scorecard for this month or the assessment year so far, one after another. */
export async function districtView(
  svc: EvidenceService,
  sites: readonly SiteConfig[],
  period: 'month' | 'year',
): Promise<{ view: DistrictView; scorecards: Scorecard[] }> {
  const now = svc.now();
  const scorecards: Scorecard[] = [];
  const days = sites.map((s) => districtDays(period, s, now, svc.catalogue));
  for (const [i, site] of sites.entries()) scorecards.push(await svc.scorecard(site, days[i]!.from, days[i]!.to));
  const fallback = districtDays(period, { timezone: 'Asia/Shanghai' }, now, svc.catalogue);
  const firstDay = days.map((d) => d.from).sort()[0] ?? fallback.from;
  const lastDay =
    days
      .map((d) => d.to)
      .sort()
      .reverse()[0] ?? fallback.to;
  return { view: districtOf(svc, sites, scorecards, period, firstDay, lastDay), scorecards };
}
