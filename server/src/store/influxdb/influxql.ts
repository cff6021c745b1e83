// What both InfluxDB clients of the store share: the shape of a /query answer (checked against a
// TypeBox schema before use, whichever client fetched it), the reader interface the store's
// queries go through, and InfluxQL literals. The influx package's own InfluxQL string escaper
// (escape.stringLit) leaves backslashes alone, which InfluxQL 1.x rejects as a bad escape (a tag
// value holding `\x` could not be selected), so literals are formed here.
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

/** Runs InfluxQL statements (separated by `;`) and answers the series of each, in order. */
export interface InfluxReader {
  query(q: string): Promise<InfluxSeries[][]>;
}

/**
 * The series of each statement of a decoded /query answer, or an error naming the server and what
 * InfluxDB said (an error of any statement fails the whole call, as a failed SQL statement would).
 */
export function seriesOf(answer: unknown, url: string, status: number, bytes: number): InfluxSeries[][] {
  if (!checkAnswer.Check(answer)) {
    throw new Error(`InfluxDB at ${url} answered a query in an unexpected shape; is it InfluxDB 1.x?`);
  }
  const firstError = answer.error ?? answer.results?.find((r) => r.error)?.error;
  if (firstError !== undefined || status !== 200) {
    throw new Error(
      `InfluxDB query failed (HTTP ${status}): ${firstError ?? `answer of ${bytes} bytes without an error text`}`,
    );
  }
  return (answer.results ?? []).map((r) => r.series ?? []);
}

/** InfluxQL string literal (tag comparisons): single-quoted, `'` and `\` escaped. */
export function qlString(s: string): string {
  return `'${s.replace(/['\\]/g, '\\$&')}'`;
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

/** Posts line protocol the store formats itself (lines joined by "\n"). */
export interface LineWriter {
  write(lines: string): Promise<void>;
}
