// The database's clock in epoch ms, as SQL: leases, heartbeats and notice claims of several servers
// compare times on one clock, never on each server's own.
export const NOW_MS = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
