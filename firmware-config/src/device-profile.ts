// The profile of one installed device: its model's profile, plus, for a digital-input module, the
// metrics its site config wires to its channels (SiteDevice `inputs`). A DI module measures nothing
// by itself: channel 3 is a water-leak rope in one machine room and a door contact in another, so
// the site config, not the model, says what it reports. Everything that asks "what does this
// device measure" (ingest, rules, evidence, seals, simulators, the edge) asks here.
import type { DeviceProfile, ProfileMetric } from './schemas/profile.ts';
import type { SiteDevice } from './schemas/site.ts';

const cache = new WeakMap<object, WeakMap<DeviceProfile, DeviceProfile>>();

/** The metrics the site config maps onto a profile's input channels (none for other profiles). */
export function channelMetrics(profile: DeviceProfile, device: Pick<SiteDevice, 'inputs'>): ProfileMetric[] {
  const block = profile.inputs;
  if (!block || !device.inputs) return [];
  return device.inputs.map((ch) => ({
    metric: ch.metric,
    plausible: { min: 0, max: 1 },
    register: {
      function: block.function,
      address: block.address + ch.channel - 1,
      ...(ch.contact === 'NC' ? { invert: true } : {}),
    },
  }));
}

/**
 * The device's effective profile (the same object for a device without input channels); `device`
 * is a site device or an edge config's bus device, which carries the same `inputs`.
 */
export function effectiveProfile(profile: DeviceProfile, device: Pick<SiteDevice, 'inputs'>): DeviceProfile {
  if (!profile.inputs || !device.inputs?.length) return profile;
  let byProfile = cache.get(device);
  if (!byProfile) cache.set(device, (byProfile = new WeakMap()));
  let p = byProfile.get(profile);
  if (!p)
    byProfile.set(profile, (p = { ...profile, metrics: [...profile.metrics, ...channelMetrics(profile, device)] }));
  return p;
}

/** deviceProfile(profiles, device): the effective profile of a site device, or undefined for an unknown model. */
export function deviceProfile(
  profiles: ReadonlyMap<string, DeviceProfile>,
  device: SiteDevice,
): DeviceProfile | undefined {
  const p = profiles.get(device.profile);
  return p ? effectiveProfile(p, device) : undefined;
}
