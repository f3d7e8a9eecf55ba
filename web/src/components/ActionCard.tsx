// One action (åtgärd) with its lifecycle buttons; the server decides whether a change is allowed.
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type Action, type Attachment } from '../api/client';
import { AttachmentList, AttachmentUpload } from './Attachments';
import { t } from '../text';
import { Badge, ErrorMessage, asApiError, isOverdue } from './common';

const TERMINAL = new Set(['genomford', 'effekt_utvarderad', 'avbruten']);
export const isOpenAction = (action: Action) => !TERMINAL.has(action.status);

export function ActionCard({ action, onChanged, showEvents = false, attachments, onAttached }: {
  action: Action; onChanged: (action: Action) => void; showEvents?: boolean;
  attachments?: Attachment[]; onAttached?: () => void;  // given where the event's files are known (the event page)
}) {
  const [note, setNote] = useState('');
  const [result, setResult] = useState('');
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [busy, setBusy] = useState(false);
  const next = t.action.next[action.status] ?? [];
  const overdue = isOpenAction(action) && isOverdue(action.due_date);

  async function move(to: string) {
    setBusy(true);
    setError(null);
    try {
      const evaluated = to === 'effekt_utvarderad' ? result || undefined : undefined;
      onChanged(await api.transition(action.id, to, note.trim() || null, action.version, evaluated));
      setNote('');
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className={`action-card${overdue ? ' overdue' : ''}`} id={`atgard-${action.id}`} aria-labelledby={`atgard-${action.id}-titel`}>
      <header>
        <h3 id={`atgard-${action.id}-titel`}>{action.title}</h3>
        <Badge tone={action.status === 'avbruten' ? 'warn' : TERMINAL.has(action.status) ? 'ok' : 'neutral'}>{action.status_label}</Badge>
        {overdue && <Badge tone="bad">{t.worklist.overdue}</Badge>}
      </header>
      {action.description && <p>{action.description}</p>}
      {action.effect && <p className="who-small">{t.action.effect}: {action.effect.result_label}{action.effect.note && ` – ${action.effect.note}`}</p>}
      <dl className="task-meta">
        {action.owner && <div><dt>{t.action.owner}</dt><dd>{action.owner}</dd></div>}
        {action.due_date && <div><dt>{t.action.due}</dt><dd>{action.due_date}</dd></div>}
        {showEvents && (
          <div><dt>{t.action.events}</dt><dd>{action.events.map((event, i) => (
            <span key={event.number}>{i > 0 && ', '}<Link to={`/handelser/${event.number}`}>{event.number}</Link> · {event.title}</span>
          ))}</dd></div>
        )}
      </dl>
      {attachments && (
        <details className="action-files">
          <summary>{t.attachments.title} ({attachments.length})</summary>
          <AttachmentList items={attachments} />
          <AttachmentUpload targets={[{ label: action.title, target: { kind: 'action', id: action.id } }]}
                            onUploaded={() => onAttached?.()} />
        </details>
      )}
      <ErrorMessage error={error} />
      {next.length > 0 && (
        <div className="action-buttons">
          {next.includes('effekt_utvarderad') && (
            <>
              <label htmlFor={`result-${action.id}`}>{t.action.result}</label>
              <select id={`result-${action.id}`} className="form-control" value={result} onChange={(event) => setResult(event.target.value)}>
                <option value="">{t.form.choose}</option>
                {Object.entries(t.action.results).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
              </select>
            </>
          )}
          {next.some((to) => to === 'avbruten' || to === 'effekt_utvarderad') && (
            <>
              <label htmlFor={`note-${action.id}`}>{t.action.note}</label>
              <input id={`note-${action.id}`} className="form-control" value={note} onChange={(event) => setNote(event.target.value)} />
            </>
          )}
          <div className="button-row">
            {next.map((to) => (
              <button key={to} type="button" disabled={busy} className={`button${to === 'avbruten' ? ' button-quiet' : ''}`}
                      onClick={() => move(to)}>{t.action.transitions[to]}</button>
            ))}
          </div>
        </div>
      )}
    </article>
  );
}
