// The hand-written HTTP path kept beside the influx package (client.ts) where it measured clearly
// faster side by side (bench/store-influx-client.ts, docs/benchmarks.md "InfluxDB client"):
// - the evidence reads (hour rollups, minute packs, noise histograms) and the hourly recompute's
//   reads of every raw point, asked for as MessagePack, which InfluxDB 1.x (1.4 on) encodes with ~40 % less CPU
//   per row than JSON and which decodes without parsing decimal numbers (the package reads JSON
//   only), over node:http keep-alive with the body read straight into Buffers;
// - line protocol the store formats itself (readings in bulk, and events and alarms, whose free
//   text the package's escaper would alter: points.ts) POSTed as one body.
// Answers are checked against the same schema as the package's (influxql.ts).
import * as msgpack from '@msgpack/msgpack';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';
import { seriesOf, type InfluxReader, type InfluxSeries } from './influxql.ts';

/** One HTTP answer, body read whole (InfluxDB 1.x answers a query in one piece). */
interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
}

export class MsgpackHttp implements InfluxReader {
  /** Sent with every request: credentials, and the answer encoding (below). */
  private readonly headers: Record<string, string> = {};
  /** The headers plus the answer format queries ask for (see query). */
  private readonly queryHeaders: Record<string, string>;
  private readonly lib: typeof http | typeof https;
  /** Keep-alive connections: an evidence pack makes a few hundred requests. */
  private readonly agent: http.Agent;

  constructor(
    readonly url: string,
    readonly database: string,
    /** An Authorization header value (basic auth), when the URL carried credentials. */
    auth?: string,
    private readonly timeoutMs = 30_000,
  ) {
    if (auth) this.headers.authorization = auth;
    // An InfluxDB on this machine answers uncompressed: compressing a year of rollups costs influxd
    // and this process more CPU than loopback bytes cost (measured: zlib was the largest item of a
    // year's evidence read). A remote one is asked for gzip.
    if (!/^https?:\/\/(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?(\/|$)/i.test(url))
      this.headers['accept-encoding'] = 'gzip';
    // InfluxDB 1.x matches Accept exactly (a list or q-values get JSON): name the one format.
    this.queryHeaders = { ...this.headers, accept: 'application/x-msgpack' };
    this.lib = url.startsWith('https:') ? https : http;
    this.agent = new this.lib.Agent({ keepAlive: true, maxSockets: 16 });
  }

  /**
   * One request on node:http (its body read straight into Buffers: fetch's web streams cost more
   * CPU than decoding the answer did). Network failures name the URL and the fix.
   */
  private call(
    path: string,
    method: 'GET' | 'POST',
    body: string | undefined,
    headers = this.headers,
  ): Promise<Answer> {
    const url = this.url;
    return new Promise<Answer>((resolve, reject) => {
      const fail = (err: Error & { code?: string }): void =>
        reject(
          new Error(
            `InfluxDB at ${url} did not answer (${err.code ?? err.message}). Start InfluxDB 1.x there or pass the right --influx-url.`,
          ),
        );
      const h: Record<string, string | number> = { ...headers };
      if (body !== undefined) h['content-length'] = Buffer.byteLength(body);
      if (path.startsWith('/query')) h['content-type'] = 'application/x-www-form-urlencoded';
      const req = this.lib.request(
        `${url}${path}`,
        { method, headers: h, agent: this.agent, timeout: this.timeoutMs },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', fail);
          res.on('end', () => {
            const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
            const done = (b: Buffer) =>
              resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: b });
            if (res.headers['content-encoding'] !== 'gzip') return done(raw);
            zlib.gunzip(raw, (err, b) =>
              err
                ? reject(new Error(`InfluxDB at ${url} sent a gzip answer that does not inflate: ${err.message}`))
                : done(b),
            );
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer in ${this.timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', fail);
      req.end(body);
    });
  }

  /** Closes the idle keep-alive connections (the store's close()). */
  close(): void {
    this.agent.destroy();
  }

  /** POSTs line protocol (one batch, lines joined by "\n"); resolves once InfluxDB has accepted it (204). */
  async write(lines: string): Promise<void> {
    const res = await this.call(`/write?db=${encodeURIComponent(this.database)}&precision=ms`, 'POST', lines);
    if (res.status !== 204) {
      throw new Error(
        `InfluxDB refused a write to database "${this.database}" (HTTP ${res.status}): ${res.body.toString('utf8').slice(0, 300)}`,
      );
    }
  }

  /**
   * Runs InfluxQL statements (separated by `;`) and answers the series of each (MessagePack,
   * measured on 1.6: 1.7 vs 2.9 µs of influxd CPU a raw point against JSON); a server that answers
   * JSON anyway is read as JSON (by the answer's Content-Type).
   */
  async query(q: string): Promise<InfluxSeries[][]> {
    const body = new URLSearchParams({ q, epoch: 'ms', db: this.database });
    const res = await this.call('/query', 'POST', body.toString(), this.queryHeaders);
    const bytes = res.body;
    const packed = /^application\/x-msgpack/i.test(res.contentType);
    let answer: unknown;
    try {
      answer = packed ? msgpack.decode(bytes) : JSON.parse(bytes.toString('utf8'));
    } catch {
      throw new Error(
        `InfluxDB at ${this.url} answered a query with HTTP ${res.status} and nothing readable: ${bytes.subarray(0, 200).toString('utf8')}`,
      );
    }
    return seriesOf(answer, this.url, res.status, bytes.length);
  }
}
