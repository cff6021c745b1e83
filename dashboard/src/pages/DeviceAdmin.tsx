// 设备管理 (admin): the site's devices with where the edge reads each one, adding and editing a
// device (the profile picked from the shipped ones with its register map shown; bus and unit id, a
// serial port, or MQTT), removing it, its install sheet, the commissioning check of a new device, the
// site's buses and device port, and MQTT credentials (the secret shown once). Every save is a new
// version the server applies at once; the edge's state shows when the edge runs it.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfigSite, CredentialInfo, NewCredentialAnswer } from '@hallmon/contract';
import { METRIC_UNITS, type DeviceProfile, type SiteConfig, type SiteDevice } from '@hallmon/firmware-config/core';
import { api, ApiError, type FieldProblem } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { useApp } from '../app-context.ts';
import { navigate } from '../router.ts';
import { formatDateTime } from '../lib/time-format.ts';
import { attachment, devicesOf, download, fieldProblems, freeUnitId, suggestId } from '../lib/config.ts';
import { EdgeState, Problems } from './ConfigParts.tsx';
import { Commissioning } from './Commissioning.tsx';

interface Form {
  /** The device being edited (its id before the change), or null for a new one. */
  editing: string | null;
  zone: string;
  id: string;
  name: string;
  profile: string;
  bus: string;
  unitId: string;
  port: string;
  baud: string;
  window: string;
}

export default function DeviceAdmin({ siteId }: { siteId?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const list = useApi((s) => api.config.sites(s), []);
  const site = siteId ?? list.data?.[0]?.id;
  const [nonce, setNonce] = useState(0);
  const { reloadSites } = useApp();
  const cfg = useApi((s) => (site ? api.config.site(site, s) : Promise.resolve(undefined)), [site, nonce]);
  const profiles = useApi((s) => api.config.profiles(s), []);
  const creds = useApi((s) => (site ? api.config.credentials(site, s) : Promise.resolve([])), [site, nonce]);
  const [form, setForm] = useState<Form | null>(null);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [notice, setNotice] = useState<string>();
  const [checking, setChecking] = useState<string | null>(null);
  const [secret, setSecret] = useState<NewCredentialAnswer | null>(null);
  const [busy, setBusy] = useState(false);
  const byId = useMemo(() => new Map((profiles.data ?? []).map((p) => [p.id, p])), [profiles.data]);

  // The edge's state changes on its own (it applies, refuses, reconnects): refresh it every few seconds.
  useEffect(() => {
    const id = setInterval(() => setNonce((n) => n + 1), 3000);
    return () => clearInterval(id);
  }, []);

  const data: ConfigSite | undefined = cfg.data;
  const config = data?.config;
  const version = data?.version.version;

  async function change(fn: () => Promise<ConfigSite>, after?: (s: ConfigSite) => void) {
    setBusy(true);
    setProblems([]);
    setNotice(undefined);
    try {
      const s = await fn();
      setNotice(t('cfg.saved', { n: s.version.version }));
      after?.(s);
      setNonce((n) => n + 1);
      reloadSites?.();
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
      else setProblems([{ path: '', message: e instanceof Error ? e.message : String(e) }]);
    } finally {
      setBusy(false);
    }
  }

  function startAdd() {
    if (!config) return;
    const zone = config.zones[0]?.id ?? '';
    const profile = profiles.data?.find((p) => p.transport === 'modbus-rtu')?.id ?? '';
    const bus = config.edge?.buses?.[0]?.id ?? '';
    setProblems([]);
    setForm({
      editing: null,
      zone,
      id: suggestId(config, zone, byId.get(profile)),
      name: '',
      profile,
      bus,
      unitId: bus ? String(freeUnitId(config, bus) ?? '') : '',
      port: '',
      baud: '',
      window: '',
    });
  }

  function startEdit(zone: string, d: SiteDevice) {
    setProblems([]);
    setForm({
      editing: d.id,
      zone,
      id: d.id,
      name: d.name ?? '',
      profile: d.profile,
      bus: d.bus ?? '',
      unitId: d.unitId !== undefined ? String(d.unitId) : '',
      port: d.serial?.port ?? '',
      baud: d.serial?.baudRate !== undefined ? String(d.serial.baudRate) : '',
      window: d.window ?? '',
    });
  }

  function deviceOf(f: Form, p: DeviceProfile | undefined): SiteDevice {
    const d: SiteDevice = { id: f.id.trim(), profile: f.profile };
    if (f.name.trim()) d.name = f.name.trim();
    const old = f.editing ? devicesOf(config!).find((x) => x.device.id === f.editing)?.device : undefined;
    if (old?.calibration) d.calibration = old.calibration;
    if (p?.transport === 'modbus-rtu' && f.bus) {
      d.bus = f.bus;
      // Sent as typed: the server names a bad unit id (not a number, out of 1-247) in its answer.
      d.unitId = (f.unitId.trim() === '' ? undefined : Number(f.unitId)) as number;
    }
    if (p?.transport === 'ascii-line' && f.port.trim())
      d.serial = { port: f.port.trim(), ...(f.baud ? { baudRate: Number(f.baud) } : {}) };
    if (p?.deviceClass !== 'sensor' && f.window.trim()) d.window = f.window.trim();
    return d;
  }

  async function submit(f: Form) {
    if (!site || version === undefined) return;
    const p = byId.get(f.profile);
    const body = { zone: f.zone, device: deviceOf(f, p), baseVersion: version };
    await change(
      () => (f.editing ? api.config.putDevice(site, f.editing, body) : api.config.addDevice(site, body)),
      () => {
        setForm(null);
        setChecking(body.device.id);
      },
    );
  }

  if (list.error) return <p className="error">{t('common.error', { message: list.error })}</p>;
  if (!site || !data || !config) return <p>{t('common.loading')}</p>;
  const { byField, other } = fieldProblems(problems, '/device');
  const zoneProblem = problems.find((p) => p.path === '/zone')?.message;
  const profile = form ? byId.get(form.profile) : undefined;

  return (
    <section aria-labelledby="cfg-dev-title">
      <div className="page-head">
        <h1 id="cfg-dev-title">{t('cfg.devicesTitle')}</h1>
        {(list.data?.length ?? 0) > 1 ? (
          <label className="site-picker">
            {t('header.site')}{' '}
            <select value={site} onChange={(e) => navigate('device-admin', e.target.value)} data-testid="cfg-site">
              {list.data!.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      <p>{t('cfg.intro')}</p>
      <EdgeState site={data} lang={lang} />
      {notice ? (
        <p className="notice" role="status" data-testid="cfg-notice">
          {notice}
        </p>
      ) : null}
      {!form ? <Problems problems={problems} /> : null}

      {config.zones.map((z) => (
        <section key={z.id} className="card" aria-labelledby={`cfg-zone-${z.id}`}>
          <h2 id={`cfg-zone-${z.id}`}>
            {z.name} <small>{t(`cfg.kinds.${z.kind}`)}</small>
          </h2>
          <div className="table-wrap">
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{t('cfg.device')}</th>
                  <th scope="col">{t('cfg.profile')}</th>
                  <th scope="col">{t('cfg.attach')}</th>
                  <th scope="col">{t('cfg.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {z.devices.map((d) => {
                  const p = byId.get(d.profile);
                  const a = attachment(d, p);
                  return (
                    <tr key={d.id} data-testid="cfg-device-row" data-device={d.id}>
                      <th scope="row">
                        {d.name ?? d.id}
                        <br />
                        <small>{d.id}</small>
                      </th>
                      <td data-label={t('cfg.profile')}>
                        {d.profile}
                        {p ? <small> · {p.model}</small> : null}
                      </td>
                      <td data-label={t('cfg.attach')}>
                        {a.kind === 'bus'
                          ? t('cfg.onBus', { bus: a.bus, unit: a.unitId ?? '?' })
                          : a.kind === 'serial'
                            ? t('cfg.onPort', { port: a.port })
                            : a.kind === 'mqtt'
                              ? t('cfg.viaMqtt')
                              : t('cfg.notRead')}
                      </td>
                      <td data-label={t('cfg.actions')} className="row">
                        <button type="button" className="btn" onClick={() => startEdit(z.id, d)}>
                          {t('cfg.edit')}
                        </button>
                        <button type="button" className="btn" onClick={() => setChecking(d.id)}>
                          {t('cfg.check')}
                        </button>
                        <button
                          type="button"
                          className="btn"
                          onClick={() =>
                            void download(
                              'POST',
                              `/api/config/sites/${site}/devices/${d.id}/sheet`,
                              `install-${site}-${d.id}.pdf`,
                              {},
                            ).catch((e: Error) => setProblems([{ path: '', message: e.message }]))
                          }
                        >
                          {t('cfg.sheet')}
                        </button>
                        <button
                          type="button"
                          className="btn"
                          disabled={busy}
                          onClick={() => {
                            if (window.confirm(t('cfg.confirmRemove', { id: d.id })))
                              void change(() => api.config.removeDevice(site, d.id));
                          }}
                        >
                          {t('cfg.remove')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}

      {checking ? (
        <Commissioning
          site={site}
          device={checking}
          lang={lang}
          timezone={config.timezone}
          onClose={() => setChecking(null)}
        />
      ) : null}

      {form ? (
        <form
          className="card"
          data-testid="cfg-device-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit(form);
          }}
        >
          <h2>{form.editing ? `${t('cfg.edit')} ${form.editing}` : t('cfg.add')}</h2>
          <Problems problems={other} />
          <div className="form-grid">
            <Field label={t('cfg.zone')} problem={zoneProblem}>
              <select
                value={form.zone}
                onChange={(e) => setForm({ ...form, zone: e.target.value })}
                data-testid="dev-zone"
              >
                {config.zones.map((z) => (
                  <option key={z.id} value={z.id}>
                    {z.name} ({z.id})
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('cfg.profile')} problem={byField.get('profile')}>
              <select
                value={form.profile}
                onChange={(e) => {
                  const p = byId.get(e.target.value);
                  const next = { ...form, profile: e.target.value };
                  if (!form.editing) next.id = suggestId(config, form.zone, p);
                  setForm(next);
                }}
                data-testid="dev-profile"
              >
                {(profiles.data ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.id} · {p.model}
                  </option>
                ))}
              </select>
            </Field>
            <Field label={t('cfg.device')} problem={byField.get('id')}>
              <input value={form.id} onChange={(e) => setForm({ ...form, id: e.target.value })} data-testid="dev-id" />
            </Field>
            <Field label={t('cfg.name')} problem={byField.get('name')}>
              <input
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
                data-testid="dev-name"
              />
            </Field>
            {profile?.transport === 'modbus-rtu' ? (
              <>
                <Field label={t('cfg.bus')} problem={byField.get('bus')}>
                  <select
                    value={form.bus}
                    onChange={(e) =>
                      setForm({
                        ...form,
                        bus: e.target.value,
                        unitId: String(freeUnitId(config, e.target.value) ?? ''),
                      })
                    }
                    data-testid="dev-bus"
                  >
                    <option value="">{t('cfg.none')}</option>
                    {(config.edge?.buses ?? []).map((b) => (
                      <option key={b.id} value={b.id}>
                        {b.name ?? b.id} · {b.port}
                      </option>
                    ))}
                  </select>
                </Field>
                {form.bus ? (
                  <Field label={t('cfg.unitId')} problem={byField.get('unitId')}>
                    <input
                      inputMode="numeric"
                      value={form.unitId}
                      onChange={(e) => setForm({ ...form, unitId: e.target.value })}
                      data-testid="dev-unit"
                    />
                  </Field>
                ) : null}
              </>
            ) : null}
            {profile?.transport === 'ascii-line' ? (
              <>
                <Field label={t('cfg.serialPort')} problem={byField.get('serial')}>
                  <input
                    value={form.port}
                    placeholder="/dev/ttyUSB1"
                    onChange={(e) => setForm({ ...form, port: e.target.value })}
                    data-testid="dev-port"
                  />
                </Field>
                <Field label={t('cfg.baud')} problem={undefined}>
                  <input
                    inputMode="numeric"
                    value={form.baud}
                    placeholder={String(profile.serial?.baudRate ?? 9600)}
                    onChange={(e) => setForm({ ...form, baud: e.target.value })}
                  />
                </Field>
              </>
            ) : null}
            {profile && profile.deviceClass !== 'sensor' ? (
              <Field label={t('cfg.window')} problem={byField.get('window')}>
                <input value={form.window} onChange={(e) => setForm({ ...form, window: e.target.value })} />
              </Field>
            ) : null}
          </div>
          {profile ? <ProfileInfo profile={profile} /> : null}
          <div className="row">
            <button type="submit" className="btn btn-primary" disabled={busy} data-testid="dev-submit">
              {t('cfg.save')}
            </button>
            <button type="button" className="btn" onClick={() => setForm(null)}>
              {t('cfg.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <p>
          <button type="button" className="btn btn-primary" onClick={startAdd} data-testid="cfg-add-device">
            {t('cfg.add')}
          </button>
        </p>
      )}

      <Buses site={site} config={config} version={version!} change={change} />
      <Credentials
        site={site}
        config={config}
        profiles={byId}
        creds={creds.data ?? []}
        lang={lang}
        busy={busy}
        onNew={(body) =>
          void api.config
            .newCredential(body)
            .then((a) => {
              setSecret(a);
              setNonce((n) => n + 1);
            })
            .catch((e: Error) => setProblems([{ path: '', message: e.message }]))
        }
        onRevoke={(c) => {
          if (window.confirm(t('cfg.confirmRevoke', { username: c.username })))
            void api.config
              .revoke(c.id)
              .then(() => setNonce((n) => n + 1))
              .catch((e: Error) => setProblems([{ path: '', message: e.message }]));
        }}
      />
      {secret ? (
        <div className="card secret" role="dialog" aria-labelledby="cfg-secret-title" data-testid="cfg-secret">
          <h2 id="cfg-secret-title">{t('cfg.secretTitle')}</h2>
          <dl className="kv">
            <dt>{t('cfg.username')}</dt>
            <dd>
              <code>{secret.credential.username}</code>
            </dd>
            <dt>{t('login.password')}</dt>
            <dd>
              <code data-testid="cfg-secret-password">{secret.password}</code>
            </dd>
          </dl>
          <p>{t('cfg.secretHint')}</p>
          <div className="row">
            {secret.credential.device ? (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void download(
                    'POST',
                    `/api/config/sites/${site}/devices/${secret.credential.device}/sheet`,
                    `install-${site}-${secret.credential.device}.pdf`,
                    { password: secret.password },
                  )
                }
              >
                {t('cfg.sheetWithSecret')}
              </button>
            ) : null}
            <button type="button" className="btn" onClick={() => setSecret(null)}>
              {t('cfg.close')}
            </button>
          </div>
        </div>
      ) : null}
      <p>
        <small>
          {t('cfg.versionBy', {
            n: data.version.version,
            at: formatDateTime(data.version.ts, config.timezone, lang),
            who: data.version.actor,
          })}
        </small>
      </p>
    </section>
  );
}

function Field({
  label,
  problem,
  children,
}: {
  label: string;
  problem: string | undefined;
  children: React.ReactNode;
}) {
  return (
    <label className={problem ? 'field field-bad' : 'field'}>
      <span>{label}</span>
      {children}
      {problem ? (
        <small className="error" role="alert">
          {problem}
        </small>
      ) : null}
    </label>
  );
}

/** The profile's register map and wiring notes, so the installer sees what the model answers. */
function ProfileInfo({ profile }: { profile: DeviceProfile }) {
  const { t } = useTranslation();
  return (
    <div className="profile-info" data-testid="dev-register-map">
      <p>
        <small>{profile.description}</small>
      </p>
      {profile.transport === 'mqtt' ? <p>{t('cfg.mqttDevice')}</p> : null}
      {profile.metrics.length ? (
        <table className="table">
          <caption>{t('cfg.registers')}</caption>
          <thead>
            <tr>
              <th scope="col">metric</th>
              <th scope="col">{t('cfg.fn')}</th>
              <th scope="col">{t('cfg.address')}</th>
              <th scope="col">{t('cfg.scale')}</th>
              <th scope="col">{t('cfg.plausible')}</th>
            </tr>
          </thead>
          <tbody>
            {profile.metrics.map((m) => (
              <tr key={m.metric}>
                <td>
                  {m.metric} ({METRIC_UNITS[m.metric]})
                </td>
                <td>{m.register ? `0x0${m.register.function}` : m.line ? 'ASCII' : '—'}</td>
                <td>
                  {m.register
                    ? `${m.register.address}${(m.register.words ?? 1) === 2 || m.register.type === 'float32' ? `–${m.register.address + 1}` : ''}${m.register.signed ? ' ±' : ''}`
                    : (m.line?.pattern ?? '—')}
                </td>
                <td>×{m.register?.scale ?? m.line?.scale ?? 1}</td>
                <td>
                  {m.plausible.min} – {m.plausible.max}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {profile.wiring?.length ? (
        <>
          <h3>{t('cfg.wiring')}</h3>
          <ul>
            {profile.wiring.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </>
      ) : null}
    </div>
  );
}

/** The site's RS-485 buses and the edge's device port (edge part of the site config). */
function Buses({
  site,
  config,
  version,
  change,
}: {
  site: string;
  config: SiteConfig;
  version: number;
  change: (fn: () => Promise<ConfigSite>) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [bus, setBus] = useState({ id: '', port: '', baud: '9600', poll: '1000' });
  const [broker, setBroker] = useState(String(config.edge?.mqttDevices?.port ?? ''));
  const edge = config.edge ?? {};
  return (
    <section className="card" aria-labelledby="cfg-buses">
      <h2 id="cfg-buses">{t('cfg.buses')}</h2>
      <ul>
        {(edge.buses ?? []).map((b) => (
          <li key={b.id}>
            <strong>{b.name ?? b.id}</strong> ({b.id}) · {b.port} · {b.baudRate ?? '—'} · {b.pollMs ?? 1000} ms
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const next = {
            ...edge,
            buses: [
              ...(edge.buses ?? []),
              {
                id: bus.id.trim(),
                port: bus.port.trim(),
                ...(bus.baud ? { baudRate: Number(bus.baud) } : {}),
                ...(bus.poll ? { pollMs: Number(bus.poll) } : {}),
              },
            ],
          };
          void change(() => api.config.patch(site, { settings: { edge: next }, baseVersion: version }));
        }}
      >
        <input placeholder={t('cfg.busId')} value={bus.id} onChange={(e) => setBus({ ...bus, id: e.target.value })} />
        <input placeholder="/dev/ttyUSB0" value={bus.port} onChange={(e) => setBus({ ...bus, port: e.target.value })} />
        <label>
          {t('cfg.baud')}{' '}
          <input
            inputMode="numeric"
            size={6}
            value={bus.baud}
            onChange={(e) => setBus({ ...bus, baud: e.target.value })}
          />
        </label>
        <label>
          {t('cfg.pollMs')}{' '}
          <input
            inputMode="numeric"
            size={6}
            value={bus.poll}
            onChange={(e) => setBus({ ...bus, poll: e.target.value })}
          />
        </label>
        <button type="submit" className="btn">
          {t('cfg.addBus')}
        </button>
      </form>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const { mqttDevices: _m, ...rest } = edge;
          const next = broker.trim() ? { ...rest, mqttDevices: { ...edge.mqttDevices, port: Number(broker) } } : rest;
          void change(() => api.config.patch(site, { settings: { edge: next }, baseVersion: version }));
        }}
      >
        <label>
          {t('cfg.broker')} · {t('cfg.brokerPort')}{' '}
          <input inputMode="numeric" size={6} value={broker} onChange={(e) => setBroker(e.target.value)} />
        </label>
        <button type="submit" className="btn">
          {t('cfg.save')}
        </button>
      </form>
    </section>
  );
}

function Credentials({
  site,
  config,
  profiles,
  creds,
  lang,
  busy,
  onNew,
  onRevoke,
}: {
  site: string;
  config: SiteConfig;
  profiles: Map<string, DeviceProfile>;
  creds: CredentialInfo[];
  lang: string;
  busy: boolean;
  onNew: (body: { site: string; device?: string }) => void;
  onRevoke: (c: CredentialInfo) => void;
}) {
  const { t } = useTranslation();
  const mqttDevices = devicesOf(config).filter(({ device }) => profiles.get(device.profile)?.transport === 'mqtt');
  const [device, setDevice] = useState('');
  return (
    <section className="card" aria-labelledby="cfg-creds">
      <h2 id="cfg-creds">{t('cfg.credentials')}</h2>
      <p>
        <small>{t('cfg.credentialsIntro')}</small>
      </p>
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('cfg.username')}</th>
              <th scope="col">{t('cfg.device')}</th>
              <th scope="col">{t('cfg.created')}</th>
              <th scope="col">{t('cfg.connected')}</th>
              <th scope="col">{t('cfg.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {creds.map((c) => (
              <tr key={c.id} data-testid="cfg-credential" data-username={c.username}>
                <th scope="row">{c.username}</th>
                <td>{c.device ?? t('cfg.gateway')}</td>
                <td>
                  {formatDateTime(c.createdAt, config.timezone, lang)} · {c.createdBy}
                </td>
                <td>{c.connected === null ? '—' : c.connected ? t('common.online') : t('common.offline')}</td>
                <td>
                  <button type="button" className="btn" disabled={busy} onClick={() => onRevoke(c)}>
                    {t('cfg.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="row">
        <button type="button" className="btn" onClick={() => onNew({ site })} data-testid="cfg-new-gateway">
          {t('cfg.newGateway')}
        </button>
        {mqttDevices.length ? (
          <>
            <select value={device} onChange={(e) => setDevice(e.target.value)} aria-label={t('cfg.device')}>
              <option value="">—</option>
              {mqttDevices.map(({ device: d }) => (
                <option key={d.id} value={d.id}>
                  {d.name ?? d.id} ({d.id})
                </option>
              ))}
            </select>
            <button type="button" className="btn" disabled={!device} onClick={() => onNew({ site, device })}>
              {t('cfg.newDevice')}
            </button>
          </>
        ) : null}
      </div>
    </section>
  );
}
