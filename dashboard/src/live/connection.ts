// The socket.io link (contract: same port, `auth: { token }`, `emit('subscribe', { site })`). It
// re-subscribes on every (re)connect, feeds messages through a per-frame coalescer into the
// LiveStore, and reports the connection state for the "连接已断开" banner. An auth failure means
// the token is no longer valid: the session is dropped and the app shows login.
import { io, type Socket } from 'socket.io-client';
import { FrameCoalescer } from '../lib/coalesce.ts';
import type { Alarm } from '@hallmon/contract';
import type { LiveMessage, LiveStore } from './live-store.ts';
import { isAlarm, isLiveEvent, isLiveReading, isLiveStatus } from './guards.ts';

export interface LiveOptions {
  token: string;
  sites: readonly string[];
  store: LiveStore;
  onCritical: (alarms: Alarm[]) => void;
  onUnauthorized: () => void;
}

export class LiveConnection {
  private socket: Socket | undefined;
  private coalescer: FrameCoalescer<LiveMessage> | undefined;
  private sites: readonly string[];
  /** Malformed live messages dropped; counted rather than logged per message. */
  rejected = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: LiveOptions) {
    this.sites = opts.sites;
  }

  start(): void {
    const { store } = this.opts;
    this.coalescer = new FrameCoalescer<LiveMessage>((batch) => {
      const fresh = store.apply(batch);
      if (fresh.length) this.opts.onCritical(fresh);
    });
    store.setConn('connecting');
    const socket = io({
      path: '/socket.io',
      auth: { token: this.opts.token },
      transports: ['websocket', 'polling'],
      reconnectionDelay: 1000,
      reconnectionDelayMax: 10_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      store.setConn('connected');
      this.subscribe(this.sites);
    });
    socket.on('disconnect', (reason) => {
      store.setConn('reconnecting');
      // A server that shuts down disconnects its clients itself ("io server disconnect"); socket.io
      // does not retry after that on its own, but a restarted server should get its dashboards back.
      if (reason === 'io server disconnect') this.retry = setTimeout(() => this.socket?.connect(), 1000);
    });
    socket.on('connect_error', (err: Error) => {
      if (/unauthori[sz]ed/i.test(err.message)) {
        this.opts.onUnauthorized();
        return;
      }
      store.setConn('reconnecting');
    });
    const push = (m: LiveMessage) => this.coalescer?.push(m);
    const bad = () => {
      this.rejected++;
    };
    socket.on('reading', (data: unknown) => (isLiveReading(data) ? push({ kind: 'reading', data }) : bad()));
    socket.on('event', (data: unknown) => (isLiveEvent(data) ? push({ kind: 'event', data }) : bad()));
    socket.on('status', (data: unknown) => (isLiveStatus(data) ? push({ kind: 'status', data }) : bad()));
    socket.on('alarm', (data: unknown) => (isAlarm(data) ? push({ kind: 'alarm', data }) : bad()));
  }

  /** Changes the subscribed sites (the site list arrived or changed). */
  setSites(sites: readonly string[]): void {
    const added = sites.filter((s) => !this.sites.includes(s));
    const removed = this.sites.filter((s) => !sites.includes(s));
    this.sites = sites;
    if (!this.socket?.connected) return;
    this.subscribe(added);
    for (const site of removed) this.socket.emit('unsubscribe', { site });
  }

  private subscribe(sites: readonly string[]): void {
    for (const site of sites) this.socket?.emit('subscribe', { site });
  }

  stop(): void {
    clearTimeout(this.retry);
    this.coalescer?.stop();
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = undefined;
    this.opts.store.setConn('idle');
  }
}
