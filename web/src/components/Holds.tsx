// Legal holds (rättslig spärr) on an event: those in force, lifting one, and placing a new one, each with a reason.
import { useId, useState } from 'react';
import { api, type Hold } from '../api/client';
import { t } from '../text';
import { Badge, ErrorMessage, asApiError } from './common';

export function Holds({ number, holds, onChanged }: { number: string; holds: Hold[]; onChanged: () => void }) {
  const id = useId();
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);

  async function act(call: () => Promise<Hold>) {
    setBusy(true);
    setError(null);
    try {
      await call();
      setReason('');
      onChanged();
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.holds.title}</h2>
      <p className="who-small">{t.holds.intro}</p>
      {holds.length === 0 ? <p>{t.holds.none}</p> : (
        <ul className="link-list">
          {holds.map((hold) => (
            <li key={hold.id}>
              {hold.active && <Badge tone="warn">{t.holds.active}</Badge>} {hold.reason}{' '}
              <span className="who-small">{t.holds.placed(hold.placed_by, hold.role, t.time.format(hold.created_at))}
                {hold.lifted_by && hold.lifted_at && ` · ${t.holds.lifted(hold.lifted_by, t.time.format(hold.lifted_at))}`}</span>
              {hold.active && (
                <button type="button" className="button button-quiet" disabled={busy || !reason.trim()}
                        onClick={() => act(() => api.liftHold(number, hold.id, reason))}>{t.holds.lift}</button>
              )}
            </li>
          ))}
        </ul>
      )}
      <ErrorMessage error={error} />
      <form className="hold-form" onSubmit={(e) => { e.preventDefault(); act(() => api.placeHold(number, reason)); }}>
        <label htmlFor={`${id}-reason`}>{t.holds.reason}</label>
        <input id={`${id}-reason`} className="form-control" value={reason} onChange={(e) => setReason(e.target.value)} />
        <button type="submit" className="button" disabled={busy || !reason.trim()}>{t.holds.place}</button>
      </form>
    </section>
  );
}
