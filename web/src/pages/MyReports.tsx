import { Link } from 'react-router';
import { api } from '../api/client';
import { Badge, ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

export default function MyReports() {
  usePageTitle(t.mine.title);
  const events = useLoad(() => api.events({ limit: 50 }), []);
  if (!events.data) return events.error ? <ErrorMessage error={events.error} /> : <Loading />;
  return (
    <section>
      <h1>{t.mine.title}</h1>
      {events.data.items.length === 0 ? <p>{t.mine.empty}</p> : (
        <div className="table-wrap">
          <table>
            <thead><tr><th scope="col">{t.mine.number}</th><th scope="col">{t.mine.titleCol}</th><th scope="col">{t.mine.status}</th><th scope="col">{t.mine.areas}</th><th scope="col">{t.mine.reported}</th></tr></thead>
            <tbody>
              {events.data.items.map((event) => (
                <tr key={event.number}>
                  <td><Link to={`/handelser/${event.number}`}>{event.number}</Link></td>
                  <td>{event.title}</td>
                  <td><Badge tone={event.status === 'closed' ? 'ok' : 'neutral'}>{event.status_label}</Badge></td>
                  <td>{event.areas.map((area) => area.area_name).join(', ')}</td>
                  <td>{t.time.format(event.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
