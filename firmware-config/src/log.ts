// One logger factory for every hallmon process: pino JSON lines on stderr, level from
// HALLMON_LOG_LEVEL (default info; tests set warn). Hot paths never log per reading.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(name: string, level = process.env.HALLMON_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: false }));
}
