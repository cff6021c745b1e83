// 站点设置 (admin): a site's basics, opening hours, summer season, limits (the machine room's class
// from the catalogue's named limit sets, rule limit changes), zones, the version history with roll
// back, export and import of the site file, a new site, and removing one. Each save is a new version
// the server applies at once; a refused one shows every problem with its field.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfigSite, PatchSiteBody } from '@hallmon/contract';
import { ZONE_KINDS, type SiteConfig, type ZoneKind } from '@hallmon/firmware-config/core';
import { api, ApiError, type FieldProblem } from '../api/client.ts';
import { useApi } from '../hooks.ts';
import { useApp } from '../app-context.ts';
import { navigate } from '../router.ts';
import { catalogue, ruleTitle } from '../lib/clauses.ts';
import { download } from '../lib/config.ts';
import { formatDateTime } from '../lib/time-format.ts';
import { EdgeState, Problems } from './ConfigParts.tsx';

type Hours = SiteConfig['openingHours'];
type Overrides = NonNullable<SiteConfig['overrides']>;

export default function SiteSettings({ siteId }: { siteId?: string }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const [nonce, setNonce] = useState(0);
  const { reloadSites } = useApp();
  const list = useApi((s) => api.config.sites(s), [nonce]);
  const site = siteId ?? list.data?.[0]?.id;
  const cfg = useApi((s) => (site ? api.config.site(site, s) : Promise.resolve(undefined)), [site, nonce]);
  const versions = useApi((s) => (site ? api.config.versions(site, s) : Promise.resolve([])), [site, nonce]);
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [notice, setNotice] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function change(fn: () => Promise<ConfigSite | null>, message?: (s: ConfigSite) => string) {
    setBusy(true);
    setProblems([]);
    setNotice(undefined);
    try {
      const s = await fn();
      if (s) setNotice(message ? message(s) : t('cfg.saved', { n: s.version.version }));
      setNonce((n) => n + 1);
      reloadSites?.();
      return s;
    } catch (e) {
      if (e instanceof ApiError && e.problems.length) setProblems(e.problems);
      else setProblems([{ path: '', message: e instanceof Error ? e.message : String(e) }]);
      return null;
    } finally {
      setBusy(false);
    }
  }

  const data = cfg.data;
  if (list.error) return <p className="error">{t('common.error', { message: list.error })}</p>;
  if (!list.data) return <p>{t('common.loading')}</p>;
  const patch = (body: Omit<PatchSiteBody, 'baseVersion'>) =>
    change(() => api.config.patch(site!, { ...body, baseVersion: data!.version.version }));

  return (
    <section aria-labelledby="cfg-site-title">
      <div className="page-head">
        <h1 id="cfg-site-title">{t('cfg.settingsTitle')}</h1>
        {list.data.length > 1 ? (
          <label className="site-picker">
            {t('header.site')}{' '}
            <select value={site} onChange={(e) => navigate('site-settings', e.target.value)} data-testid="cfg-site">
              {list.data.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
      </div>
      {notice ? (
        <p className="notice" role="status" data-testid="cfg-notice">
          {notice}
        </p>
      ) : null}
      <Problems problems={problems} />
      {data ? (
        <>
          <EdgeState site={data} lang={lang} />
          <Basics
            key={`b${data.version.version}`}
            config={data.config}
            busy={busy}
            onSave={(s) => void patch({ settings: s })}
          />
          <OpeningHours
            key={`h${data.version.version}`}
            hours={data.config.openingHours}
            busy={busy}
            onSave={(openingHours) => void patch({ settings: { openingHours } })}
          />
          <Season
            key={`s${data.version.version}`}
            summer={data.config.summer}
            busy={busy}
            onSave={(summer) => void patch(summer ? { settings: { summer } } : { settings: {}, unset: ['summer'] })}
          />
          <Limits
            key={`l${data.version.version}`}
            config={data.config}
            lang={lang}
            busy={busy}
            onSave={(limitProfiles, overrides) =>
              void patch({
                settings: {
                  ...(limitProfiles.length ? { limitProfiles } : {}),
                  ...(overrides.length ? { overrides } : {}),
                },
                unset: [
                  ...(limitProfiles.length ? [] : (['limitProfiles'] as const)),
                  ...(overrides.length ? [] : (['overrides'] as const)),
                ],
              })
            }
          />
          <Zones
            config={data.config}
            busy={busy}
            onAdd={(zone) => void change(() => api.config.addZone(site!, { zone, baseVersion: data.version.version }))}
            onRename={(zone, name) =>
              void change(() =>
                api.config.patchZone(site!, zone, { zone: { name }, baseVersion: data.version.version }),
              )
            }
            onRemove={(zone) => void change(() => api.config.removeZone(site!, zone))}
          />
          <section className="card" aria-labelledby="cfg-versions">
            <h2 id="cfg-versions">{t('cfg.versions')}</h2>
            <div className="row">
              <button
                type="button"
                className="btn"
                onClick={() => void download('GET', `/api/config/sites/${site}/export?format=json`, `${site}.json`)}
              >
                {t('cfg.exportJson')}
              </button>
              <button
                type="button"
                className="btn"
                onClick={() => void download('GET', `/api/config/sites/${site}/export?format=yaml`, `${site}.yaml`)}
              >
                {t('cfg.exportYaml')}
              </button>
              <label className="btn">
                {t('cfg.importFile')}{' '}
                <input
                  type="file"
                  accept=".json,.yaml,.yml"
                  data-testid="cfg-import"
                  onChange={(e) => {
                    const file = e.target.files?.[0];
                    e.target.value = '';
                    if (!file) return;
                    void file.text().then((text) =>
                      change(
                        () => api.config.importText(text, file.name),
                        (s) => t('cfg.imported', { n: s.version.version }),
                      ),
                    );
                  }}
                />
              </label>
            </div>
            <div className="table-wrap">
              <table className="table" data-testid="cfg-versions">
                <thead>
                  <tr>
                    <th scope="col">v</th>
                    <th scope="col">{t('cfg.at')}</th>
                    <th scope="col">{t('cfg.by')}</th>
                    <th scope="col">{t('cfg.change')}</th>
                    <th scope="col">{t('cfg.summary')}</th>
                    <th scope="col">{t('cfg.actions')}</th>
                  </tr>
                </thead>
                <tbody>
                  {(versions.data ?? []).map((v) => (
                    <tr key={v.version} data-testid="cfg-version" data-version={v.version}>
                      <th scope="row">v{v.version}</th>
                      <td>{formatDateTime(v.ts, data.config.timezone, lang)}</td>
                      <td>{v.actor}</td>
                      <td>{t(`cfg.changes.${v.change}`)}</td>
                      <td>
                        {v.summary}
                        {v.note ? <small> · {v.note}</small> : null}
                      </td>
                      <td>
                        {v.version === data.version.version ? (
                          <small>{t('cfg.current')}</small>
                        ) : (
                          <button
                            type="button"
                            className="btn"
                            disabled={busy}
                            onClick={() => {
                              if (window.confirm(t('cfg.confirmRollback', { n: v.version })))
                                void change(() => api.config.rollback(site!, v.version));
                            }}
                          >
                            {t('cfg.rollback')}
                          </button>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
          <p>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => {
                if (!window.confirm(t('cfg.confirmRemoveSite', { id: site }))) return;
                void change(async () => {
                  await api.config.remove(site!);
                  navigate('site-settings');
                  return null;
                });
              }}
            >
              {t('cfg.removeSite')}
            </button>
          </p>
        </>
      ) : cfg.error ? (
        <p className="error">{t('common.error', { message: cfg.error })}</p>
      ) : null}
      <NewSite
        busy={busy}
        onCreate={(config) =>
          void change(() => api.config.create(config)).then((s) => {
            if (s) navigate('site-settings', s.id);
          })
        }
      />
    </section>
  );
}

function Basics({
  config,
  busy,
  onSave,
}: {
  config: SiteConfig;
  busy: boolean;
  onSave: (s: NonNullable<PatchSiteBody['settings']>) => void;
}) {
  const { t } = useTranslation();
  const [f, setF] = useState({
    name: config.name,
    nameEn: config.nameEn ?? '',
    timezone: config.timezone,
    rulesAt: config.rulesAt ?? 'edge',
    renotify: String(config.renotifyAfterS ?? ''),
  });
  return (
    <form
      className="card"
      aria-labelledby="cfg-basics"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({
          name: f.name,
          ...(f.nameEn ? { nameEn: f.nameEn } : {}),
          timezone: f.timezone,
          rulesAt: f.rulesAt,
          ...(f.renotify ? { renotifyAfterS: Number(f.renotify) } : {}),
        });
      }}
    >
      <h2 id="cfg-basics">{t('cfg.basics')}</h2>
      <div className="form-grid">
        <label className="field">
          <span>{t('cfg.name')}</span>
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} data-testid="site-name" />
        </label>
        <label className="field">
          <span>{t('cfg.nameEn')}</span>
          <input value={f.nameEn} onChange={(e) => setF({ ...f, nameEn: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('cfg.timezone')}</span>
          <input value={f.timezone} onChange={(e) => setF({ ...f, timezone: e.target.value })} />
        </label>
        <label className="field">
          <span>{t('cfg.rulesAt')}</span>
          <select value={f.rulesAt} onChange={(e) => setF({ ...f, rulesAt: e.target.value as 'edge' | 'server' })}>
            <option value="edge">{t('cfg.rulesAtEdge')}</option>
            <option value="server">{t('cfg.rulesAtServer')}</option>
          </select>
        </label>
        <label className="field">
          <span>{t('cfg.renotify')}</span>
          <input inputMode="numeric" value={f.renotify} onChange={(e) => setF({ ...f, renotify: e.target.value })} />
        </label>
      </div>
      <button type="submit" className="btn btn-primary" disabled={busy} data-testid="site-basics-save">
        {t('cfg.save')}
      </button>
    </form>
  );
}

function OpeningHours({ hours, busy, onSave }: { hours: Hours; busy: boolean; onSave: (h: Hours) => void }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Hours>(hours);
  const days = t('cfg.dayNames', { returnObjects: true }) as string[];
  return (
    <form
      className="card"
      aria-labelledby="cfg-hours"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(rows);
      }}
    >
      <h2 id="cfg-hours">{t('cfg.hours')}</h2>
      {rows.map((r, i) => (
        <fieldset key={i} className="row">
          <legend className="sr-only">
            {t('cfg.hours')} {i + 1}
          </legend>
          {days.map((d, k) => (
            <label key={d}>
              <input
                type="checkbox"
                checked={r.days.includes(k + 1)}
                onChange={(e) => {
                  const next = e.target.checked
                    ? [...r.days, k + 1].sort((a, b) => a - b)
                    : r.days.filter((x) => x !== k + 1);
                  setRows(rows.map((x, j) => (j === i ? { ...x, days: next } : x)));
                }}
              />
              {d}
            </label>
          ))}
          <label>
            {t('cfg.from')}{' '}
            <input
              type="time"
              value={r.from}
              onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, from: e.target.value } : x)))}
              data-testid={`hours-from-${i}`}
            />
          </label>
          <label>
            {t('cfg.to')}{' '}
            <input
              type="time"
              value={r.to === '24:00' ? '23:59' : r.to}
              onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, to: e.target.value } : x)))}
              data-testid={`hours-to-${i}`}
            />
          </label>
          <button type="button" className="btn" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            {t('cfg.remove')}
          </button>
        </fieldset>
      ))}
      <div className="row">
        <button
          type="button"
          className="btn"
          onClick={() => setRows([...rows, { days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }])}
        >
          {t('cfg.addHours')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="hours-save">
          {t('cfg.save')}
        </button>
      </div>
    </form>
  );
}

function Season({
  summer,
  busy,
  onSave,
}: {
  summer: SiteConfig['summer'];
  busy: boolean;
  onSave: (s: SiteConfig['summer']) => void;
}) {
  const { t } = useTranslation();
  const [from, setFrom] = useState(summer?.from ?? '05-01');
  const [to, setTo] = useState(summer?.to ?? '09-30');
  return (
    <form
      className="card row"
      aria-labelledby="cfg-season"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ from, to });
      }}
    >
      <h2 id="cfg-season">{t('cfg.season')}</h2>
      <label>
        {t('cfg.seasonFrom')} <input size={6} value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label>
        {t('cfg.seasonTo')} <input size={6} value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="submit" className="btn" disabled={busy}>
        {t('cfg.save')}
      </button>
    </form>
  );
}

function Limits({
  config,
  lang,
  busy,
  onSave,
}: {
  config: SiteConfig;
  lang: string;
  busy: boolean;
  onSave: (limitProfiles: NonNullable<SiteConfig['limitProfiles']>, overrides: Overrides) => void;
}) {
  const { t } = useTranslation();
  const machineRooms = config.zones.filter((z) => z.kind === 'machine-room');
  const named = Object.keys(catalogue.profiles ?? {});
  const [uses, setUses] = useState(config.limitProfiles ?? []);
  const [overrides, setOverrides] = useState<Overrides>(config.overrides ?? []);
  const kinds = new Set(config.zones.map((z) => z.kind));
  const rules = catalogue.clauses.flatMap((c) =>
    c.rules.filter((r) => r.limits && r.zoneKinds.some((k) => kinds.has(k))).map((r) => ({ clause: c.id, rule: r })),
  );
  const num = (v: string) => (v.trim() === '' ? undefined : Number(v));
  return (
    <form
      className="card"
      aria-labelledby="cfg-limits"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(uses, overrides);
      }}
    >
      <h2 id="cfg-limits">{t('cfg.limits')}</h2>
      {machineRooms.map((z) => {
        const current = uses.find((u) => u.zone === z.id)?.profile ?? '';
        return (
          <label key={z.id} className="field">
            <span>
              {t('cfg.mrClass')} · {z.name}
            </span>
            <select
              value={current}
              data-testid={`mr-class-${z.id}`}
              onChange={(e) => {
                const rest = uses.filter((u) => u.zone !== z.id);
                setUses(e.target.value ? [...rest, { profile: e.target.value, zone: z.id }] : rest);
              }}
            >
              <option value="">{t('cfg.mrDefault')}</option>
              {named.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>
        );
      })}
      <h3>{t('cfg.overrides')}</h3>
      {overrides.map((o, i) => (
        <div key={i} className="row">
          <select
            value={o.rule}
            aria-label={t('cfg.rule')}
            onChange={(e) => setOverrides(overrides.map((x, j) => (j === i ? { ...x, rule: e.target.value } : x)))}
          >
            {rules.map(({ clause, rule }) => (
              <option key={rule.id} value={rule.id}>
                {clause} · {ruleTitle(rule.id, lang)}
              </option>
            ))}
          </select>
          <select
            value={o.zone ?? ''}
            aria-label={t('cfg.zone')}
            onChange={(e) =>
              setOverrides(
                overrides.map((x, j) => {
                  if (j !== i) return x;
                  const { zone: _z, ...rest } = x;
                  return e.target.value ? { ...rest, zone: e.target.value } : rest;
                }),
              )
            }
          >
            <option value="">{t('cfg.allZones')}</option>
            {config.zones.map((z) => (
              <option key={z.id} value={z.id}>
                {z.name}
              </option>
            ))}
          </select>
          {(['min', 'max'] as const).map((side) => (
            <label key={side}>
              {t(`cfg.${side}`)}{' '}
              <input
                size={6}
                inputMode="decimal"
                value={o.limits?.[side] ?? ''}
                onChange={(e) =>
                  setOverrides(
                    overrides.map((x, j) => {
                      if (j !== i) return x;
                      const limits = { ...x.limits };
                      const v = num(e.target.value);
                      if (v === undefined) delete limits[side];
                      else limits[side] = v;
                      return { ...x, limits };
                    }),
                  )
                }
              />
            </label>
          ))}
          <button type="button" className="btn" onClick={() => setOverrides(overrides.filter((_, j) => j !== i))}>
            {t('cfg.remove')}
          </button>
        </div>
      ))}
      <div className="row">
        <button
          type="button"
          className="btn"
          disabled={!rules.length}
          onClick={() =>
            setOverrides([...overrides, { rule: rules[0]!.rule.id, limits: { ...rules[0]!.rule.limits } }])
          }
        >
          {t('cfg.addOverride')}
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy} data-testid="limits-save">
          {t('cfg.save')}
        </button>
      </div>
    </form>
  );
}

function Zones({
  config,
  busy,
  onAdd,
  onRename,
  onRemove,
}: {
  config: SiteConfig;
  busy: boolean;
  onAdd: (z: { id: string; kind: ZoneKind; name: string }) => void;
  onRename: (zone: string, name: string) => void;
  onRemove: (zone: string) => void;
}) {
  const { t } = useTranslation();
  const [z, setZ] = useState<{ id: string; kind: ZoneKind; name: string }>({ id: '', kind: 'other', name: '' });
  const [names, setNames] = useState(() => new Map(config.zones.map((x) => [x.id, x.name])));
  useEffect(() => setNames(new Map(config.zones.map((x) => [x.id, x.name]))), [config]);
  return (
    <section className="card" aria-labelledby="cfg-zones">
      <h2 id="cfg-zones">{t('cfg.zones')}</h2>
      <ul>
        {config.zones.map((x) => (
          <li key={x.id} className="row">
            <input
              value={names.get(x.id) ?? ''}
              aria-label={`${t('cfg.name')} ${x.id}`}
              onChange={(e) => setNames(new Map(names).set(x.id, e.target.value))}
            />
            <small>
              {x.id} · {t(`cfg.kinds.${x.kind}`)} · {x.devices.length}
            </small>
            <button
              type="button"
              className="btn"
              disabled={busy}
              onClick={() => onRename(x.id, names.get(x.id) ?? x.name)}
            >
              {t('cfg.save')}
            </button>
            <button
              type="button"
              className="btn"
              disabled={busy || x.devices.length > 0}
              onClick={() => onRemove(x.id)}
            >
              {t('cfg.remove')}
            </button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          onAdd(z);
        }}
      >
        <input placeholder={t('cfg.zoneId')} value={z.id} onChange={(e) => setZ({ ...z, id: e.target.value })} />
        <input placeholder={t('cfg.name')} value={z.name} onChange={(e) => setZ({ ...z, name: e.target.value })} />
        <select
          value={z.kind}
          onChange={(e) => setZ({ ...z, kind: e.target.value as ZoneKind })}
          aria-label={t('cfg.kind')}
        >
          {ZONE_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`cfg.kinds.${k}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn" disabled={busy}>
          {t('cfg.addZone')}
        </button>
      </form>
    </section>
  );
}

function NewSite({ busy, onCreate }: { busy: boolean; onCreate: (c: SiteConfig) => void }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [f, setF] = useState({ id: '', name: '', timezone: 'Asia/Shanghai' });
  if (!open)
    return (
      <p>
        <button type="button" className="btn" onClick={() => setOpen(true)} data-testid="cfg-new-site">
          {t('cfg.newSite')}
        </button>
      </p>
    );
  return (
    <form
      className="card row"
      onSubmit={(e) => {
        e.preventDefault();
        onCreate({
          id: f.id.trim(),
          name: f.name.trim(),
          timezone: f.timezone,
          // The centres work seven days a week (全年无休); change it under opening hours after.
          openingHours: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '09:00', to: '17:00' }],
          zones: [{ id: 'hall', kind: 'hall', name: t('cfg.kinds.hall'), devices: [] }],
        });
      }}
    >
      <h2>{t('cfg.newSite')}</h2>
      <input placeholder={t('cfg.siteId')} value={f.id} onChange={(e) => setF({ ...f, id: e.target.value })} />
      <input placeholder={t('cfg.name')} value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} />
      <input
        value={f.timezone}
        onChange={(e) => setF({ ...f, timezone: e.target.value })}
        aria-label={t('cfg.timezone')}
      />
      <button type="submit" className="btn btn-primary" disabled={busy}>
        {t('cfg.create')}
      </button>
      <button type="button" className="btn" onClick={() => setOpen(false)}>
        {t('cfg.cancel')}
      </button>
    </form>
  );
}
