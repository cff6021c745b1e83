#!/usr/bin/env node
// The one `hallmon` command. It runs the built JavaScript (bin/build.js): dist/hallmon.mjs for every
// command, dist/edge.mjs for `hallmon edge`, which a hall PC keeps running for months on as little
// memory as it can. In a checkout a bundle older than its sources is rebuilt first (about a second),
// so nobody runs stale code; a packed release has no sources and runs its bundles as they are.
// HALLMON_FROM_SOURCE=1 runs the TypeScript sources through tsx instead (debugging, in a checkout).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const edge = argv[0] === 'edge';
const here = dirname(fileURLToPath(import.meta.url));
const checkout = existsSync(join(here, 'cli.ts'));
const fromSource =
  checkout && (process.env.HALLMON_FROM_SOURCE === '1' || (edge && process.env.HALLMON_EDGE_FROM_SOURCE === '1'));

if (fromSource) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./cli.ts');
  process.exitCode = await main(argv);
} else {
  if (edge) {
    // Memory over peak speed for a process that polls ~100 readings/s for months (docs/benchmarks.md,
    // "Edge agent"); set before any edge code loads. Only flags read while running work from here
    // (sizes fixed at heap set-up do not), so: the young generation stays at its start size instead of
    // doubling to 2 x 16 MB, and only the interpreter runs, so V8's optimising (TurboFan) and baseline
    // (Sparkplug) compilers never touch their code pages or compile zones: about 12 MB less RSS, with
    // CPU measured no higher (the compiles themselves cost CPU). A site with far more devices or rules
    // than a hall (thousands of readings/s) can keep the compilers with HALLMON_EDGE_JIT=1.
    const v8 = await import('node:v8');
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    if (process.env.HALLMON_EDGE_JIT !== '1') {
      v8.setFlagsFromString('--no-opt');
      v8.setFlagsFromString('--no-sparkplug');
    }
  }
  const target = edge ? 'edge' : 'cli';
  let bundle = join(here, '..', 'dist', edge ? 'edge.mjs' : 'hallmon.mjs');
  if (checkout) {
    const build = await import('./build.js');
    if (!build.ensureFresh(target)) process.exit(1);
    bundle = build.TARGETS[target].out;
  } else if (!existsSync(bundle)) {
    process.stderr.write(`hallmon: ${bundle} is missing: this installation is incomplete; unpack the release again.\n`);
    process.exit(1);
  }
  const { main } = await import(pathToFileURL(bundle).href);
  process.exitCode = await main(edge ? argv.slice(1) : argv);
}
