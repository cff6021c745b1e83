// Debian's real Net-SNMP agent (snmpd) for the SNMP tests, as a UPS network card: started in the
// foreground on a free 127.0.0.1 UDP port with its own config in a temp folder (no system config, no
// persistent state outside it). The UPS-MIB objects (RFC 1628, 1.3.6.1.2.1.33) are answered by a
// `pass` script (snmpd.conf(5)) reading a values file the test rewrites, so the test sets what the
// "UPS" reports; each GET of upsOutputSource is logged with the time, so a test can count polls.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freeUdpPort } from './ports.ts';
import { tempDir } from './tmp.ts';
import { waitFor } from './wait.ts';

export const SNMPD = '/usr/sbin/snmpd';

/** UPS-MIB objects the ups-snmp-rfc1628 profile reads. */
export const UPS_OIDS = {
  charge: '.1.3.6.1.2.1.33.1.2.4.0',
  runtime: '.1.3.6.1.2.1.33.1.2.3.0',
  load: '.1.3.6.1.2.1.33.1.4.4.1.5.1',
  outputSource: '.1.3.6.1.2.1.33.1.4.1.0',
  inputVoltage: '.1.3.6.1.2.1.33.1.3.3.1.3.1',
} as const;

export interface UpsValues {
  charge: number;
  runtime: number;
  load: number;
  /** upsOutputSource: 3 normal, 5 battery. */
  outputSource: number;
  inputVoltage: number;
}

export interface Snmpd {
  port: number;
  community: string;
  /** What the UPS reports from now on. */
  set(v: UpsValues): void;
  /** Times (epoch ms) snmpd answered a GET of upsOutputSource. */
  gets(): number[];
  stop(): Promise<void>;
}

const PASS = `#!/bin/sh
# snmpd "pass" protocol: "-g OID" prints OID, type, value (nothing: no such object); GETNEXT unsupported.
dir=$(dirname "$0")
[ "$1" = "-g" ] || exit 0
case "$2" in ${UPS_OIDS.outputSource}) echo "$(date +%s%3N)" >> "$dir/gets.log" ;; esac
awk -v o="$2" '$1 == o { print $1; print $2; print $3; exit }' "$dir/values"
`;

export async function startSnmpd(initial: UpsValues): Promise<Snmpd> {
  if (!existsSync(SNMPD)) throw new Error(`${SNMPD} is missing: apt-get install snmpd (scripts/provision.sh does)`);
  const dir = tempDir('hallmon-snmpd-');
  const port = await freeUdpPort();
  const community = 'hallmon-test';
  const values = join(dir.path, 'values');
  const set = (v: UpsValues) => {
    const text = (Object.keys(UPS_OIDS) as Array<keyof UpsValues>)
      .map((k) => `${UPS_OIDS[k]} integer ${Math.round(v[k])}`)
      .join('\n');
    writeFileSync(`${values}.tmp`, `${text}\n`);
    renameSync(`${values}.tmp`, values);
  };
  set(initial);
  const script = join(dir.path, 'ups.sh');
  writeFileSync(script, PASS);
  chmodSync(script, 0o755);
  const conf = join(dir.path, 'snmpd.conf');
  writeFileSync(
    conf,
    [
      `agentaddress udp:127.0.0.1:${port}`,
      `rocommunity ${community} 127.0.0.1`,
      'master no',
      `pass .1.3.6.1.2.1.33 /bin/sh ${script}`,
      '',
    ].join('\n'),
  );
  let out = '';
  const proc: ChildProcess = spawn(SNMPD, ['-f', '-C', '-c', conf, '-Lo', '-p', join(dir.path, 'snmpd.pid')], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir.path, 'persist'), MIBS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  proc.stdout?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  proc.stderr?.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null)
      await new Promise<void>((resolve) => {
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      });
    dir.remove();
  };
  try {
    await waitFor(
      () => {
        if (proc.exitCode !== null) throw new Error(`snmpd exited (${proc.exitCode}): ${out}`);
        return /NET-SNMP version/.test(out);
      },
      'snmpd to start',
      20_000,
    );
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    community,
    set,
    gets: () => {
      const log = join(dir.path, 'gets.log');
      return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean).map(Number) : [];
    },
    stop,
  };
}
