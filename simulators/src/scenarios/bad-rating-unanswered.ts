// DB31/T 862 10.1.3 ("1、5、15"): a resident served at W02 in the morning rates 1 (非常不满意) and
// nobody follows it up, so the bad-rating deadline must show as missed.
import type { TimedEvent } from './types.ts';
import { makeScenario } from './compose.ts';

const WINDOW = 'W02';

export const badRatingUnanswered = makeScenario({
  name: 'bad-rating-unanswered',
  title: 'Bad rating left unanswered',
  description: 'a rating of 1 at window W02 in the morning that nobody follows up (1、5、15 deadlines)',
  durationS: 3_600,
  incident: { localTime: '10:15', days: 'open' },
  overlay: {
    dayEvents(ctx, events, day) {
      if (ctx.model.local(ctx.at).day !== day) return events;
      const device = ctx.model.evaluatorByWindow.get(WINDOW);
      if (!device) return events;
      // The rating lands at the incident time itself, so a live run shows it right away.
      const bad: TimedEvent = {
        t: ctx.at,
        event: { device, type: 'rating', score: 1, window: WINDOW, ts: ctx.model.localIso(ctx.at) },
      };
      return [...events, bad].sort((a, b) => a.t - b.t);
    },
  },
});
