// pino-roll ships no types: the part log.ts uses (the factory of a rotating SonicBoom stream).
declare module 'pino-roll' {
  import type { DestinationStream } from 'pino';
  interface PinoRollOptions {
    file: string;
    size?: string | number;
    frequency?: string | number;
    extension?: string;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
    symlink?: boolean;
    dateFormat?: string;
    mkdir?: boolean;
    sync?: boolean;
  }
  export default function roll(
    opts: PinoRollOptions,
  ): Promise<DestinationStream & { flushSync(): void; flush(cb?: () => void): void; end(): void }>;
}
