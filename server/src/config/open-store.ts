// The config store and its editor for the `hallmon config` and `hallmon credential` commands, on a
// server's data dir (running or not: SQLite WAL with a busy timeout; the server picks up what they
// write within a second). Changes are made as "cli:<os user>" in the same audit trail as the API's.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { userInfo } from 'node:os';
import { loadCatalogue, loadProfiles, UsageError } from '@hallmon/firmware-config';
import { AuditLog } from '../audit/audit-log.ts';
import { ConfigStore } from './config-store.ts';
import { ConfigEditor } from './config-editor.ts';

export interface OpenedConfig {
  store: ConfigStore;
  editor: ConfigEditor;
  actor: string;
  close(): void;
}

export function openConfig(dataDirFlag: string): OpenedConfig {
  const dataDir = resolve(dataDirFlag);
  if (!existsSync(join(dataDir, 'config.db')))
    throw new UsageError(
      `no site configuration in ${dataDir} (config.db): give the server's data folder with --data-dir DIR (the server creates it on its first start)`,
    );
  const store = new ConfigStore(dataDir).open();
  const audit = new AuditLog(dataDir).open();
  const editor = new ConfigEditor(store, audit, loadProfiles(), loadCatalogue());
  let actor = 'cli:unknown';
  try {
    actor = `cli:${userInfo().username}`;
  } catch {
    /* no user name on this system: cli:unknown */
  }
  return {
    store,
    editor,
    actor,
    close: () => {
      store.close();
      audit.close();
    },
  };
}
