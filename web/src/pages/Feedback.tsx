import type { RJSFSchema } from '@rjsf/utils';
import { useEffect } from 'react';
import { Link, useParams } from 'react-router';
import { api, type PublicEntity } from '../api/client';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { SchemaForm } from '../forms/SchemaForm';
import { dataFieldErrors, useFormSubmit } from '../forms/useFormSubmit';
import { t } from '../text';

/** /synpunkter: the complainant picks the legal entity (region); /synpunkter/rg: the entity is in the address,
 * so a region can link its own e-service straight to its form. One entity only: no choice to make. */
export default function Feedback() {
  usePageTitle(t.feedback.title);
  const { entity } = useParams();
  const entities = useLoad(() => api.publicEntities(), []);
  if (!entities.data) return entities.error ? <ErrorMessage error={entities.error} /> : <Loading />;
  const only = entities.data.length === 1 ? entities.data[0] : undefined;
  const chosen = entity ? entities.data.find((e) => e.id === entity) : only;
  if (entity && !chosen) return <section className="narrow"><h1>{t.feedback.title}</h1><p role="alert">{t.feedback.unknownEntity}</p><EntityChoice entities={entities.data} /></section>;
  if (!chosen) {
    return (
      <section className="narrow">
        <h1>{t.feedback.title}</h1>
        <p className="lead">{t.feedback.intro}</p>
        <EntityChoice entities={entities.data} />
      </section>
    );
  }
  return <FeedbackForm key={chosen.id} entity={chosen} canChange={entities.data.length > 1} />;
}

function EntityChoice({ entities }: { entities: PublicEntity[] }) {
  return (
    <nav aria-labelledby="vardgivare">
      <h2 id="vardgivare">{t.feedback.entity}</h2>
      <p>{t.feedback.entityHelp}</p>
      <ul className="link-list">
        {entities.map((e) => <li key={e.id}><Link to={`/synpunkter/${e.id}`}>{e.name}</Link></li>)}
      </ul>
    </nav>
  );
}

function FeedbackForm({ entity, canChange }: { entity: PublicEntity; canChange: boolean }) {
  const form = useLoad(() => api.feedbackForm(), []);
  const sending = useFormSubmit((data) => api.sendFeedback(entity.id, data));
  const receipt = sending.result;
  useEffect(() => { if (receipt) window.scrollTo(0, 0); }, [receipt]);

  if (receipt) {
    return (
      <section className="receipt narrow" aria-labelledby="kvitto">
        <h1 id="kvitto">{t.feedback.receiptTitle}</h1>
        <p>{t.feedback.receiptCode}</p>
        <p className="receipt-number" data-testid="receipt">{receipt.receipt}</p>
        <p>{t.feedback.receiptSecret}</p>
        <p className="receipt-number" data-testid="secret">{receipt.secret}</p>
        <p>{t.feedback.receiptHint}</p>
        <p><Link to="/synpunkter/folj">{t.feedback.followLink}</Link></p>
        <button type="button" className="button" onClick={sending.reset}>{t.feedback.another}</button>
      </section>
    );
  }
  if (!form.data) return form.error ? <ErrorMessage error={form.error} /> : <Loading />;
  const schema = form.data.schema as RJSFSchema;
  return (
    <section className="narrow">
      <h1>{t.feedback.title}</h1>
      <p className="lead" data-testid="entity">{t.feedback.entityTo(entity.name)}</p>
      {canChange && <p><Link to="/synpunkter">{t.feedback.otherEntity}</Link></p>}
      <p>{t.feedback.intro}</p>
      <ErrorMessage error={sending.error} />
      <SchemaForm
        schema={{ ...schema, title: undefined }}
        uiSchema={form.data.ui_schema}
        formData={sending.data}
        serverErrors={dataFieldErrors(sending.error)}
        submitLabel={t.feedback.submit}
        busy={sending.busy}
        onSubmit={sending.submit}
      />
    </section>
  );
}
