// Where this hallmon is installed and how it was built. From the TypeScript sources (tsx, vitest)
// the install root is the checkout; from a bundle (bin/build.js) the build defines
// __HALLMON_BUILD__ with the version, the build time and commit, and the path from the bundle's
// folder back to the root. Shipped data (firmware-config/), the dashboard (dashboard/dist) and the
// command itself (bin/hallmon.js) are found from here, never from a module's own URL, which in a
// bundle is the bundle's.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BuildInfo {
  version: string;
  /** ISO time of the build. */
  builtAt: string;
  commit: string | null;
  /** From the bundle's folder to the install root. */
  root: string;
}

declare const __HALLMON_BUILD__: BuildInfo | undefined;

/** The build this code was bundled by; null when it runs from the TypeScript sources. */
export const BUILD: BuildInfo | null = typeof __HALLMON_BUILD__ === 'undefined' ? null : __HALLMON_BUILD__;

/** The folder with bin/, firmware-config/ and dashboard/: the checkout, or the unpacked release. */
export const INSTALL_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), BUILD ? BUILD.root : '../..');

/** The product version (the root package.json's). */
export const VERSION: string =
  BUILD?.version ??
  (JSON.parse(readFileSync(join(INSTALL_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** `hallmon --version`: the version, and the build it runs from. */
export function versionLine(): string {
  return BUILD
    ? `${VERSION} (built ${BUILD.builtAt}${BUILD.commit ? `, commit ${BUILD.commit}` : ''})`
    : `${VERSION} (from the TypeScript sources)`;
}
