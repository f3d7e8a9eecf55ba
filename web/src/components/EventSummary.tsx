// The event at a glance: number, title, unit, areas with their status, and what has happened so far.
import { Link } from 'react-router';
import type { EventDetail } from '../api/client';
import { t } from '../text';
import { Badge } from './common';
import { useUnitNames } from './names';

export function AreaList({ event }: { event: EventDetail }) {
  return (
    <ul className="areas">
      {event.areas.map((area) => (
        <li key={area.area}><span>{area.area_name}</span> <Badge tone={area.closed_at ? 'ok' : 'neutral'}>{area.status_label}</Badge></li>
      ))}
    </ul>
  );
}

export function EventSummary({ event }: { event: EventDetail }) {
  const unitName = useUnitNames();
  return (
    <aside className="event-summary" aria-labelledby="sammanfattning">
      <h2 id="sammanfattning">{t.event.summary}</h2>
      <p className="event-number"><Link to={`/handelser/${event.number}`}>{event.number}</Link></p>
      <p className="event-title">{event.title}</p>
      <dl className="task-meta">
        <div><dt>{t.event.unit}</dt><dd>{unitName(event.unit_id)}</dd></div>
        <div><dt>{t.event.reported}</dt><dd>{t.time.format(event.created_at)}</dd></div>
        <div><dt>{t.event.status}</dt><dd>{event.status_label}</dd></div>
      </dl>
      <h3>{t.event.areas}</h3>
      <AreaList event={event} />
      {typeof event.report.beskrivning === 'string' && (<><h3>{t.event.report}</h3><p className="prewrap">{event.report.beskrivning}</p></>)}
      <h3>{t.event.timeline}</h3>
      <Timeline event={event} limit={6} />
    </aside>
  );
}

export function Timeline({ event, limit }: { event: EventDetail; limit?: number }) {
  const done = [...event.task_history].sort((a, b) => (a.ended_at ?? '').localeCompare(b.ended_at ?? ''));
  const rows = [
    { at: event.created_at, text: t.event.reported, who: '' },
    ...done.map((task) => ({ at: task.ended_at ?? task.created_at, text: task.name, who: task.ended_by ?? '' })),
    ...event.decisions.map((d) => ({ at: d.decided_at, text: `${t.event.decisions}: ${d.kind} – ${d.value}`, who: d.decided_by })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const shown = limit ? rows.slice(-limit) : rows;
  return (
    <ol className="timeline">
      {shown.map((row, i) => (
        <li key={i}><time dateTime={row.at}>{t.time.format(row.at)}</time> <span>{row.text}</span>{row.who && <span className="who-small"> · {row.who}</span>}</li>
      ))}
    </ol>
  );
}
