// The events the user may see: a reporter's own reports; a handler's events, searchable and filterable.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { Badge, ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { areaName } from '../components/names';
import { t } from '../text';

const PAGE = 25;
const STATUSES = ['submitted', 'in_progress', 'closed'] as const;

export default function MyReports() {
  const { hasRole } = useSession();
  const handler = hasRole();
  const title = handler ? t.mine.titleHandler : t.mine.title;
  usePageTitle(title);
  const [params, setParams] = useSearchParams();
  const text = params.get('sok') ?? '';
  const status = params.get('status') ?? '';
  const page = Math.max(0, Number(params.get('sida') ?? '1') - 1);
  const [query, setQuery] = useState(text);
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);
  const events = useLoad(() => api.events({ text, status, limit: PAGE, offset: page * PAGE }), [text, status, page]);
  const go = (next: Record<string, string>) =>
    setParams({ ...(text && { sok: text }), ...(status && { status }), ...next });
  const total = events.data ? `${events.data.total}${events.data.total_capped ? '+' : ''}` : '';

  return (
    <section>
      <h1>{title}</h1>
      {handler && (
        <form className="inline-form filters" role="search" onSubmit={(e) => { e.preventDefault(); go({ sok: query, sida: '1' }); }}>
          <div>
            <label htmlFor="sok">{t.mine.search}</label>
            <input id="sok" type="search" className="form-control" value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div>
            <label htmlFor="status">{t.mine.status}</label>
            <select id="status" className="form-control" value={status} onChange={(e) => go({ status: e.target.value, sida: '1' })}>
              <option value="">{t.mine.allStatuses}</option>
              {STATUSES.map((s) => <option key={s} value={s}>{t.mine.statuses[s]}</option>)}
            </select>
          </div>
          <button type="submit" className="button">{t.mine.searchButton}</button>
        </form>
      )}
      {handler && (
        <div className="button-row">
          {(['xlsx', 'csv'] as const).map((format) => (
            <button key={format} type="button" className="button" onClick={() => {
              setDownloadError(null);
              api.download('/events', { text, status, format }).catch((e) => setDownloadError(asApiError(e)));
            }}>{format === 'xlsx' ? t.nav.downloadXlsx : t.nav.downloadCsv}</button>
          ))}
        </div>
      )}
      <ErrorMessage error={downloadError} />
      <ErrorMessage error={events.error} />
      {!events.data ? (!events.error && <Loading />) : events.data.items.length === 0 ? <p>{t.mine.empty}</p> : (
        <>
          <p className="who-small" role="status">{t.mine.count(total)}</p>
          <div className="table-wrap">
            <table>
              <thead><tr><th scope="col">{t.mine.number}</th><th scope="col">{t.mine.titleCol}</th><th scope="col">{t.mine.status}</th><th scope="col">{t.mine.areas}</th><th scope="col">{t.mine.reported}</th></tr></thead>
              <tbody>
                {events.data.items.map((event) => (
                  <tr key={event.number}>
                    <td><Link to={`/handelser/${event.number}`}>{event.number}</Link></td>
                    <td>{event.title}</td>
                    <td><Badge tone={event.status === 'closed' ? 'ok' : 'neutral'}>{event.status_label}</Badge></td>
                    <td>{event.areas.map((area) => area.area_name || areaName(area.area)).join(', ')}</td>
                    <td>{t.time.format(event.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      <nav className="pager" aria-label={t.worklist.page(page + 1)}>
        <button type="button" className="button" disabled={page === 0} onClick={() => go({ sida: String(page) })}>{t.worklist.previous}</button>
        <span>{t.worklist.page(page + 1)}</span>
        <button type="button" className="button" disabled={!events.data || (page + 1) * PAGE >= events.data.total}
                onClick={() => go({ sida: String(page + 2) })}>{t.worklist.next}</button>
      </nav>
    </section>
  );
}
