// /arsrapport: the annual figures for a care provider's patient safety report, per legal entity and year,
// shown as tables and downloaded as PDF or JSON. The server decides who may read them and counts only what the
// caller may see.
import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { api, ApiError, type Annual } from '../api/client';
import { ErrorMessage, Loading, Notice, useLoad, usePageTitle } from '../components/common';
import { areaName } from '../components/names';
import { t } from '../text';

type Row = Record<string, unknown>;

function Table({ caption, head, rows }: { caption: string; head: string[]; rows: (string | number)[][] }) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead><tr>{head.map((h, i) => <th key={h} scope="col" className={i ? 'num' : undefined}>{h}</th>)}</tr></thead>
        <tbody>{rows.map((row, r) => (
          <tr key={r}>{row.map((cell, i) => i ? <td key={i} className="num">{cell}</td> : <th key={i} scope="row">{cell}</th>)}</tr>
        ))}</tbody>
      </table>
    </div>
  );
}

const list = (value: unknown) => (Array.isArray(value) ? (value as Row[]) : []);
const obj = (value: unknown) => (value && typeof value === 'object' ? (value as Row) : {});

function Figures({ figures }: { figures: Annual }) {
  const d = obj(figures.deviations);
  const n = obj(figures.notifications);
  const c = obj(figures.complaints);
  const a = obj(figures.actions);
  const cls = obj(figures.classification);
  const maria = obj(n.lex_maria);
  const sarah = obj(n.lex_sarah);
  return (
    <div className="annual-figures">
      <h2>{t.annual.deviations} <span className="who-small">{t.annual.total(Number(d.total))}</span></h2>
      <Table caption={t.annual.byArea} head={[t.annual.area, t.annual.count]}
             rows={list(d.by_area).map((r) => [String(r.area_name), Number(r.count)])} />
      {cls.verified === false && <Notice kind="warning">{t.annual.unverified} {String(cls.note ?? '')}</Notice>}
      <Table caption={t.annual.byClass(String(cls.name))} head={[t.annual.klass, t.annual.count]}
             rows={list(d.by_class).map((r) => [String(r.label), Number(r.count)])} />
      <Table caption={t.annual.byConsequence} head={[t.annual.consequence, t.annual.actual, t.annual.potential]}
             rows={list(d.by_consequence).map((r) => [String(r.label), Number(r.actual), Number(r.potential)])} />
      <h2>{t.annual.notifications}</h2>
      <Table caption={t.annual.notifications} head={[t.annual.notifications, t.annual.count]}
             rows={[[t.annual.lexMaria, Number(maria.count)], [t.annual.lexSarah, Number(sarah.count)]]} />
      {[...list(maria.items), ...list(sarah.items)].length > 0 && (
        <ul className="link-list">{[...list(maria.items), ...list(sarah.items)].map((item) => (
          <li key={String(item.event_number) + String(item.decided_at)}>
            {String(item.event_number)} · {String(item.event_title)} ({areaName(String(item.area))})
            {item.reference ? ` – ${t.annual.reference}: ${String(item.reference)}` : ''}
          </li>
        ))}</ul>
      )}
      <h2>{t.annual.complaints} <span className="who-small">{t.annual.total(Number(c.total))}</span></h2>
      <Table caption={t.annual.outcome} head={[t.annual.outcome, t.annual.count]}
             rows={[...list(c.by_outcome).map((r) => [String(r.label), Number(r.count)]),
                    [t.annual.patientSafety, Number(c.patient_safety_events)]]} />
      <h2>{t.annual.actions} <span className="who-small">{t.annual.total(Number(a.total))}</span></h2>
      <Table caption={t.annual.status} head={[t.annual.status, t.annual.count]}
             rows={list(a.by_status).map((r) => [String(r.label), Number(r.count)])} />
      <Table caption={t.annual.effect} head={[t.annual.effect, t.annual.count]}
             rows={list(a.by_effect).map((r) => [String(r.label), Number(r.count)])} />
    </div>
  );
}

export default function AnnualReport() {
  usePageTitle(t.annual.title);
  const [params, setParams] = useSearchParams();
  const entities = useLoad(() => api.annualEntities(), []);
  const thisYear = new Date().getFullYear();
  const entity = params.get('huvudman') ?? entities.data?.[0]?.id ?? '';
  const year = Number(params.get('ar') ?? thisYear);
  const [draftYear, setDraftYear] = useState(String(year));
  const [draftEntity, setDraftEntity] = useState('');
  const figures = useLoad(() => (entity ? api.annual(entity, year) : Promise.resolve(null)), [entity, year]);
  const [error, setError] = useState<ApiError | null>(null);

  if (!entities.data) return entities.error ? <ErrorMessage error={entities.error} /> : <Loading />;
  if (entities.data.length === 0) return <><h1>{t.annual.title}</h1><p>{t.annual.noEntities}</p></>;
  const download = (format: 'pdf' | 'json') => {
    setError(null);
    api.downloadAnnual(entity, year, format).catch((e) => setError(e instanceof ApiError ? e : null));
  };
  return (
    <article>
      <h1>{t.annual.title}</h1>
      <p>{t.annual.intro}</p>
      <form className="inline-form" onSubmit={(e) => {
        e.preventDefault();
        setParams({ huvudman: draftEntity || entity, ar: draftYear });
      }}>
        <div>
          <label htmlFor="huvudman">{t.annual.entity}</label>
          <select id="huvudman" className="form-control" value={draftEntity || entity} onChange={(e) => setDraftEntity(e.target.value)}>
            {entities.data.map((u) => <option key={u.id} value={u.id}>{u.name}</option>)}
          </select>
        </div>
        <div>
          <label htmlFor="ar">{t.annual.year}</label>
          <input id="ar" className="form-control" type="number" min={2000} max={2100} value={draftYear}
                 onChange={(e) => setDraftYear(e.target.value)} />
        </div>
        <button type="submit">{t.annual.show}</button>
      </form>
      <p>
        <button type="button" className="button" onClick={() => download('pdf')}>{t.annual.pdf}</button>{' '}
        <button type="button" className="button" onClick={() => download('json')}>{t.annual.json}</button>
      </p>
      <ErrorMessage error={error} />
      <ErrorMessage error={figures.error} />
      {figures.data ? <Figures figures={figures.data} /> : !figures.error && <Loading />}
    </article>
  );
}
