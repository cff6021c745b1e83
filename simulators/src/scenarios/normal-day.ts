// The reference day: the hall fills up towards the 09:30-10:30 peak, rooms hold steady, residents
// take tickets and rate their windows. Every other scenario is this plus one incident.
import { makeScenario } from './compose.ts';

export const normalDay = makeScenario({
  name: 'normal-day',
  title: 'Normal day',
  description: 'an ordinary day: hall busy in the morning peak, rooms steady, tickets and ratings, no incident',
  durationS: 86_400,
});
