// Runs `hallmon edge` from a prebuilt esbuild bundle with plain node instead of through tsx: the tsx
// loader (a second V8 isolate on its own thread) and on-the-fly TypeScript cost the edge a good part
// of its resident memory (docs/benchmarks.md, "Edge agent"). The bundle is rebuilt whenever it is
// missing or older than any source it is built from, so nobody ever runs stale code.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
/**
 * Under node_modules/ (gitignored, one per checkout, gone with a clean install). HALLMON_EDGE_BUNDLE
 * moves it (tests); it must stay inside the checkout so the external packages below resolve from it.
 */
export const BUNDLE = process.env.HALLMON_EDGE_BUNDLE
  ? resolve(process.env.HALLMON_EDGE_BUNDLE)
  : join(REPO, 'node_modules', '.cache', 'hallmon', 'edge.mjs');
const ENTRY = join(REPO, 'edge', 'src', 'main.ts');
/**
 * What the bundle is built from: our sources, this builder, and npm's record of the installed
 * packages (rewritten by every npm install, so upgraded dependencies are bundled again too).
 */
const SOURCES = [
  join(REPO, 'edge', 'src'),
  join(REPO, 'rules', 'src'),
  join(REPO, 'firmware-config', 'src'),
  fileURLToPath(import.meta.url),
  join(REPO, 'node_modules', '.package-lock.json'),
];
/**
 * Left to node at run time: native addons (located next to their package by bindings/node-gyp-build,
 * which cannot work from inside a bundle) and the serialport family that loads them.
 */
const EXTERNAL = ['better-sqlite3', 'serialport', '@serialport/*'];

/** Newest mtime (ms) of the sources; a few ms for a few dozen files. */
function newestSource() {
  let newest = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return; // a file deleted while we look, or no .package-lock.json (npm < 7)
    }
    if (st.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
    else if (st.mtimeMs > newest) newest = st.mtimeMs;
  };
  for (const s of SOURCES) visit(s);
  return newest;
}

function bundleMtime() {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return -1;
  }
}

/** Builds the bundle if it is missing or stale; returns true when it built. */
export function ensureEdgeBundle() {
  const newest = newestSource();
  if (bundleMtime() >= newest) return false;
  // buildSync, not build: the async API keeps esbuild's service process (~70 MB) running until exit.
  const result = requireFromHere('esbuild').buildSync({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    // Bundled CommonJS (modbus-serial, mqtt's dependencies, pino) require()s externals and builtins.
    banner: {
      js: "import { createRequire as __hmCreateRequire } from 'node:module'; const require = __hmCreateRequire(import.meta.url);",
    },
    // Plain node keeps the whole bundle source as a heap string for the life of the process: without
    // whitespace and comments it is half the size, and ASCII-only it is one byte per character.
    // Identifiers keep their names, so stack traces still name our functions.
    minifyWhitespace: true,
    minifySyntax: true,
    charset: 'ascii',
    legalComments: 'none',
    logLevel: 'silent',
  });
  mkdirSync(dirname(BUNDLE), { recursive: true });
  // Temp file + rename: two edges starting at once each write their own file, and rename is atomic.
  const tmp = `${BUNDLE}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, result.outputFiles[0].contents);
    // Stamped with the newest source seen before building (rounded up to the millisecond utimes
    // keeps): a file saved during the build is newer than the bundle and triggers the next rebuild.
    const at = Math.ceil(newest) / 1000;
    utimesSync(tmp, at, at);
    renameSync(tmp, BUNDLE);
  } finally {
    rmSync(tmp, { force: true });
  }
  return true;
}

/** Why the build failed, in the user's terms: esbuild's located errors, or the exception. */
function buildFailure(err) {
  const detail =
    Array.isArray(err?.errors) && err.errors.length
      ? err.errors
          .map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`)
          .join('\n')
      : `  ${err?.message ?? String(err)}`;
  return (
    `hallmon edge: could not build the edge bundle ${BUNDLE}:\n${detail}\n` +
    'Fix the source (or run npm install if esbuild is missing); HALLMON_EDGE_FROM_SOURCE=1 runs the edge through tsx instead.\n'
  );
}

/** `hallmon edge ARGS` from the bundle; resolves with the exit code. */
export async function runEdge(argv) {
  if (bundleMtime() < newestSource()) {
    // Built in a child process: esbuild's JS and a megabyte of output would otherwise stay in the
    // edge's own heap, which V8 grows for them and never hands back (about 20 MB for months).
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--build'], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (r.status !== 0) {
      if (r.error) process.stderr.write(buildFailure(r.error));
      return 1;
    }
  }
  const { main } = await import(pathToFileURL(BUNDLE).href);
  return main(argv);
}

// `node bin/edge-bundle.js --build`: what runEdge spawns (and a way to prebuild, e.g. in an image).
if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === '--build') {
  try {
    ensureEdgeBundle();
  } catch (err) {
    process.stderr.write(buildFailure(err));
    process.exitCode = 1;
  }
}
