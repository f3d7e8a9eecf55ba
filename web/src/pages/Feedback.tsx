import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import { api, type Receipt } from '../api/client';
import { ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { SchemaForm } from '../forms/SchemaForm';
import { t } from '../text';

export default function Feedback() {
  usePageTitle(t.feedback.title);
  const form = useLoad(() => api.feedbackForm(), []);
  const [data, setData] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [receipt, setReceipt] = useState<Receipt | null>(null);

  async function submit(formData: Record<string, unknown>) {
    setData(formData);
    setBusy(true);
    setError(null);
    try {
      setReceipt(await api.sendFeedback(formData));
      window.scrollTo(0, 0);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <section className="receipt narrow" aria-labelledby="kvitto">
        <h1 id="kvitto">{t.feedback.receiptTitle}</h1>
        <p>{t.feedback.receiptCode}</p>
        <p className="receipt-number" data-testid="receipt">{receipt.receipt}</p>
        <p>{t.feedback.receiptHint}</p>
        <button type="button" className="button" onClick={() => { setReceipt(null); setData({}); }}>
          {t.feedback.another}
        </button>
      </section>
    );
  }
  if (!form.data) return form.error ? <ErrorMessage error={form.error} /> : <Loading />;
  const schema = form.data.schema as RJSFSchema;
  return (
    <section className="narrow">
      <h1>{t.feedback.title}</h1>
      <p className="lead">{t.feedback.intro}</p>
      <ErrorMessage error={error} />
      <SchemaForm
        schema={{ ...schema, title: undefined }}
        uiSchema={form.data.ui_schema}
        formData={data}
        serverErrors={error ? error.errors.map((e) => ({ ...e, path: e.path.replace(/^data\//, '') })) : undefined}
        submitLabel={t.feedback.submit}
        busy={busy}
        onSubmit={submit}
      />
    </section>
  );
}
