// The configuration a server sends to the edge of a site over its MQTT uplink, and the edge's answer
// (docs/contract.md "MQTT", "Configuration from the server"): a retained, versioned message on
// hallmon/v1/{site}/config, and a retained state on hallmon/v1/{site}/config/state saying which
// version the edge runs, or why it refused one, or that it is configured by a local file.
import { Type, type Static } from '@sinclair/typebox';
import { ID_PATTERN } from './wire.ts';
import { SiteConfig } from './site.ts';

/** An MQTT device credential as the edge's device broker checks it: the scrypt hash only. */
export const DeviceCredentialHash = Type.Object(
  { device: Type.String({ pattern: ID_PATTERN }), passwordHash: Type.String({ pattern: '^scrypt\\$' }) },
  { additionalProperties: false },
);
export type DeviceCredentialHash = Static<typeof DeviceCredentialHash>;

/** hallmon/v1/{site}/config (server -> edge, retained, QoS 1). */
export const EdgeConfigMessage = Type.Object(
  {
    /** The site config's version in the server's store (a roll back is a new, higher version). */
    version: Type.Integer({ minimum: 1 }),
    /** SHA-256 (hex) of the canonical JSON of site and deviceCredentials: what the edge echoes back. */
    digest: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    issuedAt: Type.String(),
    /** The site config without its notification routes (webhook keys stay on the server). */
    site: SiteConfig,
    /** Active credentials of the site's MQTT devices (revoked ones are absent). */
    deviceCredentials: Type.Array(DeviceCredentialHash),
  },
  { additionalProperties: false },
);
export type EdgeConfigMessage = Static<typeof EdgeConfigMessage>;

export const EDGE_CONFIG_STATES = ['applied', 'rejected', 'waiting', 'local'] as const;
export type EdgeConfigStateName = (typeof EDGE_CONFIG_STATES)[number];

/** hallmon/v1/{site}/config/state (edge -> server, retained, QoS 1). */
export const EdgeConfigState = Type.Object(
  {
    /** remote: configured by the server; local: by its own --config file, which wins. */
    mode: Type.Union([Type.Literal('remote'), Type.Literal('local')]),
    /**
     * applied: runs `running` (= the newest version received); rejected: the newest version received
     * could not be used (error says why) and the edge keeps running `running`, its last good one;
     * waiting: nothing to run yet; local: a local edge config is in force.
     */
    state: Type.Union(EDGE_CONFIG_STATES.map((s) => Type.Literal(s))),
    running: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    /** The digest of the running config (compare with the server's to see it is in sync). */
    digest: Type.Union([Type.String({ maxLength: 64 }), Type.Null()]),
    received: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    error: Type.Optional(Type.String({ maxLength: 4000 })),
    ts: Type.String({ minLength: 10, maxLength: 40 }),
    /** e.g. "hallmon-edge 0.1.0". */
    agent: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export type EdgeConfigState = Static<typeof EdgeConfigState>;
