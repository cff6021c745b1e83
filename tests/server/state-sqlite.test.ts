// The shared state suite (state-suite.ts) on the embedded backend: SQLite files in a temp data dir,
// alarms in the SQLite time-series store.
import { join } from 'node:path';
import { createLogger } from '@hallmon/firmware-config';
import { createStore, openState, type Store } from '@hallmon/server';
import { tempDir } from '../helpers/tmp.ts';
import { stateSuite } from './state-suite.ts';

const dir = tempDir('hallmon-state-sqlite-');
let store: Store | undefined;
stateSuite('sqlite', {
  open: () => openState({ dataDir: join(dir.path, 'data') }),
  store: async () => {
    store = createStore({ kind: 'sqlite', dataDir: join(dir.path, 'data') }, createLogger('test', 'warn'));
    await store.open();
    return store;
  },
  close: async () => {
    await store?.close();
    dir.remove();
  },
});
