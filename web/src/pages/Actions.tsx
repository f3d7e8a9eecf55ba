import { api, type Action } from '../api/client';
import { ActionCard, isOpenAction } from '../components/ActionCard';
import { ErrorMessage, Loading, isOverdue, useLoad, usePageTitle } from '../components/common';
import { t } from '../text';

export default function Actions() {
  usePageTitle(t.action.mine);
  const actions = useLoad(() => api.myActions(), []);
  if (!actions.data) return actions.error ? <ErrorMessage error={actions.error} /> : <Loading />;
  const all = actions.data;
  const replace = (changed: Action) => actions.setData(all.map((a) => (a.id === changed.id ? changed : a)));
  const overdue = all.filter((a) => isOpenAction(a) && isOverdue(a.due_date));
  const rest = all.filter((a) => !overdue.includes(a));
  return (
    <section>
      <h1>{t.action.mine}</h1>
      {all.length === 0 && <p>{t.action.empty}</p>}
      {overdue.length > 0 && (
        <section aria-labelledby="forsenade">
          <h2 id="forsenade">{t.action.overdue}</h2>
          {overdue.map((a) => <ActionCard key={a.id} action={a} onChanged={replace} showEvents />)}
        </section>
      )}
      {rest.map((a) => <ActionCard key={a.id} action={a} onChanged={replace} showEvents />)}
    </section>
  );
}
