// Shared command-line handling for every `hallmon` subcommand: flags declared once with their help
// text, each with a HALLMON_* environment twin (docs/contract.md, "every flag has a HALLMON_* twin"), and
// errors that say what to type instead. Boolean flags also take --no-NAME (node:util parseArgs
// learnt allowNegative only in Node 22.4; this works on Node 20 as well).
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  help: string;
  /** Shown in help; also the value when neither flag nor environment gives one. */
  default?: string | boolean;
  multiple?: boolean;
  short?: string;
  /** Placeholder in help, e.g. FILE. */
  arg?: string;
}

export interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  examples?: string[];
}

/** One `hallmon` command as a workspace offers it to the dispatcher, loaded only when run. */
export interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

export class UsageError extends Error {
  readonly code = 'HM_ERR_USAGE';
}

export function envName(flag: string): string {
  return `HALLMON_${flag.replace(/-/g, '_').toUpperCase()}`;
}

export function helpText(spec: CommandSpec): string {
  const lines = [`${spec.summary}`, '', `Usage: ${spec.usage}`, '', 'Options:'];
  const entries = Object.entries(spec.flags).map(([name, f]) => {
    // A boolean that defaults to on is only useful negated: show both spellings.
    const flag = f.type === 'boolean' && f.default === true ? `--[no-]${name}` : `--${name}`;
    const left = `  ${flag}${f.type === 'string' ? ` ${f.arg ?? 'VALUE'}` : ''}`;
    const def = f.default !== undefined && f.default !== false ? ` (default: ${String(f.default)})` : '';
    const env = name === 'help' ? '' : ` [env ${envName(name)}]`;
    return [left, `${f.help}${def}${env}`] as const;
  });
  entries.push(['  --help', 'show this help']);
  const width = Math.max(...entries.map(([l]) => l.length)) + 2;
  for (const [l, r] of entries) lines.push(l.padEnd(width) + r);
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export type ParsedFlags = Record<string, string | boolean | string[] | undefined>;

/**
 * Parses argv against the spec. Returns null when --help was asked (help already printed).
 * Flag > environment twin > default. Throws UsageError for unknown flags or stray arguments.
 */
export function parseCommand(
  spec: CommandSpec,
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  out: (s: string) => void = (s) => process.stdout.write(`${s}\n`),
  allowPositionals = false,
): { flags: ParsedFlags; positionals: string[] } | null {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  // node:util parseArgs rejects keys present with the value undefined, so set only what is given.
  for (const [name, f] of Object.entries(spec.flags))
    options[name] = {
      type: f.type,
      ...(f.multiple !== undefined ? { multiple: f.multiple } : {}),
      ...(f.short !== undefined ? { short: f.short } : {}),
    };
  const { args, negatedLast } = takeNegations(spec, argv);
  let parsed;
  try {
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError(
      `${(err as Error).message.replace(/\. To specify.*$/s, '')}\nRun 'hallmon ${spec.name} --help' for the options.`,
    );
  }
  if (parsed.values.help) {
    out(helpText(spec));
    return null;
  }
  const flags: ParsedFlags = {};
  for (const [name, f] of Object.entries(spec.flags)) {
    let v = parsed.values[name] as string | boolean | string[] | undefined;
    // --no-NAME after --NAME (or alone) wins, as the later of two spellings does in most CLIs.
    if (negatedLast.has(name)) v = false;
    if (v === undefined) {
      const e = env[envName(name)];
      if (e !== undefined && e !== '') {
        if (f.type === 'boolean') v = !/^(0|false|no|off)$/i.test(e);
        else
          v = f.multiple
            ? e
                .split(',')
                .map((s) => s.trim())
                .filter(Boolean)
            : e;
      }
    }
    flags[name] = v ?? f.default;
  }
  return { flags, positionals: parsed.positionals };
}

/**
 * Takes `--no-NAME` of boolean flags out of argv (up to a `--` terminator) and names the boolean
 * flags whose last spelling there was the negated one. `--no-NAME=value` and negations of string
 * flags stay, for parseArgs to reject.
 */
function takeNegations(spec: CommandSpec, argv: string[]): { args: string[]; negatedLast: Set<string> } {
  const args: string[] = [];
  const negatedLast = new Set<string>();
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const a = argv[i]!;
    const negated = a.startsWith('--no-') && spec.flags[a.slice(5)]?.type === 'boolean';
    if (negated) negatedLast.add(a.slice(5));
    else {
      if (a.startsWith('--')) negatedLast.delete(a.slice(2));
      args.push(a);
    }
  }
  return { args: [...args, ...argv.slice(i)], negatedLast };
}

/** An integer flag in [min, max], or a UsageError naming the flag. */
export function intFlag(flags: ParsedFlags, name: string, min: number, max: number): number | undefined {
  const v = flags[name];
  if (v === undefined) return undefined;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max} (got "${String(v)}")`);
  return n;
}
