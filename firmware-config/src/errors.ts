// The error a configuration that cannot be used throws: one message listing every problem with its
// file and path, so an installer fixes them all in one pass instead of one per start.
export interface ConfigProblem {
  file: string;
  path: string;
  message: string;
}

/** A config that cannot be used; its message lists every problem, one per line. */
export class ConfigError extends Error {
  readonly code = 'HM_ERR_CONFIG';
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  ${p.file}${p.path ? ` at ${p.path}` : ''}: ${p.message}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
