// Where the site configuration comes from at start (docs/contract.md "Site configuration on the
// server"). The store (config.db, or the group's PostgreSQL state) is the one source once it has
// anything:
// - an empty store (first start) is seeded with the site files given (--config FILE..., or sites a
//   caller loaded) or else the shipped ones;
// - after that a --config file is imported again only when its content changed since it was last
//   imported (its SHA-256 is remembered): editing a file under version control and restarting takes
//   effect, while restarting with the same file leaves changes made from the dashboard alone;
// - the shipped files are never read again.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, DATA_DIR, readDataFile, type LoadedSite, type Logger } from '@hallmon/firmware-config';
import type { ConfigEditor } from './config-editor.ts';

export interface SeedSources {
  /** Files named on the command line (--config); they are imported when new or changed. */
  files?: string[];
  /** Sites already loaded by the caller (tests, the demo): used only to seed an empty store. */
  sites?: ReadonlyMap<string, LoadedSite>;
}

export interface SeedResult {
  seeded: string[];
  imported: string[];
  unchanged: string[];
}

export async function seedConfig(editor: ConfigEditor, src: SeedSources, log: Logger): Promise<SeedResult> {
  const store = editor.store;
  const out: SeedResult = { seeded: [], imported: [], unchanged: [] };
  const files = src.files ?? [];
  // Seeding is one transaction that looks again whether the store is empty: of several servers
  // starting at once on one PostgreSQL state, one seeds and the others find its sites.
  const seeded = await store.transaction(async (tx) => {
    if (!(await tx.isEmpty())) return false;
    const e = editor.within(tx);
    const problems: ConfigError['problems'] = [];
    const seed = async (value: unknown, where: string) => {
      try {
        const v = await e.import(value, where, 'system', 'seed', { note: `first start: from ${where}` });
        if (v) out.seeded.push(v.site);
      } catch (err) {
        if (err instanceof ConfigError) problems.push(...err.problems);
        else throw err;
      }
    };
    if (!files.length && src.sites?.size) {
      for (const s of src.sites.values()) {
        const { file, ...config } = s;
        await seed(config, file);
      }
    } else {
      for (const file of files.length ? files : shippedSiteFiles()) {
        await seed(readDataFile(file), file);
        await tx.markImported(file, sha256(file));
      }
    }
    if (problems.length) throw new ConfigError(problems);
    const ids = out.seeded;
    if (new Set(ids).size !== ids.length)
      throw new ConfigError([
        { file: files.join(', '), path: '/id', message: 'two site files define the same site id' },
      ]);
    return true;
  });
  if (seeded) {
    log.info({ sites: out.seeded, store: store.where }, 'configuration store created from the site files');
    return out;
  }
  for (const file of files) {
    const hash = sha256(file);
    if ((await store.importedHash(file)) === hash) {
      out.unchanged.push(file);
      continue;
    }
    const v = await editor.import(readDataFile(file), file, 'system', 'import', { note: `--config ${file}` });
    await store.markImported(file, hash);
    if (v) out.imported.push(`${v.site} v${v.version}`);
    else out.unchanged.push(file);
  }
  if (files.length)
    log.info(
      { imported: out.imported, unchanged: out.unchanged.length },
      'site files given with --config: changed ones imported as new versions; the store keeps everything else',
    );
  return out;
}

function shippedSiteFiles(): string[] {
  const dir = join(DATA_DIR, 'sites');
  return readdirSync(dir)
    .filter((f) => /\.(json|ya?ml)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
