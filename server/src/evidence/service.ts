// The server's one way to build evidence: packs are CPU work (a year is seconds), so they are built
// one at a time, in the order asked (the HTTP routes, the district view and the scheduled reports
// share the line). Scorecards of a period that is still running are kept for a few minutes
// (cacheMs), so the district view of eleven centres is not eleven years of replay on every visit.
import {
  loadCatalogue,
  loadProfiles,
  shippedCalendar,
  type ClauseCatalogue,
  type DeviceProfile,
  type SiteConfig,
  type WorkingCalendar,
} from '@hallmon/firmware-config';
import type { Scorecard } from '@hallmon/contract';
import type { Store } from '../store/store.ts';
import type { AuditState } from '../state/state.ts';
import { buildEvidence } from './compute.ts';
import type { EvidencePack, EvidenceVisit, FollowupOutcome, Progress } from './types.ts';

export interface EvidenceServiceOptions {
  store: Store;
  catalogue: ClauseCatalogue;
  profiles: Map<string, DeviceProfile>;
  calendar: WorkingCalendar;
  /** What people recorded for a site's bad ratings (the state backend's follow-ups). */
  followupOutcomes?(site: string): Promise<FollowupOutcome[]> | FollowupOutcome[];
  /** A site's machine-room entry register (the state backend's): door openings are judged with it. */
  visits?(site: string): Promise<EvidenceVisit[]> | EvidenceVisit[];
  /** The audit trail: the site's entries of the period go into each pack. */
  audit?: Pick<AuditState, 'list'>;
  /** Clock for "now" (judged-until instants, the current month, the cache); tests simulate it. */
  now?: () => number;
  /** How long a scorecard is reused, ms (default 10 min). */
  cacheMs?: number;
}

export class EvidenceService {
  private line: Promise<unknown> = Promise.resolve();
  private readonly cards = new Map<string, { at: number; card: Promise<Scorecard> }>();
  readonly now: () => number;

  constructor(readonly o: EvidenceServiceOptions) {
    this.now = o.now ?? Date.now;
  }

  get catalogue(): ClauseCatalogue {
    return this.o.catalogue;
  }

  /** The pack of a site and period, after the packs asked for before it. */
  build(site: SiteConfig, from: string | number, to: string | number, onProgress?: Progress): Promise<EvidencePack> {
    const job = this.line.then(async () =>
      buildEvidence({
        store: this.o.store,
        site,
        catalogue: this.o.catalogue,
        profiles: this.o.profiles,
        calendar: this.o.calendar,
        from,
        to,
        now: this.now,
        followupOutcomes: (await this.o.followupOutcomes?.(site.id)) ?? [],
        visits: (await this.o.visits?.(site.id)) ?? [],
        ...(this.o.audit ? { audit: this.o.audit } : {}),
        ...(onProgress ? { onProgress } : {}),
      }),
    );
    this.line = job.catch(() => undefined);
    return job;
  }

  /** A site's scorecard for a period of site-local days, reused for cacheMs. */
  scorecard(site: SiteConfig, from: string, to: string): Promise<Scorecard> {
    const key = `${site.id}|${from}|${to}`;
    const now = this.now();
    const hit = this.cards.get(key);
    if (hit && now - hit.at < (this.o.cacheMs ?? 600_000)) return hit.card;
    const card = this.build(site, from, to).then((p) => p.scorecard);
    this.cards.set(key, { at: now, card });
    card.catch(() => this.cards.delete(key));
    for (const [k, v] of this.cards) if (now - v.at >= (this.o.cacheMs ?? 600_000)) this.cards.delete(k);
    return card;
  }
}

/**
 * The context's service, or one made on the shipped catalogue, profiles and calendar (an API built
 * without a running server, as the route tests do).
 */
export function evidenceServiceOf(
  ctx: {
    store: Store;
    evidence?: EvidenceService;
    followupOutcomes?(site: string): Promise<FollowupOutcome[]>;
    visits?(site: string): Promise<EvidenceVisit[]> | EvidenceVisit[];
    audit?: Pick<AuditState, 'list'>;
  },
  o: Partial<Pick<EvidenceServiceOptions, 'catalogue' | 'profiles' | 'calendar'>> = {},
): EvidenceService {
  if (ctx.evidence) return ctx.evidence;
  ctx.evidence = new EvidenceService({
    store: ctx.store,
    catalogue: o.catalogue ?? loadCatalogue(),
    profiles: o.profiles ?? loadProfiles(),
    calendar: o.calendar ?? shippedCalendar(),
    ...(ctx.followupOutcomes ? { followupOutcomes: (site) => ctx.followupOutcomes!(site) } : {}),
    ...(ctx.visits ? { visits: (site) => ctx.visits!(site) } : {}),
    ...(ctx.audit ? { audit: ctx.audit } : {}),
  });
  return ctx.evidence;
}
