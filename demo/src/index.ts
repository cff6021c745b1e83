// Public surface of @hallmon/demo: the store backfill that `hallmon simulate --backfill --data-dir`
// runs (tests call it directly). The commands are in ./commands.ts.
export { backfillStore } from './backfill-store.ts';
