#!/usr/bin/env node
// The one `hallmon` command. It runs the TypeScript sources directly through tsx, so a fresh
// `npm install` is all it needs; each subcommand lives in the workspace that owns it.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./cli.ts');
process.exitCode = await main(process.argv.slice(2));
