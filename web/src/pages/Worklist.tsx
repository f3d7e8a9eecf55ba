import { useEffect, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, type Task, type Unit, type WorklistFilter } from '../api/client';
import { useSession } from '../auth/session';
import { Badge, ErrorMessage, Loading, Notice, asApiError, isOverdue, useLoad, usePageTitle } from '../components/common';
import { areaName, useUnitNames } from '../components/names';
import { t } from '../text';

const PAGE = 20;

export default function Worklist() {
  usePageTitle(t.worklist.title);
  const [params, setParams] = useSearchParams();
  const scope = params.get('scope') === 'mine' ? 'mine' : 'available';
  const page = Math.max(0, Number(params.get('sida') ?? '1') - 1);
  const filter: WorklistFilter = {
    area: params.get('omrade') ?? undefined, unit: params.get('enhet') ?? undefined,
    overdue: params.get('forsenade') === 'ja',
  };
  const filtered = Boolean(filter.area || filter.unit || filter.overdue);
  const tasks = useLoad(() => api.worklist(scope, filter, PAGE + 1, page * PAGE),
                        [scope, page, filter.area, filter.unit, filter.overdue]);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);

  // Filters live in the URL, so a filtered list can be bookmarked and the back button restores it.
  const go = (next: { scope?: string; page?: number; filter?: WorklistFilter }) => {
    const f = next.filter ?? filter;
    const search: Record<string, string> = { scope: next.scope ?? scope, sida: String((next.page ?? page) + 1) };
    if (f.area) search.omrade = f.area;
    if (f.unit) search.enhet = f.unit;
    if (f.overdue) search.forsenade = 'ja';
    setParams(search);
  };
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
      <Filters filter={filter} onChange={(next) => go({ filter: next, page: 0 })} />
      {message && <Notice kind="success">{message}</Notice>}
      <ErrorMessage error={error ?? tasks.error} />
      {!tasks.data ? <Loading /> : rows.length === 0 ? <p>{filtered ? t.worklist.emptyFiltered : t.worklist.empty}</p> : (
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

/** Area and unit choices come from the user's own grants: the areas they work in and the units under them. */
function Filters({ filter, onChange }: { filter: WorklistFilter; onChange: (next: WorklistFilter) => void }) {
  const { me } = useSession();
  const [units, setUnits] = useState<Unit[]>([]);
  useEffect(() => { api.units().then(setUnits, () => setUnits([])); }, []);
  const areas = useMemo(() => [...new Set(me?.grants.flatMap((g) => g.works_in) ?? [])].sort(), [me]);
  const underGrants = useMemo(() => {
    const children = new Map<string, Unit[]>();
    for (const unit of units) children.set(unit.parent ?? '', [...(children.get(unit.parent ?? '') ?? []), unit]);
    const seen = new Map<string, Unit>();
    const walk = (unit: Unit) => { if (seen.has(unit.id)) return; seen.set(unit.id, unit); (children.get(unit.id) ?? []).forEach(walk); };
    for (const grant of me?.grants ?? []) { const root = units.find((u) => u.id === grant.unit_id); if (root) walk(root); }
    return [...seen.values()];
  }, [units, me]);
  return (
    <form className="filters" aria-label={t.worklist.filters} onSubmit={(event) => event.preventDefault()}>
      <label>{t.worklist.area}
        <select className="form-control" value={filter.area ?? ''} onChange={(e) => onChange({ ...filter, area: e.target.value || undefined })}>
          <option value="">{t.worklist.allAreas}</option>
          {areas.map((area) => <option key={area} value={area}>{areaName(area)}</option>)}
        </select>
      </label>
      <label>{t.worklist.unit}
        <select className="form-control" value={filter.unit ?? ''} onChange={(e) => onChange({ ...filter, unit: e.target.value || undefined })}>
          <option value="">{t.worklist.allUnits}</option>
          {underGrants.map((unit) => <option key={unit.id} value={unit.id}>{unit.name}</option>)}
        </select>
      </label>
      <label className="checkbox">
        <input type="checkbox" checked={Boolean(filter.overdue)} onChange={(e) => onChange({ ...filter, overdue: e.target.checked })} />
        {t.worklist.onlyOverdue}
      </label>
      {(filter.area || filter.unit || filter.overdue) &&
        <button type="button" className="button" onClick={() => onChange({})}>{t.worklist.clearFilters}</button>}
    </form>
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
