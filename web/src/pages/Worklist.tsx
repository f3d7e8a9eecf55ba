import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type Task } from '../api/client';
import { Badge, ErrorMessage, Loading, Notice, asApiError, isOverdue, useLoad, usePageTitle } from '../components/common';
import { areaName, useUnitNames } from '../components/names';
import { t } from '../text';

const PAGE = 20;

export default function Worklist() {
  usePageTitle(t.worklist.title);
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'mine' ? 'mine' : 'available';
  const page = Math.max(0, Number(params.get('sida') ?? '1') - 1);
  const tasks = useLoad(() => api.worklist(scope, PAGE + 1, page * PAGE), [scope, page]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);

  const go = (next: { scope?: string; page?: number }) =>
    setParams({ scope: next.scope ?? scope, sida: String((next.page ?? page) + 1) });
  async function act(run: () => Promise<unknown>, done: string) {
    setError(null);
    try {
      await run();
      setMessage(done);
      tasks.reload();
    } catch (e) {
      setError(asApiError(e));
    }
  }

  const rows = tasks.data?.slice(0, PAGE) ?? [];
  return (
    <section>
      <h1>{t.worklist.title}</h1>
      <div className="tabs" role="group" aria-label={t.worklist.title}>
        {(['mine', 'available'] as const).map((s) => (
          <button key={s} type="button" className={`tab${scope === s ? ' active' : ''}`} aria-pressed={scope === s}
                  onClick={() => go({ scope: s, page: 0 })}>{t.worklist[s]}</button>
        ))}
      </div>
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorMessage error={error ?? tasks.error} />
      {!tasks.data ? <Loading /> : rows.length === 0 ? <p>{t.worklist.empty}</p> : (
        <ul className="task-list">
          {rows.map((task) => (
            <TaskRow key={task.id} task={task} scope={scope}
                     onClaim={() => act(() => api.claim(task.id), t.worklist.claimed)}
                     onRelease={() => act(() => api.release(task.id), t.worklist.released)}
                     onAssign={(user) => act(() => api.assign(task.id, user), t.worklist.assigned(user))} />
          ))}
        </ul>
      )}
      <nav className="pager" aria-label={t.worklist.page(page + 1)}>
        <button type="button" className="button" disabled={page === 0} onClick={() => go({ page: page - 1 })}>{t.worklist.previous}</button>
        <span>{t.worklist.page(page + 1)}</span>
        <button type="button" className="button" disabled={(tasks.data?.length ?? 0) <= PAGE} onClick={() => go({ page: page + 1 })}>{t.worklist.next}</button>
      </nav>
    </section>
  );
}

function TaskRow({ task, scope, onClaim, onRelease, onAssign }: {
  task: Task; scope: string; onClaim: () => void; onRelease: () => void; onAssign: (user: string) => void;
}) {
  const [assignee, setAssignee] = useState('');
  const unitName = useUnitNames();
  const overdue = isOverdue(task.due_at);
  return (
    <li className={`task-row${overdue ? ' overdue' : ''}`}>
      <div className="task-main">
        <Link to={`/uppgifter/${task.id}`} className="task-name">{task.name}</Link>
        <div className="task-event">
          <Link to={`/handelser/${task.event_number}`}>{task.event_number}</Link> · {task.event_title}
        </div>
        <dl className="task-meta">
          <div><dt>{t.worklist.area}</dt><dd>{areaName(task.area)}</dd></div>
          <div><dt>{t.worklist.unit}</dt><dd>{unitName(task.unit_id)}</dd></div>
          <div><dt>{t.worklist.due}</dt><dd>{t.time.format(task.due_at)} {overdue && <Badge tone="bad">{t.worklist.overdue}</Badge>}</dd></div>
          {task.assignee && <div><dt>{t.worklist.assignee}</dt><dd>{task.assignee}</dd></div>}
        </dl>
      </div>
      <div className="task-actions">
        {scope === 'available' && !task.assignee && <button type="button" className="button" onClick={onClaim}>{t.worklist.claim}</button>}
        {task.assignee && <button type="button" className="button" onClick={onRelease}>{t.worklist.release}</button>}
        <form className="assign" onSubmit={(event) => { event.preventDefault(); if (assignee.trim()) onAssign(assignee.trim()); }}>
          <label htmlFor={`assign-${task.id}`} className="visually-hidden">{t.worklist.assignTo}</label>
          <input id={`assign-${task.id}`} className="form-control" value={assignee} placeholder={t.worklist.assignPlaceholder}
                 onChange={(event) => setAssignee(event.target.value)} />
          <button type="submit" className="button">{t.worklist.assign}</button>
        </form>
      </div>
    </li>
  );
}
