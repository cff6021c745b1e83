// The edge's clause rules: the rules package's runtime for this hall, with its snapshot in
// `${dataDir}/rules-state.json`, so a restart resumes half-elapsed durations. None when the site's
// rules run on the server (`rulesAt: 'server'`): exactly one place evaluates each sensor.
import { join } from 'node:path';
import { JsonStateFile, loadCatalogue, shippedCalendar } from '@hallmon/firmware-config';
import { RulesRuntime, type RulesRuntimeOptions } from '@hallmon/rules';

export type EdgeRulesOptions = Omit<RulesRuntimeOptions, 'catalogue' | 'calendar' | 'state'> &
  Partial<Pick<RulesRuntimeOptions, 'catalogue' | 'calendar'>> & { dataDir: string };

export function edgeRules(opts: EdgeRulesOptions): RulesRuntime | undefined {
  if (opts.site.rulesAt === 'server') return undefined;
  const { dataDir, ...rest } = opts;
  return new RulesRuntime({
    ...rest,
    catalogue: opts.catalogue ?? loadCatalogue(),
    calendar: opts.calendar ?? shippedCalendar(),
    state: new JsonStateFile(join(dataDir, 'rules-state.json')),
  });
}
