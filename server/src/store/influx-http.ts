// The small slice of the InfluxDB 1.x HTTP API the store needs: /write with line protocol and
// /query with InfluxQL, plus the escaping rules of both. Plain fetch; answers are checked against a
// TypeBox schema before use, and failures are reported in terms of what the operator can fix.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';

const Series = Type.Object({
  name: Type.String(),
  tags: Type.Optional(Type.Record(Type.String(), Type.String())),
  columns: Type.Array(Type.String()),
  values: Type.Array(Type.Array(Type.Unknown())),
});
const QueryAnswer = Type.Object({
  results: Type.Optional(
    Type.Array(
      Type.Object({
        statement_id: Type.Optional(Type.Number()),
        series: Type.Optional(Type.Array(Series)),
        error: Type.Optional(Type.String()),
      }),
    ),
  ),
  error: Type.Optional(Type.String()),
});
const checkAnswer = TypeCompiler.Compile(QueryAnswer);
export type InfluxSeries = Static<typeof Series>;

/** Line protocol: measurement names escape commas and spaces. */
export function escMeasurement(s: string): string {
  return s.replace(/[, ]/g, '\\$&');
}

/**
 * Line protocol: tag keys, tag values and field keys escape commas, equals signs and spaces. A tag
 * value cannot end in a backslash in 1.x; wire ids (ID_PATTERN) never contain one.
 */
export function escTag(s: string): string {
  return s.replace(/[,= ]/g, '\\$&');
}

/** Line protocol: string field values are double-quoted; `"` and `\` are escaped. */
export function fieldString(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

export function fieldFloat(n: number): string {
  return String(n);
}

export function fieldInt(n: number): string {
  return `${Math.trunc(n)}i`;
}

/** InfluxQL string literal (tag comparisons): single-quoted, `'` and `\` escaped. */
export function qlString(s: string): string {
  return `'${s.replace(/['\\]/g, '\\$&')}'`;
}

/** InfluxQL identifier (database names): double-quoted. */
export function qlIdent(s: string): string {
  return `"${s.replace(/["\\]/g, '\\$&')}"`;
}

/** InfluxQL epoch-millisecond time literal. */
export function qlTime(ms: number): string {
  return `${Math.trunc(ms)}ms`;
}

/** Rows of one series as objects keyed by column name (tags of GROUP BY merged in). */
export function rowsOf(s: InfluxSeries): Array<Record<string, unknown>> {
  return s.values.map((v) => {
    const o: Record<string, unknown> = { ...s.tags };
    s.columns.forEach((c, i) => (o[c] = v[i]));
    return o;
  });
}

export class InfluxHttp {
  /** Sent with every request: credentials, and for a loopback InfluxDB no compression (below). */
  private readonly headers: Record<string, string> = {};

  constructor(
    readonly url: string,
    readonly database: string,
    /** An Authorization header value (basic auth), when the URL carried credentials. */
    auth?: string,
    private readonly timeoutMs = 30_000,
  ) {
    if (auth) this.headers.authorization = auth;
    // Answers from an InfluxDB on this machine come uncompressed: fetch asks for gzip by default, and
    // compressing a year of rollups costs influxd and this process more CPU than loopback bytes cost
    // (measured: zlib was the largest item of a year's evidence read). A remote one still compresses.
    if (/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url)) this.headers['accept-encoding'] = 'identity';
  }

  private async call(path: string, init: RequestInit): Promise<Response> {
    try {
      return await fetch(`${this.url}${path}`, { ...init, headers: this.headers, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
      throw new Error(
        `InfluxDB at ${this.url} did not answer (${cause}). Start InfluxDB 1.x there or pass the right --influx-url.`,
      );
    }
  }

  /** POSTs line protocol (one batch); resolves once InfluxDB has accepted it (204). */
  async write(lines: string): Promise<void> {
    const res = await this.call(`/write?db=${encodeURIComponent(this.database)}&precision=ms`, {
      method: 'POST',
      body: lines,
    });
    if (res.status !== 204) {
      const text = await res.text().catch(() => '');
      throw new Error(`InfluxDB refused a write to database "${this.database}" (HTTP ${res.status}): ${text.slice(0, 300)}`);
    }
    await res.body?.cancel().catch(() => undefined);
  }

  /** Runs InfluxQL statements (separated by `;`); returns the series of each statement. */
  async query(q: string, opts: { db?: boolean } = {}): Promise<InfluxSeries[][]> {
    const body = new URLSearchParams({ q, epoch: 'ms' });
    if (opts.db !== false) body.set('db', this.database);
    const res = await this.call('/query', { method: 'POST', body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`InfluxDB at ${this.url} answered a query with HTTP ${res.status} and no JSON: ${text.slice(0, 200)}`);
    }
    if (!checkAnswer.Check(json)) {
      throw new Error(`InfluxDB at ${this.url} answered a query in an unexpected shape; is it InfluxDB 1.x?`);
    }
    const firstError = json.error ?? json.results?.find((r) => r.error)?.error;
    if (firstError !== undefined || res.status !== 200) {
      throw new Error(`InfluxDB query failed (HTTP ${res.status}): ${firstError ?? text.slice(0, 200)}`);
    }
    return (json.results ?? []).map((r) => r.series ?? []);
  }

  async ping(): Promise<void> {
    const res = await this.call('/ping', { method: 'GET' });
    await res.body?.cancel().catch(() => undefined);
    if (res.status !== 204) throw new Error(`${this.url}/ping answered HTTP ${res.status}; is this InfluxDB 1.x?`);
  }
}
