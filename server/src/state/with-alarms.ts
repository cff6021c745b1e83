// A time-series store whose alarm methods are answered by another AlarmState (the PostgreSQL state
// of a server group): everything that reads alarms through the Store (API, evidence, seals) then
// reads the group's alarms, while readings, events and status stay in the time-series store.
import type { Store } from '../store/store.ts';
import type { AlarmState } from './state.ts';

export function withAlarms(store: Store, alarms: AlarmState): Store {
  const own: AlarmState = {
    writeAlarms: (b) => alarms.writeAlarms(b),
    readAlarms: (q) => alarms.readAlarms(q),
    getAlarm: (id) => alarms.getAlarm(id),
    ackAlarm: (id, user, note, at) => alarms.ackAlarm(id, user, note, at),
  };
  return new Proxy(store, {
    get(target, prop) {
      if (typeof prop === 'string' && prop in own) return own[prop as keyof AlarmState];
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
