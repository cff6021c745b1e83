// The edge's local health endpoint on 127.0.0.1: `GET /health` returns what an installer or a
// monitoring probe needs to see at a glance (uplink, outbox depth, each device, counters),
// `GET /metrics` the same and more for Prometheus (metrics.ts), and `PUT /log-level?level=debug`
// changes the log level without a restart (where SIGUSR2 does not exist: Windows).
// Loopback only: it carries device ids and counts, nothing to expose on the hall network.
import { createServer, type Server } from 'node:http';
import { isLogLevel, setLogLevel } from '@hallmon/firmware-config';

export interface HealthServerOptions {
  port: number;
  host?: string;
  report: () => unknown;
  metrics?: () => Promise<{ contentType: string; text: string }>;
}

export class HealthServer {
  private server: Server | undefined;
  private boundPort = 0;

  constructor(private readonly opts: HealthServerOptions) {}

  get port(): number {
    return this.boundPort;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname;
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(body));
      };
      if (req.method === 'GET' && path === '/metrics' && this.opts.metrics) {
        this.opts.metrics().then(
          (m) => {
            res.writeHead(200, { 'content-type': m.contentType });
            res.end(m.text);
          },
          (err: Error) => json(500, { error: err.message }),
        );
        return;
      }
      if (req.method === 'PUT' && path === '/log-level') {
        const level = url.searchParams.get('level');
        if (!isLogLevel(level))
          return json(400, { error: 'level: give ?level=fatal|error|warn|info|debug|trace|silent' });
        setLogLevel(level);
        return json(200, { level });
      }
      if (req.method !== 'GET' || (path !== '/health' && path !== '/')) {
        json(404, { error: 'not found: try GET /health, GET /metrics or PUT /log-level?level=debug' });
        return;
      }
      let body: string;
      try {
        body = JSON.stringify(this.opts.report());
      } catch (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: (err as Error).message }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(body);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) =>
        reject(
          new Error(
            err.code === 'EADDRINUSE'
              ? `health port ${this.opts.port} is already in use on 127.0.0.1: choose another healthPort (or --health-port)`
              : `cannot open the health endpoint on port ${this.opts.port}: ${err.message}`,
          ),
        ),
      );
      server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.opts.port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
