// The embedded state backend: SQLite files and small JSON snapshots in the server's data dir, each
// kept by the class of its own module (users.db, audit.db, seals.db, followups.db,
// notifications.db, config.db, visits.db, rules-state-<site>.json, token-secret). Alarms stay in the
// time-series store.
// One server owns every duty (LocalLeases); a notice begun in the delivery log is not sent again.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { JsonStateFile } from '@hallmon/firmware-config';
import { UserStore } from '../../auth/users.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { SealStore } from '../../seal/seal-store.ts';
import { FollowupDb } from '../../followups/db.ts';
import { DeliveryLog } from '../../notify/delivery-log.ts';
import { VisitDb } from '../../visits/db.ts';
import { loadOrCreateSecret } from '../../auth/tokens.ts';
import { LocalLeases } from '../local-leases.ts';
import { ConfigStore } from '../../config/config-store.ts';
import { SqliteConfig } from '../../config/sqlite-config.ts';
import type { NoticeState, StateBackend } from '../state.ts';

export function openSqliteState(dataDir: string): StateBackend {
  mkdirSync(dataDir, { recursive: true });
  const opened: { close(): void }[] = [];
  try {
    const users = new UserStore(dataDir).open();
    opened.push(users);
    const audit = new AuditLog(dataDir).open();
    opened.push(audit);
    const seals = new SealStore(dataDir);
    seals.open();
    opened.push(seals);
    const followups = new FollowupDb(dataDir);
    followups.open();
    opened.push(followups);
    const deliveries = new DeliveryLog(dataDir);
    deliveries.open();
    opened.push(deliveries);
    const config = new ConfigStore(dataDir).open();
    opened.push(config);
    const visits = new VisitDb(dataDir).open();
    opened.push(visits);
    const notices: NoticeState = {
      claim: async (alarmId, event) => !(await deliveries.has(alarmId, event)),
      done: async () => undefined,
      orphans: async () => [],
    };
    return {
      kind: 'sqlite',
      where: dataDir,
      users,
      audit,
      seals,
      followups,
      deliveries,
      notices,
      config: new SqliteConfig(config),
      visits,
      alarms: (store) => store,
      ruleState: async (site) => new JsonStateFile(join(dataDir, `rules-state-${site}.json`)),
      tokenSecret: async () => loadOrCreateSecret(dataDir),
      check: async () => undefined,
      leases: ({ sites }) => new LocalLeases(sites),
      close: async () => {
        for (const o of opened.reverse()) o.close();
      },
    };
  } catch (err) {
    for (const o of opened.reverse()) o.close();
    throw err;
  }
}
