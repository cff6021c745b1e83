// The edge's local health endpoint: `GET /health` on 127.0.0.1 returns what an installer or a
// monitoring probe needs to see at a glance (uplink, outbox depth, each device, counters).
// Loopback only: it carries device ids and counts, nothing to expose on the hall network.
import { createServer, type Server } from 'node:http';

export interface HealthServerOptions {
  port: number;
  host?: string;
  report: () => unknown;
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
      const path = (req.url ?? '/').split('?')[0];
      if (req.method !== 'GET' || (path !== '/health' && path !== '/')) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'not found: try GET /health' }));
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
