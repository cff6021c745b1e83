// Duties with one server: it owns every site and the server-wide duties, always (DutyLeases with
// nobody to share with; the SQLite state backend hands it out).
import type { DutyLeases } from './state.ts';

export class LocalLeases implements DutyLeases {
  readonly me = 'local';

  constructor(private sites: readonly string[]) {}

  setSites(sites: readonly string[]): void {
    this.sites = [...sites];
  }

  owns(): boolean {
    return true;
  }

  owned(): string[] {
    return [...new Set([...this.sites, '*'])];
  }

  onChange(): void {
    // Nothing is ever gained or lost.
  }

  async dead(): Promise<string[]> {
    return [];
  }

  async lapsed(): Promise<string[]> {
    return [];
  }

  async forget(): Promise<void> {}

  async start(): Promise<void> {}

  async stop(): Promise<void> {}
}
