#!/usr/bin/env node
// The one `hallmon` command. It runs the TypeScript sources directly through tsx, so a fresh
// `npm install` is all it needs; each subcommand lives in the workspace that owns it.
// `hallmon edge` is the exception: it runs from a bundle (bin/edge-bundle.js), rebuilt when a source
// is newer, because a hall PC keeps it running for months and tsx costs it a third of its memory.
// HALLMON_EDGE_FROM_SOURCE=1 runs the edge through tsx like everything else (for debugging).
const argv = process.argv.slice(2);
if (argv[0] === 'edge' && process.env.HALLMON_EDGE_FROM_SOURCE !== '1') {
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
  const { runEdge } = await import('./edge-bundle.js');
  process.exitCode = await runEdge(argv.slice(1));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import('./cli.ts');
  process.exitCode = await main(argv);
}
