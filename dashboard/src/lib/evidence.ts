// The evidence page's logic, apart from React: the periods a director picks (the assessment's
// sampling year 2024-05-01 … 2025-04-30, and the last 12 full site-local days' months), checking a
// period, the GET /api/evidence URL, the clause checklist rows from the JSON pack, the elapsed
// time shown while a year is computed, and authenticated downloads (the token is a header, so a
// plain link cannot carry it: fetch the file, then hand it to the browser).
import { EVIDENCE_MAX_DAYS, type ClauseEvidence, type EvidencePack, type Verdict } from '@hallmon/contract';
import { getSession } from '../auth/auth.ts';

export type EvidenceFormat = 'json' | 'csv' | 'pdf';
export type { Verdict };

/** The part of a clause (the contract's EvidencePack) the checklist shows. */
export type EvidenceClause = Pick<
  ClauseEvidence,
  'clause' | 'title' | 'titleEn' | 'verdict' | 'reason' | 'coverage' | 'excursions' | 'gaps'
>;

/** The part of the pack the page reads. */
export type EvidencePackJson = Pick<EvidencePack, 'site' | 'from' | 'to'> & { clauses: EvidenceClause[] };

export interface Period {
  id: 'assessment' | 'last12' | 'custom';
  from: string;
  to: string;
}

/** The 2025 assessment's back-office sampling year (2024-05-01 to 2025-04-30). */
export const ASSESSMENT_YEAR: Period = { id: 'assessment', from: '2024-05-01', to: '2025-04-30' };
/** The server refuses longer periods (the contract's bound). */
export const MAX_DAYS = EVIDENCE_MAX_DAYS;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD of an instant in a time zone. */
export function dayIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The last 12 months up to yesterday (site-local; today is not over yet): e.g. 2025-11-23 … 2026-11-22. */
export function last12Months(now: number, timeZone: string): Period {
  const today = dayIn(now, timeZone);
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  // Today one year back (a Feb 29 becomes Mar 1) up to yesterday.
  return { id: 'last12', from: new Date(Date.UTC(y - 1, m - 1, d)).toISOString().slice(0, 10), to: addDays(today, -1) };
}

export function presets(now: number, timeZone: string): Period[] {
  return [ASSESSMENT_YEAR, last12Months(now, timeZone)];
}

/** What is wrong with a period (null when fine): both dates, in order, at most MAX_DAYS days. */
export function periodProblem(from: string, to: string): 'from' | 'to' | 'order' | 'too-long' | null {
  const valid = (s: string) =>
    DATE.test(s) &&
    !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
    new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
  if (!valid(from)) return 'from';
  if (!valid(to)) return 'to';
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000 + 1;
  if (days < 1) return 'order';
  if (days > MAX_DAYS) return 'too-long';
  return null;
}

export function evidenceUrl(site: string, from: string, to: string, format: EvidenceFormat): string {
  const q = new URLSearchParams({ site, from, to, format });
  return `/api/evidence?${q.toString()}`;
}

export function downloadName(site: string, from: string, to: string, format: EvidenceFormat): string {
  return `evidence-${site}-${from}-${to}${format === 'csv' ? '-summary' : ''}.${format}`;
}

export interface ChecklistRow {
  clause: string;
  title: string;
  verdict: Verdict;
  reason: string;
  /** Percent with one decimal, or null when the clause has no coverage figure. */
  coveragePct: number | null;
  excursions: number;
  gaps: number;
}

/** Checklist rows in the pack's clause order; titles in the UI language when the pack has them. */
export function checklist(pack: EvidencePackJson, lang: string): ChecklistRow[] {
  return pack.clauses.map((c) => ({
    clause: c.clause,
    title: lang.startsWith('en') && c.titleEn ? c.titleEn : c.title,
    verdict: c.verdict,
    reason: c.reason,
    coveragePct: c.coverage === null ? null : Math.round(c.coverage * 1000) / 10,
    excursions: c.excursions.length,
    gaps: c.gaps.length,
  }));
}

export function verdictCounts(rows: ChecklistRow[]): Record<Verdict, number> {
  const out: Record<Verdict, number> = { pass: 0, fail: 0, 'insufficient-data': 0 };
  for (const r of rows) out[r.verdict]++;
  return out;
}

/** m:ss (or h:mm:ss) since `start`. */
export function formatElapsed(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Runtime check of the JSON answer before the page trusts it. */
export function isPack(v: unknown): v is EvidencePackJson {
  if (!v || typeof v !== 'object') return false;
  const p = v as Partial<EvidencePackJson>;
  return (
    typeof p.site === 'string' &&
    Array.isArray(p.clauses) &&
    p.clauses.every(
      (c) =>
        c &&
        typeof c.clause === 'string' &&
        typeof c.title === 'string' &&
        ['pass', 'fail', 'insufficient-data'].includes(c.verdict) &&
        Array.isArray(c.excursions) &&
        Array.isArray(c.gaps),
    )
  );
}

/** Fetches the pack in one format with the session's token; errors carry the server's message. */
export async function fetchEvidence(url: string, signal?: AbortSignal): Promise<Response> {
  const session = getSession();
  const init: RequestInit = { headers: session ? { authorization: `Bearer ${session.token}` } : {} };
  if (signal) init.signal = signal;
  const res = await fetch(url, init);
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const j = (await res.json()) as { message?: unknown };
      if (typeof j.message === 'string') message = j.message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  return res;
}

/** Hands a fetched file to the browser as a download. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
