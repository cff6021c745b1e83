// A small JSON snapshot on disk, written atomically (temporary file, then rename) so that a crash or
// kill -9 mid-write leaves the previous snapshot whole. The rule runtimes of the edge and the server
// keep their state in one; it satisfies the rules package's StateStore.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

export class JsonStateFile {
  constructor(readonly where: string) {}

  /** The parsed snapshot, or undefined when there is no file yet; throws on a file it cannot parse. */
  load(): unknown {
    if (!existsSync(this.where)) return undefined;
    return JSON.parse(readFileSync(this.where, 'utf8')) as unknown;
  }

  save(snapshot: unknown): void {
    const tmp = `${this.where}.tmp`;
    writeFileSync(tmp, JSON.stringify(snapshot));
    renameSync(tmp, this.where);
  }

  /** Renames an unreadable file to `<file>.bad-<ms>` (kept for a person to look at) and says where. */
  setAside(): string {
    const aside = `${this.where}.bad-${Date.now()}`;
    renameSync(this.where, aside);
    return aside;
  }
}
