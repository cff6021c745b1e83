// The edge's part of a site config: the buses with the devices on them, the serial meters, the
// SNMP devices, the device broker with its devices' credential hashes, in the shape of an edge config (schemas/
// edge-config.ts), so a remotely configured edge runs exactly the drivers a hand-written file would
// give it. The uplink and the data folder are the edge's own (its command-line flags).
import type { SiteConfig } from './schemas/site.ts';
import type { DeviceProfile } from './schemas/profile.ts';
import type { Bus, EdgeConfig, MqttDevice, SerialMeter, SnmpDevice } from './schemas/edge-config.ts';
import type { DeviceCredentialHash } from './schemas/remote-config.ts';

export type EdgeBase = Pick<EdgeConfig, 'uplink' | 'dataDir'> & Partial<Pick<EdgeConfig, 'healthPort' | 'outboxMaxMB'>>;

export function edgeConfigFromSite(
  site: SiteConfig,
  profiles: ReadonlyMap<string, DeviceProfile>,
  base: EdgeBase,
  credentials: readonly DeviceCredentialHash[] = [],
): EdgeConfig {
  const buses: Bus[] = [];
  for (const b of site.edge?.buses ?? []) {
    const { id: _id, name: _name, ...busOptions } = b;
    const devices = site.zones.flatMap((z) =>
      z.devices
        .filter((d) => d.bus === b.id && d.unitId !== undefined)
        .map((d) => ({
          id: d.id,
          profile: d.profile,
          unitId: d.unitId!,
          zone: z.id,
          ...(d.calibration ? { calibration: d.calibration } : {}),
          ...(d.inputs ? { inputs: d.inputs } : {}),
        })),
    );
    // A bus with nothing on it yet is not opened (an edge config's bus has at least one device).
    if (devices.length) buses.push({ ...busOptions, devices });
  }
  const serialMeters: SerialMeter[] = site.zones.flatMap((z) =>
    z.devices
      .filter((d) => d.serial !== undefined && profiles.get(d.profile)?.transport === 'ascii-line')
      .map((d) => ({
        id: d.id,
        profile: d.profile,
        zone: z.id,
        ...d.serial!,
        ...(d.calibration ? { calibration: d.calibration } : {}),
      })),
  );
  const snmpDevices: SnmpDevice[] = site.zones.flatMap((z) =>
    z.devices
      .filter((d) => d.snmp !== undefined && profiles.get(d.profile)?.transport === 'snmp')
      .map((d) => ({
        id: d.id,
        profile: d.profile,
        zone: z.id,
        ...d.snmp!,
        ...(d.calibration ? { calibration: d.calibration } : {}),
      })),
  );
  const broker = site.edge?.mqttDevices;
  const mqttDevices: MqttDevice[] = site.zones.flatMap((z) =>
    z.devices
      .filter((d) => profiles.get(d.profile)?.transport === 'mqtt')
      .map((d) => ({
        id: d.id,
        profile: d.profile,
        zone: z.id,
        passwordHashes: credentials.filter((c) => c.device === d.id).map((c) => c.passwordHash),
        ...(d.window ? { window: d.window } : {}),
        ...(d.calibration ? { calibration: d.calibration } : {}),
      })),
  );
  return {
    site: site.id,
    ...base,
    ...(buses.length ? { buses } : {}),
    ...(serialMeters.length ? { serialMeters } : {}),
    ...(snmpDevices.length ? { snmpDevices } : {}),
    ...(broker
      ? {
          mqttDevices: {
            port: broker.port,
            ...(broker.host !== undefined ? { host: broker.host } : {}),
            ...(broker.maxPayload !== undefined ? { maxPayload: broker.maxPayload } : {}),
            ...(broker.offlineAfterS !== undefined ? { offlineAfterS: broker.offlineAfterS } : {}),
            devices: mqttDevices,
          },
        }
      : {}),
  };
}
