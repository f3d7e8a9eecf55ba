import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, type Action, type CompleteResult, type UnmetRule } from '../api/client';
import { isOpenAction } from '../components/ActionCard';
import { ErrorMessage, Loading, Notice, asApiError, useLoad, usePageTitle } from '../components/common';
import { AttachmentList, AttachmentUpload } from '../components/Attachments';
import { EventSummary } from '../components/EventSummary';
import { SchemaForm, pickFields } from '../forms/SchemaForm';
import { t } from '../text';

/** A new task id is a new page: nothing of the previous task's state carries over. */
export default function TaskRoute() {
  const { id = '' } = useParams();
  return <TaskPage key={id} id={id} />;
}

function TaskPage({ id }: { id: string }) {
  const task = useLoad(() => api.task(id), [id]);
  const number = task.data?.event_number;
  const event = useLoad(() => (number ? api.event(number) : Promise.resolve(null)), [number]);
  usePageTitle(task.data?.name ?? t.task.title);
  const [formData, setFormData] = useState<Record<string, unknown> | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [stale, setStale] = useState(false);
  const [blocked, setBlocked] = useState<UnmetRule[] | null>(null);
  const [done, setDone] = useState<CompleteResult | null>(null);

  async function complete(data: Record<string, unknown>) {
    if (!task.data) return;
    setFormData(data);
    setBusy(true);
    setError(null);
    setStale(false);
    setBlocked(null);
    try {
      setDone(await api.complete(task.data.id, data, task.data.case_version));
    } catch (e) {
      const failure = asApiError(e);
      if (failure.code === 'stale') {
        setStale(true);
        setFormData(null);  // show the colleague's version
        task.reload();
        event.reload();
      } else if (failure.code === 'closure_blocked') {
        setBlocked(failure.unmet);
        event.reload();
      } else {
        setError(failure);
      }
    } finally {
      setBusy(false);
    }
  }

  if (!task.data) return task.error ? <ErrorMessage error={task.error} /> : <Loading />;
  const schema = task.data.schema as RJSFSchema | null;
  const openActions: Action[] = event.data?.actions.filter(isOpenAction) ?? [];
  return (
    <div className="task-layout">
      <section className="task-form" aria-labelledby="uppgift">
        <p className="kicker"><Link to={`/handelser/${task.data.event_number}`}>{task.data.event_number}</Link> · {task.data.event_title}</p>
        <h1 id="uppgift">{task.data.name}</h1>
        {task.data.on_behalf_of && <p className="on-behalf" data-testid="on-behalf">{t.task.onBehalfOf(task.data.on_behalf_of)}</p>}
        {task.data.instructions && <p className="lead">{task.data.instructions}</p>}
        {done ? (
          <>
            <Notice kind="success">{t.task.completed}</Notice>
            {done.next_tasks.length > 0 && (
              <>
                <h2>{t.task.next}</h2>
                <ul className="link-list">
                  {done.next_tasks.map((next) => <li key={next.id}><Link to={`/uppgifter/${next.id}`}>{next.name}</Link></li>)}
                </ul>
              </>
            )}
            <p><Link to={`/handelser/${done.event_number}`}>{t.task.toEvent}</Link> · <Link to="/arbetslista">{t.worklist.title}</Link></p>
          </>
        ) : (
          <>
            {stale && <div className="alert alert-warning" role="alert">{t.task.stale}</div>}
            {blocked && (
              <div className="alert alert-error" role="alert">
                <p>{t.task.blocked}</p>
                <ul>{blocked.map((rule) => <li key={String(rule.id)}>{rule.message}</li>)}</ul>
                {openActions.length > 0 && (
                  <ul className="link-list">
                    {openActions.map((action) => (
                      <li key={action.id}><Link to={`/handelser/${task.data!.event_number}#atgard-${action.id}`}>{action.title}</Link> ({action.status_label})</li>
                    ))}
                  </ul>
                )}
                <p><Link to={`/handelser/${task.data.event_number}#avslut`}>{t.event.closure}</Link></p>
              </div>
            )}
            {error?.code === 'not_ready' && <div className="alert alert-error" role="alert">{t.task.notReady}</div>}
            {error && error.code !== 'not_ready' && <ErrorMessage error={error} />}
            {schema ? (
              <SchemaForm
                key={`${task.data.id}-${task.data.case_version}`}
                schema={{ ...schema, title: undefined }}
                uiSchema={task.data.ui_schema}
                formData={formData ?? pickFields(schema, task.data.data)}
                serverErrors={error?.errors}
                submitLabel={t.task.complete}
                busy={busy}
                onSubmit={complete}
              />
            ) : (
              <>
                <p>{t.task.noForm}</p>
                <button type="button" className="button button-primary" disabled={busy} onClick={() => complete({})}>{t.task.complete}</button>
              </>
            )}
          </>
        )}
      </section>
      <div>
        {event.data && (
          <section aria-labelledby="uppgiftens-bilagor">
            <h2 id="uppgiftens-bilagor">{t.attachments.title}</h2>
            <AttachmentList items={event.data.attachments.filter((a) => a.task_id === id)} />
            {!done && <AttachmentUpload targets={[{ label: task.data.name, target: { kind: 'task', id } }]} onUploaded={event.reload} />}
          </section>
        )}
        {event.data && <EventSummary event={event.data} />}
      </div>
    </div>
  );
}
