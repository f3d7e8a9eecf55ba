import type { RJSFSchema } from '@rjsf/utils';
import { useEffect } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { SchemaForm } from '../forms/SchemaForm';
import { dataFieldErrors, useFormSubmit } from '../forms/useFormSubmit';
import { t } from '../text';

export default function Feedback() {
  usePageTitle(t.feedback.title);
  const form = useLoad(() => api.feedbackForm(), []);
  const sending = useFormSubmit((data) => api.sendFeedback(data));
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
      <p className="lead">{t.feedback.intro}</p>
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
