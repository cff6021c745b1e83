// What people recorded for bad ratings, in the shape evidence packs judge 10.1.3 with: the
// server's follow-up records (followups.db in the data dir), read by the evidence route and CLI.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FollowupOutcome } from '../evidence/types.ts';
import { FollowupDb, type FollowupRow } from './db.ts';

export function outcomesOf(rows: FollowupRow[]): FollowupOutcome[] {
  return rows.map((r) => ({
    device: r.device,
    ratedAt: r.ratedAt,
    respondedAt: r.respondedAt,
    resolvedAt: r.resolvedAt,
    complex: r.complex,
    callbacks: r.callbacks.map((c) => ({ at: c.at, outcome: c.outcome, satisfied: c.satisfied })),
  }));
}

/** The site's follow-up outcomes from a server data dir; none when the server never tracked any. */
export async function readFollowupOutcomes(dataDir: string, site: string): Promise<FollowupOutcome[]> {
  if (!existsSync(join(dataDir, 'followups.db'))) return [];
  const db = new FollowupDb(dataDir);
  db.open();
  try {
    return outcomesOf(await db.list(site, false, true));
  } finally {
    db.close();
  }
}
