// Pilot a published release on chosen units: first the dry run (per unit, which areas change release, which of
// their files and variables change, and which open cases a migration could move), then the binding itself.
import { useState } from 'react';
import { api, type Pilot, type Unit } from '../api/client';
import { ErrorMessage, asApiError } from '../components/common';
import type { ApiError } from '../api/client';
import { st } from './text';

const short = (hash: string | null) => (hash ? hash.slice(0, 12) : '–');

function Diff({ result }: { result: Pilot }) {
  return (
    <>{result.units.map((unit) => (
      <section key={unit.unit_id} aria-label={unit.unit_name}>
        <h3>{unit.unit_name}</h3>
        <div className="table-wrap"><table className="studio-diff">
          <thead><tr>
            <th scope="col">{st.pilot.area}</th><th scope="col">{st.pilot.fromTo}</th>
            <th scope="col">{st.pilot.filesChanged}</th><th scope="col">{st.pilot.variablesChanged}</th>
            <th scope="col">{st.pilot.migration}</th>
          </tr></thead>
          <tbody>{unit.areas.map((area) => {
            const same = area.from_release === area.to_release && area.from_variant === area.to_variant;
            const migration = area.migration ?? [];
            const safe = migration.filter((c) => c.safe).length;
            return (
              <tr key={area.area} data-area={area.area}>
                <th scope="row">{area.area}</th>
                <td>{same ? st.pilot.unchanged : `${short(area.from_release)} → ${short(area.to_release)}`}
                  {area.from_variant !== area.to_variant && ` (${area.from_variant ?? '–'} → ${area.to_variant})`}</td>
                <td>{area.files.length ? <ul>{area.files.map((f) => <li key={f.path}>{f.path} ({st.pilot.change[f.change] ?? f.change})</li>)}</ul> : st.pilot.none}</td>
                <td>{area.variables.length ? <ul>{area.variables.map((v) => (
                  <li key={v.key}>{v.key}: {String(v.before ?? '–')} → {String(v.after ?? '–')}</li>
                ))}</ul> : st.pilot.none}</td>
                <td>{area.migration === null ? '–' : (
                  <>{st.pilot.cases(safe, migration.length - safe)}
                    {migration.filter((c) => !c.safe).map((c) => (
                      <div key={c.case_id}>{c.event_number}: {st.pilot.blockedBy} {c.blocking.join(', ') || c.reason}</div>
                    ))}</>
                )}</td>
              </tr>
            );
          })}</tbody>
        </table></div>
      </section>
    ))}</>
  );
}

export function PilotPanel({ release, units }: { release: string; units: Unit[] }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [dry, setDry] = useState<Pilot | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (dryRun: boolean) => {
    setBusy(true); setError(null);
    try {
      const result = await api.pilot(release, chosen, dryRun);
      if (dryRun) setDry(result);
      else { setDry(null); setDone(st.pilot.done(result.units.map((u) => u.unit_name).join(', '))); }
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };
  const toggle = (id: string, on: boolean) => {
    setChosen((list) => (on ? [...list, id] : list.filter((x) => x !== id)));
    setDry(null); setDone(null);
  };
  return (
    <section aria-labelledby="studio-pilot">
      <h2 id="studio-pilot">{st.pilot.title}</h2>
      <p>{st.pilot.intro}</p>
      <fieldset className="checkboxes">
        <legend>{st.pilot.units}</legend>
        {units.map((unit) => (
          <div key={unit.id} className="checkbox">
            <label><input type="checkbox" checked={chosen.includes(unit.id)} onChange={(e) => toggle(unit.id, e.target.checked)} /> {unit.name}</label>
          </div>
        ))}
      </fieldset>
      <div className="studio-toolbar">
        <button type="button" className="button" disabled={busy || !chosen.length} onClick={() => run(true)}>{st.pilot.dryRun}</button>
      </div>
      <ErrorMessage error={error} />
      {dry && (
        <>
          <Diff result={dry} />
          <p>{st.pilot.migrationNote}</p>
          <button type="button" className="button button-primary" disabled={busy} onClick={() => run(false)}>{st.pilot.confirm}</button>
        </>
      )}
      {done && <p className="alert alert-success" role="status">{done}</p>}
    </section>
  );
}
