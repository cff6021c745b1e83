// The systemd unit of a hallmon service (docs/operations.md, "Running as a service"): started
// after the network is up, restarted on failure, stopped with SIGTERM (both commands then flush what
// they hold), and confined: no new privileges, the file system read-only but for its data (and log)
// folders, no home directories, a private /tmp, kernel tunables and modules out of reach. The edge
// keeps access to serial devices (group dialout) that the server does not need (PrivateDevices).
// MemoryDenyWriteExecute is left out on purpose: V8 writes and runs machine code (also regular
// expressions in interpreter-only mode), and node cannot start with it.

export interface UnitSpec {
  kind: 'server' | 'edge';
  /** Absolute path of node. */
  node: string;
  /** Absolute path of bin/hallmon.js. */
  hallmon: string;
  /** Arguments after `hallmon <kind>`. */
  args: string[];
  user: string;
  /** Folders the service writes (data dir, outbox, log files). */
  writable: string[];
  workingDirectory: string;
  version: string;
  docs: string;
}

/** One ExecStart word: quoted when it has spaces or quotes; % and $ doubled (systemd.service "Command lines"). */
export function execWord(w: string): string {
  const escaped = w.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  return /[\s"'\\;]/.test(escaped) ? `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : escaped;
}

const DESCRIPTION = {
  server: 'hallmon server: MQTT ingest, time-series store, HTTP API and dashboard',
  edge: 'hallmon edge agent: reads the hall devices, stores and forwards to the server',
};

export function systemdUnit(s: UnitSpec): string {
  const exec = [s.node, s.hallmon, s.kind, ...s.args].map(execWord).join(' ');
  const lines = [
    '# Written by `hallmon service install`; see docs/operations.md, "Running as a service".',
    '[Unit]',
    `Description=${DESCRIPTION[s.kind]} (hallmon ${s.version})`,
    `Documentation=${s.docs}`,
    'After=network-online.target',
    'Wants=network-online.target',
    // A crash loop still gives up eventually instead of spinning: 10 starts in 10 minutes.
    'StartLimitIntervalSec=600',
    'StartLimitBurst=10',
    '',
    '[Service]',
    'Type=simple',
    `User=${s.user}`,
    `ExecStart=${exec}`,
    `WorkingDirectory=${s.workingDirectory}`,
    'Environment=NODE_ENV=production',
    'Restart=on-failure',
    'RestartSec=5s',
    'KillSignal=SIGTERM',
    // The edge flushes its buffer into the outbox, the server finishes its store writes.
    'TimeoutStopSec=60s',
    'UMask=0027',
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    ...(s.kind === 'server' ? ['PrivateDevices=yes'] : ['SupplementaryGroups=dialout']),
    'ProtectKernelTunables=yes',
    'ProtectKernelModules=yes',
    'ProtectKernelLogs=yes',
    'ProtectControlGroups=yes',
    'ProtectClock=yes',
    'ProtectHostname=yes',
    'RestrictSUIDSGID=yes',
    'RestrictRealtime=yes',
    'RestrictNamespaces=yes',
    'LockPersonality=yes',
    'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'CapabilityBoundingSet=',
    'SystemCallArchitectures=native',
    ...s.writable.map((d) => `ReadWritePaths=${execWord(d)}`),
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ];
  return lines.join('\n');
}
