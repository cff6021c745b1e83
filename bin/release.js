// `npm run release`: a packed release that installs on a machine without the repository
// (docs/operations.md, "Installing a release"). It makes the release build (bin/build.js --all) and
// puts into one folder, then one .tar.gz, exactly what `hallmon` needs at run time:
//   bin/hallmon.js            the command (it finds no sources here, so it runs the bundles as they are)
//   dist/hallmon.mjs, edge.mjs  every workspace compiled to JavaScript, npm packages included
//   dashboard/dist/           the dashboard
//   firmware-config/…         the shipped profiles, site configs, clause catalogue, calendars, commissioning ranges and report schedule
//   node_modules/             only the packages the bundles leave external (bin/build.js EXTERNAL) and
//                             what they need at run time: native addons built for this platform and Node
//   README.md, docs/, RELEASE.json (version, commit, platform, Node ABI)
// Native addons make a release specific to its platform and Node major version (both in its name).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const NM = join(ROOT, 'node_modules');

/** Packages needed only to compile or fetch an addon at install time, never at run time. */
const INSTALL_ONLY = new Set(['prebuild-install', 'node-gyp', 'node-addon-api']);

/**
 * Files kept of packages that ship far more than they run: better-sqlite3's SQLite sources and build
 * intermediates (about 25 MB), and the one weight of the CJK font the evidence PDF embeds (of nine).
 */
const KEEP_ONLY = {
  'better-sqlite3': ['package.json', 'lib', 'build/Release/better_sqlite3.node', 'LICENSE'],
  '@expo-google-fonts/noto-sans-sc': [
    'package.json',
    '400Regular/NotoSansSC_400Regular.ttf',
    'LICENSE',
    'LICENSE_FONT',
    'README.md',
  ],
};

const USAGE = `Usage: node bin/release.js [--out DIR] [--no-build]

Builds the release (node bin/build.js --all) and writes DIR/hallmon-VERSION-PLATFORM-ARCH-nodeN/ and
its .tar.gz (default DIR: ./release). --no-build packs the current build as it is.`;

/** The external package names the bundles import (wildcards such as @serialport/* expanded). */
async function externalRoots() {
  const { EXTERNAL } = await import('./build.js');
  const names = [];
  for (const e of EXTERNAL) {
    if (e.endsWith('/*')) {
      const scope = e.slice(0, -2);
      const dir = join(NM, scope);
      if (existsSync(dir)) for (const n of readdirSync(dir)) names.push(`${scope}/${n}`);
    } else names.push(e);
  }
  return names.filter((n) => existsSync(join(NM, n, 'package.json')));
}

/** Where `name` resolves from package folder `from` (node's lookup: nested node_modules, then up). */
function resolvePackage(name, from) {
  for (let dir = from; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT) break;
  }
  return undefined;
}

/** Every package folder the roots need at run time (dependencies and optional ones), once each. */
function closure(roots) {
  const seen = new Set();
  const visit = (dir) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
      if (INSTALL_ONLY.has(dep)) continue;
      const found = resolvePackage(dep, dir);
      if (found) visit(found); // an optional dependency for another platform is simply not installed
    }
  };
  for (const r of roots) visit(join(NM, r));
  return [...seen].sort();
}

function copyPackage(dir, to) {
  const name = relative(NM, dir).split(sep).join('/').split('/node_modules/').pop();
  const keep = KEEP_ONLY[name];
  if (keep) {
    for (const f of keep) if (existsSync(join(dir, f))) cpSync(join(dir, f), join(to, f), { recursive: true });
    return;
  }
  // Nested node_modules are copied as packages of their own (only the ones needed).
  cpSync(dir, to, { recursive: true, filter: (src) => !relative(dir, src).split(sep).includes('node_modules') });
}

function sizeOf(path) {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((n, f) => n + sizeOf(join(path, f)), 0);
}

async function main(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const outIdx = argv.indexOf('--out');
  const outDir = resolve(outIdx >= 0 && argv[outIdx + 1] ? argv[outIdx + 1] : join(ROOT, 'release'));
  if (!argv.includes('--no-build')) {
    process.stdout.write('release: building (node bin/build.js --all) ...\n');
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'build.js'), '--all', '--quiet'], { stdio: 'inherit' });
    if (r.status !== 0) return 1;
  }
  const rootPkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const nodeMajor = process.versions.node.split('.')[0];
  const name = `hallmon-${rootPkg.version}-${process.platform}-${process.arch}-node${nodeMajor}`;
  const dest = join(outDir, name);
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dest, { recursive: true });

  process.stdout.write(`release: copying the build into ${dest} ...\n`);
  const copy = (rel) => cpSync(join(ROOT, rel), join(dest, rel), { recursive: true });
  for (const rel of ['bin/hallmon.js', 'dist/hallmon.mjs', 'dist/edge.mjs', 'dashboard/dist', 'README.md', 'docs'])
    copy(rel);
  for (const data of ['profiles', 'sites', 'clauses', 'calendar', 'commissioning', 'reports'])
    copy(join('firmware-config', data));
  const release = {
    name: 'hallmon',
    version: rootPkg.version,
    builtAt: new Date().toISOString(),
    platform: process.platform,
    arch: process.arch,
    node: process.versions.node,
    nodeAbi: process.versions.modules,
  };
  writeFileSync(join(dest, 'RELEASE.json'), `${JSON.stringify(release, null, 2)}\n`);
  writeFileSync(
    join(dest, 'package.json'),
    `${JSON.stringify(
      {
        name: 'hallmon',
        version: rootPkg.version,
        private: true,
        description: rootPkg.description,
        type: 'module',
        license: rootPkg.license,
        engines: rootPkg.engines,
        bin: { hallmon: 'bin/hallmon.js' },
      },
      null,
      2,
    )}\n`,
  );

  const packages = closure(await externalRoots());
  for (const dir of packages) copyPackage(dir, join(dest, 'node_modules', relative(NM, dir)));
  process.stdout.write(`release: ${packages.length} run-time packages in node_modules/\n`);

  const tarball = `${dest}.tar.gz`;
  const tar = spawnSync('tar', ['-czf', tarball, '-C', outDir, name], { stdio: 'inherit' });
  if (tar.status !== 0) {
    process.stderr.write(
      `release: tar failed${tar.error ? `: ${tar.error.message}` : ''}; the folder ${dest} is complete\n`,
    );
    return 1;
  }
  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  process.stdout.write(
    `release: ${dest} (${mb(sizeOf(dest))})\n` +
      `release: ${tarball} (${mb(statSync(tarball).size)})\n` +
      'Install: unpack it on the target machine (same platform, Node.js ' +
      `${nodeMajor}), then run bin/hallmon.js; see docs/operations.md.\n`,
  );
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
