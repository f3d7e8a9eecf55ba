import type { RJSFSchema } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { api, type Action } from '../api/client';
import { useSession } from '../auth/session';
import { ActionCard } from '../components/ActionCard';
import { AttachmentList, AttachmentUpload } from '../components/Attachments';
import { Holds } from '../components/Holds';
import { DecisionReference, Documents } from '../components/Documents';
import { Badge, ErrorMessage, Loading, Notice, useLoad, usePageTitle } from '../components/common';
import { AreaList, Timeline } from '../components/EventSummary';
import { areaName, useUnitNames } from '../components/names';
import { SchemaForm } from '../forms/SchemaForm';
import { dataFieldErrors, useFormSubmit } from '../forms/useFormSubmit';
import { t } from '../text';

export default function EventPage() {
  const { number = '' } = useParams();
  const location = useLocation();
  const { hasRole } = useSession();
  const event = useLoad(() => api.event(number), [number]);
  const access = event.data?.access;
  // What the caller may do here is the server's word (access); before it answers, the roles are the guess.
  const handler = access ? access.handler : hasRole();
  const writer = access ? access.writable_areas.length > 0 : handler;
  const closure = useLoad(() => (handler ? api.closure(number) : Promise.resolve([])), [number, handler]);
  usePageTitle(event.data ? `${event.data.number} ${event.data.title}` : number);
  const unitName = useUnitNames();

  useEffect(() => {  // deep links such as #atgard-3 from a closure block
    if (event.data && location.hash) document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [event.data, location.hash]);

  if (!event.data) return event.error ? <ErrorMessage error={event.error} /> : <Loading />;
  const e = event.data;
  const linked = new Map<string, string>();
  e.actions.forEach((action) => action.events.forEach((l) => l.number !== e.number && linked.set(l.number, l.title)));
  const replaceAction = (changed: Action) => {
    event.setData({ ...e, actions: e.actions.map((a) => (a.id === changed.id ? changed : a)) });
    closure.reload();
  };

  return (
    <article className="event-page">
      <p className="kicker">{e.number}</p>
      <h1>{e.title}</h1>
      <p className="notice-log" role="note">{access && !access.protected ? t.event.protectedMasked : t.event.patientLogNotice}</p>
      <dl className="task-meta">
        <div><dt>{t.event.unit}</dt><dd>{unitName(e.unit_id)}</dd></div>
        <div><dt>{t.event.reported}</dt><dd>{t.time.format(e.created_at)}</dd></div>
        <div><dt>{t.event.status}</dt><dd><Badge tone={e.status === 'closed' ? 'ok' : 'neutral'}>{e.status_label}</Badge></dd></div>
      </dl>
      {hasRole('revisor') && <p><Link to={`/logg/${e.number}`}>{t.event.auditLink}</Link></p>}

      <div className="columns">
        <div>
          <section aria-labelledby="omraden"><h2 id="omraden">{t.event.areas}</h2><AreaList event={e} /></section>
          {e.open_tasks.length > 0 && (
            <section aria-labelledby="uppgifter">
              <h2 id="uppgifter">{t.event.openTasks}</h2>
              <ul className="link-list">{e.open_tasks.map((task) => (
                <li key={task.id}><Link to={`/uppgifter/${task.id}`}>{task.name}</Link> <span className="who-small">({areaName(task.area)})</span></li>
              ))}</ul>
            </section>
          )}
          {handler && <section aria-labelledby="avslut-rubrik" id="avslut">
            <h2 id="avslut-rubrik">{t.event.closure}</h2>
            {closure.data?.map((area) => (
              <div key={area.area} className="closure">
                <h3>{e.areas.find((a) => a.area === area.area)?.area_name ?? area.area}</h3>
                {area.can_close && <p>{t.event.canClose}</p>}
                <ul className="checklist">
                  {area.rules.map((rule) => (
                    <li key={rule.id} className={rule.met ? 'met' : 'unmet'}>
                      <Badge tone={!rule.applies ? 'neutral' : rule.met ? 'ok' : 'bad'}>
                        {!rule.applies ? t.event.ruleNotApplicable : rule.met ? t.event.ruleMet : t.event.ruleUnmet}
                      </Badge> {rule.message}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
            <ErrorMessage error={closure.error} />
          </section>}
          {handler && <section aria-labelledby="beslut">
            <h2 id="beslut">{t.event.decisions}</h2>
            {e.decisions.length === 0 ? <p>{t.event.noDecisions}</p> : (
              <ul className="link-list">{e.decisions.map((d) => (
                <li key={d.id}><strong>{d.kind}</strong>: {d.value}{d.reference && ` (${d.reference})`}{d.motivation && ` – ${d.motivation}`} <span className="who-small">{d.decided_by}, {t.time.format(d.decided_at)}</span>
                  {writer && d.value === 'ja' && <DecisionReference number={e.number} decision={d} onSaved={event.reload} />}
                </li>
              ))}</ul>
            )}
          </section>}
          {handler && <Documents number={e.number} />}
          {e.feedback.length > 0 && (
            <section aria-labelledby="aterkoppling">
              <h2 id="aterkoppling">{t.event.feedback}</h2>
              {e.feedback.map((f, i) => <p key={i} className="prewrap">{f.text} <span className="who-small">{f.date}</span></p>)}
            </section>
          )}
          {linked.size > 0 && (
            <section aria-labelledby="kopplade">
              <h2 id="kopplade">{t.event.linked}</h2>
              <ul className="link-list">{[...linked].map(([n, title]) => <li key={n}><Link to={`/handelser/${n}`}>{n}</Link> · {title}</li>)}</ul>
            </section>
          )}
        </div>
        <div>
          {handler && <section aria-labelledby="atgarder">
            <h2 id="atgarder">{t.event.actions}</h2>
            {e.actions.length === 0 && <p>{t.event.noActions}</p>}
            {e.actions.map((action) => (
              <ActionCard key={action.id} action={action} onChanged={replaceAction}
                          attachments={e.attachments.filter((a) => a.action_id === action.id)} onAttached={event.reload} />
            ))}
            {writer && <NewAction number={e.number} onCreated={() => { event.reload(); closure.reload(); }} />}
          </section>}
          {handler && <section aria-labelledby="bilagor">
            <h2 id="bilagor">{t.attachments.title}</h2>
            <AttachmentList items={e.attachments} where={(a) => (
              a.target === 'action' ? `${t.attachments.onAction}: ${e.actions.find((x) => x.id === a.action_id)?.title ?? a.action_id}`
                : a.target === 'task' ? `${t.attachments.onTask}: ${[...e.open_tasks, ...e.task_history].find((x) => x.id === a.task_id)?.name ?? ''}`
                  : a.target === 'area_case' ? t.attachments.onCase(areaName(a.area ?? '')) : t.attachments.onEvent)} />
            {writer && e.status !== 'closed' && (
              <AttachmentUpload onUploaded={event.reload} targets={[
                ...access!.writable_areas.map((area) => ({ label: t.attachments.onCase(areaName(area)), target: { kind: 'area_case' as const, number: e.number, area } })),
                { label: t.attachments.onEvent, target: { kind: 'event' as const, number: e.number } },
              ]} />
            )}
          </section>}
          {access?.may_hold && <Holds number={e.number} holds={e.holds} onChanged={event.reload} />}
          <section aria-labelledby="tidslinje">
            <h2 id="tidslinje">{t.event.timeline}</h2>
            <Timeline event={e} />
          </section>
        </div>
      </div>
    </article>
  );
}

function NewAction({ number, onCreated }: { number: string; onCreated: () => void }) {
  const form = useLoad(() => api.form('action'), []);
  const [open, setOpen] = useState(false);
  const sending = useFormSubmit(async (data) => {
    const action = await api.createAction(number, data);
    setOpen(false);
    onCreated();
    return action;
  });
  const created = sending.result;

  if (!open) {
    return (
      <>
        {created && <Notice kind="success">{t.event.actionCreated}</Notice>}
        <button type="button" className="button" onClick={() => { sending.reset(); setOpen(true); }}>{t.event.newAction}</button>
      </>
    );
  }
  if (!form.data) return form.error ? <ErrorMessage error={form.error} /> : <Loading />;
  return (
    <div className="new-action">
      <h3>{t.event.newAction}</h3>
      <ErrorMessage error={sending.error} />
      <SchemaForm schema={{ ...(form.data.schema as RJSFSchema), title: undefined }} uiSchema={form.data.ui_schema}
                  formData={sending.data} idPrefix="atgard" serverErrors={dataFieldErrors(sending.error)}
                  submitLabel={t.event.createAction} busy={sending.busy} onSubmit={sending.submit} />
    </div>
  );
}
