// The config store and its editor for the `hallmon config` and `hallmon credential` commands: on a
// server's data dir (running or not: SQLite WAL with a busy timeout; the server picks up what they
// write within a second), or with --state on a server group's PostgreSQL database (every server of
// the group picks it up within a second). Changes are made as "cli:<os user>" in the same audit
// trail as the API's.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { createLogger, loadCatalogue, loadProfiles, UsageError } from '@hallmon/firmware-config';
import { AuditLog } from '../audit/audit-log.ts';
import { openState } from '../state/index.ts';
import type { AuditState, ConfigState } from '../state/state.ts';
import { ConfigStore } from './config-store.ts';
import { ConfigEditor } from './config-editor.ts';
import { SqliteConfig } from './sqlite-config.ts';

export interface OpenedConfig {
  store: ConfigState;
  editor: ConfigEditor;
  actor: string;
  close(): Promise<void>;
}

/** `state`: the --state URL (checked by stateFlag), else the data dir's config.db. */
export async function openConfig(dataDirFlag: string, state?: string): Promise<OpenedConfig> {
  const dataDir = resolve(dataDirFlag);
  let store: ConfigState;
  let audit: AuditState;
  let close: () => Promise<void>;
  if (state) {
    const backend = await openState({ dataDir, state }, createLogger('hallmon-config'));
    store = backend.config;
    audit = backend.audit;
    close = () => backend.close();
  } else {
    if (!existsSync(join(dataDir, 'config.db')))
      throw new UsageError(
        `no site configuration in ${dataDir} (config.db): give the server's data folder with --data-dir DIR (the server creates it on its first start), or its PostgreSQL state with --state URL`,
      );
    const file = new ConfigStore(dataDir).open();
    const log = new AuditLog(dataDir).open();
    store = new SqliteConfig(file);
    audit = log;
    close = async () => {
      file.close();
      log.close();
    };
  }
  const editor = new ConfigEditor(store, audit, loadProfiles(), loadCatalogue());
  let actor = 'cli:unknown';
  try {
    actor = `cli:${userInfo().username}`;
  } catch {
    /* no user name on this system: cli:unknown */
  }
  return { store, editor, actor, close };
}
