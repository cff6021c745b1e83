// A clause's verdict and the reason in words: fail on any excursion or any door opening without a
// register entry (5.2.2); insufficient-data when coverage is below the threshold; else pass. A
// clause of device faults (1.2.1) is judged by its faults instead: a fault beyond the monthly limit
// or repaired late fails it (2021 Qingpu rules 三.3). A follow-up rate clause is judged by its
// period rate against its target; a period with no bad rating due passes when the counter devices
// reported.
import type { ClauseEvidence, DeviceFault, FollowupRateMonth, Verdict } from '../types.ts';
import { round } from './format.ts';
import type { Basis } from './kinds.ts';

export function judge(ev: ClauseEvidence, bases: Set<Basis>, faults: DeviceFault[], threshold: number): void {
  const pct = (x: number) => `${round(x * 100, 1)} %`;
  let verdict: Verdict = 'pass';
  let reason: string;
  if (bases.has('followup-rates')) {
    const period = (ev.monthly as FollowupRateMonth[]).find((m) => m.month === 'period');
    if (period && period.rate !== null) {
      verdict = period.belowTarget ? 'fail' : 'pass';
      reason = `${period.numerator} of ${period.denominator} (${period.rate} %)`;
    } else if (period && period.ratings > 0) {
      // Bad ratings there were, but none counts yet (no callback reached anyone, none fell due).
      verdict = 'insufficient-data';
      reason = `${period.ratings} bad rating(s), none counted yet (${period.measure === 'callback-satisfaction' ? 'no callback reached a resident' : 'none fell due'})`;
    } else if (ev.coverage === null || ev.coverage < threshold) {
      verdict = 'insufficient-data';
      reason =
        ev.coverage === null
          ? 'no counter devices are configured for this site'
          : 'too few opening days with counter data';
    } else reason = 'no bad rating in the period';
  } else if (bases.has('faults')) {
    const bad = faults.filter((f) => f.source === 'status' && (f.exceedsMonthlyLimit || f.repairOverdue));
    if (bad.length) {
      verdict = 'fail';
      reason = `${bad.length} fault(s) beyond the monthly limit or repaired late`;
    } else if (ev.coverage === null || ev.coverage < threshold) {
      verdict = 'insufficient-data';
      reason =
        ev.coverage === null
          ? 'no counter devices are configured for this site'
          : 'no status or counter records from the counter devices in the period';
    } else reason = `${faults.filter((f) => f.source === 'status').length} fault(s), none beyond the limits`;
  } else if (ev.excursions.length > 0 || unregistered(ev) > 0) {
    verdict = 'fail';
    reason = [
      ev.excursions.length ? `${ev.excursions.length} excursion(s)` : '',
      unregistered(ev)
        ? `${unregistered(ev)} machine-room entr${unregistered(ev) === 1 ? 'y' : 'ies'} without a register entry`
        : '',
    ]
      .filter(Boolean)
      .join('; ');
  } else if (ev.coverage === null || ev.coverage < threshold) {
    verdict = 'insufficient-data';
    reason =
      ev.coverage === null
        ? 'no sensor of this site measures this clause'
        : `coverage ${pct(ev.coverage)} is below ${pct(threshold)}`;
  } else reason = `no excursion; coverage ${pct(ev.coverage)}`;
  ev.verdict = verdict;
  ev.reason = reason;
}

/** Door openings no visit covers (clause 5.2.2 "先进行登记"). */
const unregistered = (ev: ClauseEvidence) => ev.doorOpenings?.filter((o) => !o.registered).length ?? 0;
