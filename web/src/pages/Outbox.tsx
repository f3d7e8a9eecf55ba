import { useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { api } from '../api/client';
import type { OutboxItem } from '../api/client';
import { asApiError, Badge, ErrorMessage, Loading, Notice, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

const STATUSES = ['pending', 'sent', 'dead', 'skipped'];
const TONE: Record<string, 'neutral' | 'ok' | 'warn' | 'bad'> = { pending: 'warn', sent: 'ok', dead: 'bad', skipped: 'neutral' };

export default function Outbox() {
  usePageTitle(t.outbox.title);
  const [params] = useSearchParams();
  const status = params.get('status') ?? '';
  const navigate = useNavigate();
  const [choice, setChoice] = useState(status);
  const rows = useLoad(() => api.outbox(status || undefined), [status]);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [retried, setRetried] = useState(false);

  const retry = async (item: OutboxItem) => {
    setError(null);
    try {
      const updated = await api.retryOutbox(item.id);
      rows.setData((current) => current && current.map((r) => (r.id === updated.id ? updated : r)));
      setRetried(true);
    } catch (e) {
      setError(asApiError(e));
    }
  };

  return (
    <section>
      <h1>{t.outbox.title}</h1>
      <p>{t.outbox.intro}</p>
      <form className="inline-form" onSubmit={(event) => { event.preventDefault(); navigate(choice ? `/utkorg?status=${choice}` : '/utkorg'); }}>
        <label htmlFor="utkorg-status">{t.outbox.status}</label>
        <select id="utkorg-status" className="form-control" value={choice} onChange={(event) => setChoice(event.target.value)}>
          <option value="">{t.outbox.all}</option>
          {STATUSES.map((s) => <option key={s} value={s}>{t.outbox.statuses[s]}</option>)}
        </select>
        <button type="submit" className="button">{t.outbox.show}</button>
      </form>
      <ErrorMessage error={rows.error ?? error} />
      {retried && <Notice kind="success">{t.outbox.retried}</Notice>}
      {!rows.data && !rows.error && <Loading />}
      {rows.data && rows.data.length === 0 && <p>{t.outbox.none}</p>}
      {rows.data && rows.data.length > 0 && (
        <div className="table-wrap"><table>
          <thead><tr>
            <th scope="col">{t.outbox.created}</th><th scope="col">{t.outbox.recipient}</th><th scope="col">{t.outbox.subject}</th>
            <th scope="col">{t.outbox.status}</th><th scope="col">{t.outbox.attempts}</th><th scope="col">{t.outbox.error}</th><th scope="col"></th>
          </tr></thead>
          <tbody>{rows.data.map((row) => (
            <tr key={row.id}>
              <td>{t.time.format(row.created_at)}</td>
              <td>{row.user_id ?? t.outbox.publicRecipient}</td>
              <td>{row.subject}</td>
              <td>
                <Badge tone={TONE[row.status] ?? 'neutral'}>{t.outbox.statuses[row.status] ?? row.status}</Badge>
                {row.digest_on && <span className="muted"> {t.outbox.digest} {row.digest_on}</span>}
              </td>
              <td>{row.attempts}</td>
              <td>{row.last_error ?? '–'}</td>
              <td>{(row.status === 'dead' || row.status === 'skipped') && (
                <button type="button" className="button" onClick={() => void retry(row)}>
                  {t.outbox.retry}<span className="visually-hidden">: {row.subject}</span>
                </button>
              )}</td>
            </tr>
          ))}</tbody>
        </table></div>
      )}
    </section>
  );
}
