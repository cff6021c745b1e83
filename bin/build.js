// The release build: every workspace's TypeScript compiled to JavaScript by esbuild, so `hallmon`
// runs plain node with no TypeScript loader (tsx) in production, plus the dashboard (vite).
//   dist/hallmon.mjs  every command (bin/cli.ts and the workspaces it loads), one file
//   dist/edge.mjs     `hallmon edge` alone, small and ASCII-only for a hall PC (docs/benchmarks.md, "Edge agent")
//   dashboard/dist/   the dashboard the server serves
// Each is rebuilt when it is missing or older than any source it is built from, so a checkout never
// runs stale code: `npm install` builds all three (the `prepare` script), `bin/hallmon.js` rebuilds a
// stale bundle before it runs it, and `npm run build` / `node bin/build.js --all` builds by hand.
// A packed release (bin/release.js) carries the bundles and no sources, and is never rebuilt.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const requireFromHere = createRequire(import.meta.url);
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SELF = fileURLToPath(import.meta.url);
/** npm's record of the installed packages: rewritten by every npm install, so upgrades rebuild. */
const LOCK = join(ROOT, 'node_modules', '.package-lock.json');
const src = (ws) => join(ROOT, ws, 'src');

/**
 * Left to node at run time, resolved from node_modules beside the bundle: native addons (found next
 * to their package by bindings / node-gyp-build, impossible from inside a bundle), pdfkit (reads its
 * font metrics from files beside its code), the CJK font (a file path), and the optional native
 * helpers of ws that it requires inside try/catch.
 */
export const EXTERNAL = [
  'better-sqlite3',
  'serialport',
  '@serialport/*',
  'pdfkit',
  '@expo-google-fonts/*',
  'bufferutil',
  'utf-8-validate',
];

/** The JavaScript targets; `out` is where the bundle goes (HALLMON_EDGE_BUNDLE moves the edge's, for tests). */
export const TARGETS = {
  cli: {
    entry: join(ROOT, 'bin', 'cli.ts'),
    out: join(ROOT, 'dist', 'hallmon.mjs'),
    sources: [
      ...['firmware-config', 'rules', 'contract', 'edge', 'simulators', 'server', 'demo'].map(src),
      join(ROOT, 'bin', 'cli.ts'),
      SELF,
      LOCK,
    ],
  },
  edge: {
    entry: join(ROOT, 'edge', 'src', 'main.ts'),
    out: process.env.HALLMON_EDGE_BUNDLE ? resolve(process.env.HALLMON_EDGE_BUNDLE) : join(ROOT, 'dist', 'edge.mjs'),
    sources: [src('edge'), src('rules'), src('firmware-config'), SELF, LOCK],
  },
};

const DASHBOARD = {
  out: join(ROOT, 'dashboard', 'dist', 'index.html'),
  sources: [
    join(ROOT, 'dashboard', 'src'),
    join(ROOT, 'dashboard', 'index.html'),
    join(ROOT, 'dashboard', 'vite.config.ts'),
    src('contract'),
    src('rules'),
    src('firmware-config'),
    LOCK,
  ],
};

/** True in a checkout (sources present); false in a packed release, which is never rebuilt. */
export const IS_CHECKOUT = existsSync(join(ROOT, 'edge', 'src', 'main.ts'));

/** Newest mtime (ms) under the given files and folders; a few ms for the whole tree. */
function newest(paths) {
  let max = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return; // deleted while we look, or no .package-lock.json (npm < 7)
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p))
        if (name !== 'node_modules' && !name.endsWith('.test.ts')) visit(join(p, name));
    } else if (st.mtimeMs > max) max = st.mtimeMs;
  };
  for (const p of paths) visit(p);
  return max;
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

/** Whether a target (cli, edge, dashboard) is missing or older than a source; never in a release. */
export function isStale(name) {
  if (!IS_CHECKOUT) return false;
  const t = name === 'dashboard' ? DASHBOARD : TARGETS[name];
  return mtime(t.out) < newest(t.sources);
}

function commit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

/** Writes `bytes` to `out` through a temp file and a rename: two processes building at once are safe. */
function writeAtomically(out, bytes, stampMs) {
  mkdirSync(dirname(out), { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    // Stamped with the newest source seen before building (rounded up to the millisecond utimes
    // keeps): a file saved during the build is newer than the bundle and triggers the next rebuild.
    const at = Math.ceil(stampMs) / 1000;
    utimesSync(tmp, at, at);
    renameSync(tmp, out);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** Builds one JavaScript target with esbuild's synchronous API (no service process left running). */
export function buildTarget(name) {
  const t = TARGETS[name];
  const stamp = newest(t.sources);
  const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;
  const build = {
    version,
    builtAt: new Date().toISOString(),
    commit: commit(),
    // From the bundle's folder to the install root (where bin/, firmware-config/, dashboard/ are).
    root: relative(dirname(t.out), ROOT).split('\\').join('/') || '.',
  };
  const result = requireFromHere('esbuild').buildSync({
    entryPoints: [t.entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: EXTERNAL,
    define: { __HALLMON_BUILD__: JSON.stringify(build) },
    // Bundled CommonJS packages require() externals and node built-ins.
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
  writeAtomically(t.out, result.outputFiles[0].contents, stamp);
}

/** Builds the dashboard with its own vite (a devDependency of the dashboard workspace). */
function buildDashboard(quiet) {
  const dash = join(ROOT, 'dashboard');
  const vitePkg = createRequire(join(dash, 'package.json')).resolve('vite/package.json');
  const viteBin = join(dirname(vitePkg), JSON.parse(readFileSync(vitePkg, 'utf8')).bin.vite);
  const r = spawnSync(process.execPath, [viteBin, 'build', ...(quiet ? ['--logLevel', 'error'] : [])], {
    cwd: dash,
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
  if (r.status !== 0)
    throw new Error(`the dashboard build (vite build in ${dash}) failed${r.error ? `: ${r.error.message}` : ''}`);
}

/** Why a build failed, in the user's terms: esbuild's located errors, or the exception. */
export function buildFailure(name, err) {
  const detail =
    Array.isArray(err?.errors) && err.errors.length
      ? err.errors
          .map((e) => `  ${e.location ? `${e.location.file}:${e.location.line}:${e.location.column}: ` : ''}${e.text}`)
          .join('\n')
      : `  ${err?.message ?? String(err)}`;
  return (
    `hallmon: could not build ${name === 'dashboard' ? 'the dashboard' : TARGETS[name].out}:\n${detail}\n` +
    'Fix the source (or run npm install if esbuild or vite is missing); HALLMON_FROM_SOURCE=1 runs the TypeScript through tsx instead.\n'
  );
}

/**
 * Rebuilds a stale JavaScript target in a short-lived child process before it runs: esbuild's code and
 * a megabyte of output would otherwise stay in the running process's heap, which V8 grows for them
 * and never hands back. Returns false (after saying why on stderr) when the build failed.
 */
export function ensureFresh(name) {
  if (!isStale(name)) return true;
  const r = spawnSync(process.execPath, [SELF, '--only', name, '--quiet'], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status === 0) return true;
  if (r.error) process.stderr.write(buildFailure(name, r.error));
  return false;
}

const USAGE = `Usage: node bin/build.js [--all] [--force] [--only cli|edge|dashboard] [--quiet]

Builds what is missing or older than its sources: dist/hallmon.mjs and dist/edge.mjs (esbuild),
with --all also dashboard/dist (vite). --force builds even when up to date. npm run build = --all.`;

function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const quiet = argv.includes('--quiet');
  const force = argv.includes('--force');
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const names = only ? [only] : ['cli', 'edge', ...(argv.includes('--all') ? ['dashboard'] : [])];
  for (const name of names) {
    if (name !== 'dashboard' && !(name in TARGETS)) {
      process.stderr.write(`build: unknown target "${name}"\n${USAGE}\n`);
      return 2;
    }
    if (!force && !isStale(name)) {
      if (!quiet) process.stdout.write(`build: ${name} is up to date\n`);
      continue;
    }
    const started = Date.now();
    try {
      if (name === 'dashboard') buildDashboard(quiet);
      else buildTarget(name);
    } catch (err) {
      process.stderr.write(buildFailure(name, err));
      return 1;
    }
    if (!quiet) process.stdout.write(`build: ${name} built in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  }
  return 0;
}

if (process.argv[1] === SELF) process.exitCode = main(process.argv.slice(2));
