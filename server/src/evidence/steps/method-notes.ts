// The pack's method section: how each figure was computed, in the words the assessor reads on the
// checklist page of the PDF and in evidence.json (so a pack explains itself without this code).

export function methodNotes(threshold: number): string[] {
  return [
    'Excursions, gaps, faults and follow-ups are computed by replaying the stored data through the same rule engine that raises the live alarms on the edge.',
    "Rollups first: the hourly rollups are read for the whole period; an hour is replayed minute by minute when a rule could raise, hold or end an excursion in it (a value outside the limits, or still outside the clear margin after one; the rolling window reaching into the previous hour; a missing minute; a daily swing above its limit), with the longest rule window before it and the first minutes after. Every other hour has all its values inside the limits while no excursion is open, so replaying it changes nothing. An hour whose reading count is the sensor's usual count per hour is taken to have all 60 minutes; other hours are read per minute.",
    'The replay uses the 1-minute rollups: climate readings as the minute mean (with 1-minute data this is the raw reading), noise as the minute energy LAeq (IEC 61672-1) with a 60 s duration. Noise excursion start and end are therefore resolved to the minute (stamped at the last second of the minute); climate excursions to the reading.',
    'Coverage is the share of the judged hours with data (a minute with at least one reading counts as covered): around the clock for rooms, opening hours for the hall, in the time zone of the site.',
    `Verdict: fail when any rule of the clause had an excursion in the period, or (5.2.2) a machine-room door opened with no visit in the entry register; insufficient-data when coverage is below ${Math.round(threshold * 100)} % without either; else pass.`,
    'State inputs (water, smoke, door, mains, UPS on battery, AC running) are kept as their changes with a refresh every 5 minutes: they are replayed from the raw changes, a reading counts as known until the next one for 15 minutes at most (their coverage), and their events are listed with the acknowledgement of their alarms as a record, not as excursions.',
    "Door openings are matched against the entry register (机房登记): an opening is registered when a visit began no later than the rule's grace after it and had not ended before it; an entry written after the grace is shown as registered late.",
    'Noise figures of an RS-485 transmitter are marked indicative: a smoothed level, not a certified LAeq.',
    'Daily noise LAeq is the energy mean over opening hours; L10/L50/L90 come from the time-weighted 0.5 dB level histograms of those minutes; Lmax is the highest stored reading.',
    'Evaluation rate = ratings / served tickets (2021 rules 三.4); device faults per device per month and repair time in working days by the official calendar with its 调休 days.',
    'Bad-rating follow-ups list the "1、5、15" deadlines (the rating day does not count; a deadline ends at the site-local midnight after its day); a deadline that passed within the period without a recorded answer or fix (the server\'s follow-up records) is a missed deadline.',
    'Excursions still open at the end of the period are cut there (ongoing); the replay starts one hour before the period so hourly means are primed.',
  ];
}
