import { useState } from 'react';
import { api, type Deputy } from '../api/client';
import { useSession } from '../auth/session';
import { ErrorMessage, Loading, Notice, asApiError, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

const today = () => new Date().toISOString().slice(0, 10);
// A day picked in the form is a whole local day: from its start to the end of the last day.
const startOf = (day: string) => new Date(`${day}T00:00:00`).toISOString();
const endOf = (day: string) => new Date(`${day}T23:59:59`).toISOString();
const shown = (iso: string) => iso.slice(0, 10);

export default function Deputies() {
  usePageTitle(t.deputies.title);
  const { me } = useSession();
  const list = useLoad(() => api.deputies(), []);
  const own = (me?.grants ?? []).filter((g) => !g.on_behalf_of);
  const [grant, setGrant] = useState('0');
  const [deputy, setDeputy] = useState('');
  const [from, setFrom] = useState(today());
  const [to, setTo] = useState(today());
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [named, setNamed] = useState(false);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const chosen = own[Number(grant)];
    if (!chosen) return;
    setError(null);
    setNamed(false);
    try {
      await api.nameDeputy({ deputy: deputy.trim(), role: chosen.role, unit: chosen.unit_id, starts_at: startOf(from), ends_at: endOf(to) });
      setNamed(true);
      setDeputy('');
      list.reload();
    } catch (failure) {
      setError(asApiError(failure));
    }
  }

  async function revoke(item: Deputy) {
    try {
      await api.revokeDeputy(item.id);
      list.reload();
    } catch (failure) {
      setError(asApiError(failure));
    }
  }

  const line = (d: Deputy, who: string) => t.deputies.line(who, d.role, d.unit_id, shown(d.starts_at), shown(d.ends_at));
  const given = list.data?.filter((d) => d.direction === 'given') ?? [];
  const received = list.data?.filter((d) => d.direction === 'received') ?? [];
  return (
    <section className="narrow">
      <h1>{t.deputies.title}</h1>
      <p className="lead">{t.deputies.intro}</p>
      <ErrorMessage error={error} />
      {named && <Notice kind="success">{t.deputies.named}</Notice>}
      {own.length === 0 ? <p>{t.deputies.noRoles}</p> : (
        <form onSubmit={submit} className="stack">
          <label htmlFor="ers-roll">{t.deputies.role}</label>
          <select id="ers-roll" value={grant} onChange={(e) => setGrant(e.target.value)}>
            {own.map((g, i) => <option key={`${g.role}@${g.unit_id}`} value={i}>{g.role} – {g.unit_name}</option>)}
          </select>
          <label htmlFor="ers-vem">{t.deputies.deputy}</label>
          <input id="ers-vem" value={deputy} onChange={(e) => setDeputy(e.target.value)} required autoComplete="off" />
          <label htmlFor="ers-fran">{t.deputies.starts}</label>
          <input id="ers-fran" type="date" value={from} onChange={(e) => setFrom(e.target.value)} required />
          <label htmlFor="ers-till">{t.deputies.ends}</label>
          <input id="ers-till" type="date" value={to} onChange={(e) => setTo(e.target.value)} required />
          <button type="submit" className="button">{t.deputies.submit}</button>
        </form>
      )}
      {!list.data ? (list.error ? <ErrorMessage error={list.error} /> : <Loading />) : (
        <>
          <h2>{t.deputies.given}</h2>
          {given.length === 0 ? <p>{t.deputies.none}</p> : (
            <ul className="link-list" data-testid="deputies-given">
              {given.map((d) => (
                <li key={d.id}>{line(d, d.deputy)} <button type="button" className="link-button" onClick={() => revoke(d)}>{t.deputies.revoke}</button></li>
              ))}
            </ul>
          )}
          <h2>{t.deputies.received}</h2>
          {received.length === 0 ? <p>{t.deputies.none}</p> : (
            <ul className="link-list" data-testid="deputies-received">{received.map((d) => <li key={d.id}>{line(d, d.principal)}</li>)}</ul>
          )}
        </>
      )}
    </section>
  );
}
