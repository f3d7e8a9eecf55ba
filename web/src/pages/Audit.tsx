import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

export default function Audit() {
  usePageTitle(t.audit.title);
  const { number = '' } = useParams();
  const navigate = useNavigate();
  const [input, setInput] = useState(number);
  const log = useLoad(() => (number ? api.audit(number) : Promise.resolve(null)), [number]);
  return (
    <section>
      <h1>{t.audit.title}</h1>
      <p>{t.audit.intro}</p>
      <form className="inline-form" onSubmit={(event) => { event.preventDefault(); navigate(`/logg/${input.trim()}`); }}>
        <label htmlFor="logg-nummer">{t.audit.number}</label>
        <input id="logg-nummer" className="form-control" value={input} onChange={(event) => setInput(event.target.value)} />
        <button type="submit" className="button">{t.audit.show}</button>
      </form>
      <ErrorMessage error={log.error} />
      {number && !log.data && !log.error && <Loading />}
      {log.data && (
        <>
          <h2><Link to={`/handelser/${log.data.event_number}`}>{log.data.event_number}</Link> · {log.data.event_title}</h2>
          <h3>{t.audit.changes}</h3>
          {log.data.changes.length === 0 ? <p>{t.audit.none}</p> : (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">{t.audit.at}</th><th scope="col">{t.audit.actor}</th><th scope="col">{t.audit.what}</th></tr></thead>
              <tbody>{log.data.changes.map((row, i) => (
                <tr key={i}><td>{t.time.format(row.at)}</td><td>{row.actor ?? '–'}</td><td>{row.operation} {row.entity} {row.entity_id}</td></tr>
              ))}</tbody>
            </table></div>
          )}
          <h3>{t.audit.reads}</h3>
          {log.data.reads.length === 0 ? <p>{t.audit.none}</p> : (
            <div className="table-wrap"><table>
              <thead><tr><th scope="col">{t.audit.at}</th><th scope="col">{t.audit.actor}</th><th scope="col">{t.audit.purpose}</th></tr></thead>
              <tbody>{log.data.reads.map((row, i) => (
                <tr key={i}><td>{t.time.format(row.at)}</td><td>{row.actor}</td><td>{row.purpose}</td></tr>
              ))}</tbody>
            </table></div>
          )}
        </>
      )}
    </section>
  );
}
