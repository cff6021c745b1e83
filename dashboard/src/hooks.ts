// Small data hooks: load something from the API with loading/error states and abort on unmount
// or when the inputs change; a clock that ticks for "time left" displays.
import { useEffect, useState } from 'react';
import { api } from './api/client.ts';
import type { Metric } from '@hallmon/firmware-config/core';
import type { LiveStore } from './live/live-store.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
  reload: () => void;
}

export function useApi<T>(load: (signal: AbortSignal) => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(true);
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setLoading(true);
    setError(undefined);
    load(ac.signal).then(
      (d) => {
        if (ac.signal.aborted) return;
        setData(d);
        setLoading(false);
      },
      (e: unknown) => {
        if (ac.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
        setLoading(false);
      },
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, nonce]);
  return { data, error, loading, reload: () => setNonce((n) => n + 1) };
}

/** Current time, updated every `ms`. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/**
 * Seeds the live store with the newest raw reading of each (sensor, metric) from the last 15 min,
 * so a page shows values before the next live message (and from a server without GET /api/latest).
 * Re-runs after a reconnect.
 */
export function useSeedLatest(
  store: LiveStore,
  site: string,
  pairs: readonly { sensor: string; metric: Metric }[],
): void {
  const key = pairs.map((p) => `${p.sensor}/${p.metric}`).join(',');
  useEffect(() => {
    const ac = new AbortController();
    const to = Date.now() + 1000;
    for (const p of pairs) {
      if (store.reading(site, p.sensor, p.metric)) continue;
      api.readings({ site, sensor: p.sensor, metric: p.metric, from: to - 15 * 60_000, to }, ac.signal).then(
        (ans) => {
          const last = ans.points[ans.points.length - 1];
          if (last && typeof last[1] === 'number')
            store.seedReadings([
              { site, sensor: p.sensor, metric: p.metric, ts: last[0], value: last[1], quality: 'ok' },
            ]);
        },
        () => undefined,
      );
    }
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [store, site, key, store.reconnects]);
}
