// One logger factory for every hallmon process (docs/operations.md, "Logs"): pino JSON lines, one
// object per line, on stderr, or in rotating files (pino-roll) when a command is given --log-file.
// The level comes from HALLMON_LOG_LEVEL (default info; tests set warn) and changes while running
// (setLogLevel: SIGUSR2, the server's admin API, the edge's health port), for every logger and child
// already made. Every line passes one scrubber on its way out, so a password, token or webhook key
// never reaches a log whatever code logged it: values of secret-named keys, credentials in URLs,
// secret query parameters, bearer tokens and signed tokens become "[redacted]". Hot paths never log
// per reading.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { intFlag, UsageError, type FlagSpec, type ParsedFlags } from './cli-args.ts';

export type { Logger };

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(v: unknown): v is LogLevel {
  return typeof v === 'string' && (LOG_LEVELS as readonly string[]).includes(v);
}

const REDACTED = '[redacted]';
const SECRET_KEYS = 'password|passwd|pass|secret|token|accessToken|access_token|authorization|cookie|brokerPassword';
const SCRUBS: Array<[RegExp, string]> = [
  // "password":"…" anywhere in the JSON line (any depth, any logger)
  [new RegExp(`("(?:${SECRET_KEYS})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi'), `$1"${REDACTED}"`],
  // scheme://user:password@host
  [/([a-z][a-z0-9+.-]*:\/\/[^\s:/@"]*):[^\s@/"]+@/gi, `$1:${REDACTED}@`],
  // ?key=… &token=… (webhook robot keys, signed URLs)
  [/([?&](?:key|token|access_token|secret|password|sign|signature)=)[^&\s"#]+/gi, `$1${REDACTED}`],
  // Authorization: Bearer …
  [/(Bearer\s+)[A-Za-z0-9._~+/=-]+/g, `$1${REDACTED}`],
  // signed tokens (JWT-shaped: three base64url parts, the first a JSON header)
  [/eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, REDACTED],
];

/** The line with every secret replaced (exported for the test that proves it). */
export function scrubSecrets(line: string): string {
  let out = line;
  for (const [re, to] of SCRUBS) out = out.replace(re, to);
  return out;
}

/** A destination that scrubs each line before the real one writes it. */
function scrubbing(dest: DestinationStream & { flushSync?: () => void; flush?: (cb?: () => void) => void }) {
  return {
    write: (line: string) => dest.write(scrubSecrets(line)),
    flush: (cb?: () => void) => (dest.flush ? dest.flush(cb) : cb?.()),
    flushSync: () => dest.flushSync?.(),
  };
}

let destination: ReturnType<typeof scrubbing> | undefined;
let level: LogLevel = isLogLevel(process.env.HALLMON_LOG_LEVEL) ? process.env.HALLMON_LOG_LEVEL : 'info';
/** Every logger made here and every child of one, weakly held, with the quietest level it allows. */
const loggers = new Set<WeakRef<Logger>>();
const floors = new WeakMap<Logger, Level>();
let added = 0;

function track(l: Logger, floor?: Level): void {
  if (floor) floors.set(l, floor);
  loggers.add(new WeakRef(l));
  // Request loggers come and go: drop the collected ones now and then.
  if (++added % 1000 === 0) for (const r of loggers) if (!r.deref()) loggers.delete(r);
}

const RANK: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: 100 };

/** `base` for a logger without a floor; its floor when that is quieter and base is not debug or trace. */
function levelFor(l: Logger, base: LogLevel): LogLevel {
  const floor = floors.get(l);
  return floor && RANK[floor] > RANK[base] && RANK[base] > RANK.debug ? floor : base;
}

/**
 * Sends what loggers made from now on write to rotating files instead of stderr (pino-roll, in this
 * thread): `file` plus a number (server.1.log, server.2.log …), a new file every day or hour or at
 * a size ('20m'), the newest `keep` kept beside the current one.
 */
export async function logToFiles(opts: { file: string; rotate?: string; keep?: number }): Promise<void> {
  const { default: roll } = await import('pino-roll');
  mkdirSync(dirname(resolve(opts.file)), { recursive: true });
  const rotate = opts.rotate ?? 'daily';
  const bySize = /^\d+(\.\d+)?[kmg]?$/i.test(rotate);
  const stream = await roll({
    file: opts.file,
    mkdir: true,
    ...(bySize ? { size: rotate } : { frequency: rotate }),
    limit: { count: opts.keep ?? 14 },
    extension: '.log',
    symlink: true,
    // Synchronous writes: with pino-roll's asynchronous stream a burst of lines can leave the size
    // rotation waiting for a 'drain' that never comes (measured: it rotated once, then never again).
    // Logs are not on the per-reading path, so a synchronous append costs nothing that matters.
    sync: true,
  });
  destination = scrubbing(stream);
}

/** The logging flags of long-running commands (server, edge), for their CommandSpec. */
export const LOG_FLAGS: Record<string, FlagSpec> = {
  'log-level': {
    type: 'string',
    arg: 'LEVEL',
    help: 'fatal, error, warn, info, debug or trace; changes while running with SIGUSR2 (debug and back)',
    default: 'info',
  },
  'log-file': {
    type: 'string',
    arg: 'FILE',
    help: 'write JSON-lines logs to rotating files FILE.N.log instead of stderr',
  },
  'log-rotate': {
    type: 'string',
    arg: 'WHEN',
    help: 'with --log-file: daily, hourly or a size such as 50m',
    default: 'daily',
  },
  'log-keep': { type: 'string', arg: 'N', help: 'with --log-file: rotated files kept', default: '14' },
};

/**
 * Applies the LOG_FLAGS of a parsed command before its first logger is made: the level, and files
 * instead of stderr. Throws a UsageError naming the flag when a value cannot be used.
 */
export async function setUpLogging(flags: ParsedFlags): Promise<void> {
  const lvl = flags['log-level'];
  if (lvl !== undefined && !isLogLevel(lvl))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${String(lvl)}")`);
  if (lvl !== undefined) setLogLevel(lvl);
  const file = flags['log-file'];
  if (typeof file !== 'string' || file === '') return;
  const rotate = typeof flags['log-rotate'] === 'string' ? flags['log-rotate'] : 'daily';
  if (!/^(daily|hourly|\d+(\.\d+)?[kmg]?)$/i.test(rotate))
    throw new UsageError(`--log-rotate must be daily, hourly or a size such as 50m (got "${rotate}")`);
  const keep = intFlag(flags, 'log-keep', 1, 1000) ?? 14;
  try {
    await logToFiles({ file, rotate, keep });
  } catch (err) {
    throw new UsageError(`--log-file: cannot write ${file}: ${(err as Error).message}`);
  }
}

export function createLogger(name: string, lvl?: string): Logger {
  const start = isLogLevel(lvl) ? lvl : level;
  const root = pino(
    {
      name,
      level: start,
      base: { pid: process.pid },
      // pino calls this with the parent as `this`: a child keeps its parent's floor.
      onChild(this: Logger, child: Logger) {
        track(child, floors.get(this));
      },
    },
    destination ?? scrubbing(pino.destination({ fd: 2, sync: false })),
  );
  track(root);
  return root;
}

/**
 * A child that stays at `floor` (e.g. warn for per-request HTTP lines) while the process level is
 * info or quieter, and follows the process level down to debug and trace.
 */
export function quietChild(parent: Logger, bindings: Record<string, unknown>, floor: Level): Logger {
  const child = parent.child(bindings);
  floors.set(child, floor);
  child.level = levelFor(child, isLogLevel(parent.level) ? parent.level : level);
  return child;
}

/** The level loggers are at now (the process-wide one). */
export function logLevel(): LogLevel {
  return level;
}

/** Sets every logger of the process, and every child already made, to `next`. */
export function setLogLevel(next: LogLevel): void {
  level = next;
  for (const r of loggers) {
    const l = r.deref();
    if (!l) loggers.delete(r);
    else l.level = levelFor(l, next);
  }
}

/**
 * SIGUSR2 switches between debug and the level the process started with (POSIX only; on Windows
 * use the server's admin API or the edge's health port). Returns the remover.
 */
export function levelOnSignal(log: Logger): () => void {
  if (process.platform === 'win32') return () => undefined;
  const base = level;
  const onSignal = () => {
    const next: LogLevel = level === 'debug' ? base : 'debug';
    setLogLevel(next);
    log.warn({ level: next }, `log level now ${next} (SIGUSR2 switches between debug and ${base})`);
  };
  process.on('SIGUSR2', onSignal);
  return () => process.off('SIGUSR2', onSignal);
}
