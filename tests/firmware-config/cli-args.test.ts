// Shared flag parsing: boolean flags take --no-NAME on Node 20 (where parseArgs has no
// allowNegative), the later spelling wins, environment twins still apply, and the help shows the
// negation for flags that default to on. Negating a string flag is an unknown option.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { helpText, parseCommand, UsageError, type CommandSpec } from '@hallmon/firmware-config';

const spec: CommandSpec = {
  name: 'demo-cmd',
  summary: 'a test command',
  usage: 'hallmon demo-cmd [options]',
  flags: {
    incidents: { type: 'boolean', default: true, help: 'place incidents' },
    verbose: { type: 'boolean', help: 'say more' },
    site: { type: 'string', arg: 'ID', help: 'site id' },
  },
};
const flags = (argv: string[], env: NodeJS.ProcessEnv = {}) => parseCommand(spec, argv, env, () => undefined, true)!;

test('--no-NAME turns a boolean off; the later of two spellings wins; env twins still apply', () => {
  assert.equal(flags([]).flags.incidents, true);
  assert.equal(flags(['--no-incidents']).flags.incidents, false);
  assert.equal(flags(['--incidents', '--no-incidents']).flags.incidents, false);
  assert.equal(flags(['--no-incidents', '--incidents']).flags.incidents, true);
  assert.equal(flags(['--no-verbose']).flags.verbose, false);
  assert.equal(flags([], { HALLMON_INCIDENTS: '0' }).flags.incidents, false);
  assert.equal(flags(['--incidents'], { HALLMON_INCIDENTS: 'off' }).flags.incidents, true, 'a flag beats its env twin');
  assert.equal(flags(['--no-incidents'], { HALLMON_INCIDENTS: '1' }).flags.incidents, false);
  const p = flags(['--site', 'demo', '--no-incidents', 'pos', '--', '--no-incidents']);
  assert.equal(p.flags.site, 'demo');
  assert.equal(p.flags.incidents, false);
  assert.deepEqual(p.positionals, ['pos', '--no-incidents'], 'after -- it is a positional');
  const q = flags(['--incidents', '--no-incidents', '--', '--incidents']);
  assert.equal(q.flags.incidents, false, 'a spelling after -- does not count');
  assert.deepEqual(q.positionals, ['--incidents']);
});

test('negating a string flag or an unknown one is a usage error that names it', () => {
  assert.throws(
    () => flags(['--no-site']),
    (e: unknown) => e instanceof UsageError && /--no-site/.test(e.message),
  );
  assert.throws(
    () => flags(['--no-such']),
    (e: unknown) => e instanceof UsageError && /--no-such/.test(e.message),
  );
});

test('help shows --[no-]NAME for a boolean that defaults to on', () => {
  const h = helpText(spec);
  assert.match(h, /--\[no-\]incidents\s+place incidents \(default: true\)/);
  assert.match(h, /\n {2}--verbose\s+say more/);
});
