// Shared pieces of the alarm tests: a webhook receiver (plain node:http on 127.0.0.1) that records
// every body and can fail the first N posts, and demo-site variants with notification routes
// pointing at it.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadProfiles, loadSites, type LoadedSite, type NotificationRoute } from '@hallmon/firmware-config';
import { DEMO_SITE_FILE } from '../helpers/server-process.ts';

export interface Hit {
  path: string;
  query: URLSearchParams;
  body: any;
  at: number;
}

export interface Receiver {
  url: string;
  hits: Hit[];
  /** Posts to answer 500 before answering 200 (per path). */
  failFirst: Map<string, number>;
  stop(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = [];
  const failFirst = new Map<string, number>();
  const server: Server = createServer((req: IncomingMessage, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const left = failFirst.get(u.pathname) ?? 0;
      if (left > 0) {
        failFirst.set(u.pathname, left - 1);
        res.writeHead(500).end('try later');
        return;
      }
      hits.push({ path: u.pathname, query: u.searchParams, body: JSON.parse(data), at: Date.now() });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
    });
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    failFirst,
    stop: () => {
      server.closeAllConnections();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Routes like a real hall: machine room to the network administrator's WeCom robot, hall to the hall manager's DingTalk robot, all to a generic receiver. */
export function routes(base: string): NotificationRoute[] {
  return [
    {
      id: 'netadmin-wecom',
      url: `${base}/wecom?key=SECRET-KEY-1`,
      format: 'wecom',
      zoneKinds: ['machine-room', 'archive-room'],
    },
    {
      id: 'hall-dingtalk',
      url: `${base}/dingtalk?access_token=SECRET-TOKEN`,
      format: 'dingtalk',
      secret: 'SEC-test-secret',
      zoneKinds: ['hall'],
    },
    { id: 'all-generic', url: `${base}/generic`, format: 'generic' },
  ];
}

/** The shipped demo site (a fresh copy) with changes. */
export function demoWith(change: Partial<LoadedSite>): Map<string, LoadedSite> {
  const demo = structuredClone(loadSites([DEMO_SITE_FILE], loadProfiles()).get('demo')!);
  return new Map([['demo', { ...demo, ...change }]]);
}
