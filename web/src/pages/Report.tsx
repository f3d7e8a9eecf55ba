import type { RJSFSchema } from '@rjsf/utils';
import { useState } from 'react';
import { Link } from 'react-router';
import { api, type EventSummary, type FieldError } from '../api/client';
import { ErrorMessage, Loading, asApiError, useLoad, usePageTitle } from '../components/common';
import { UnitPicker } from '../components/UnitPicker';
import { SchemaForm } from '../forms/SchemaForm';
import { t } from '../text';

const withoutPrefix = (errors: FieldError[]) =>
  errors.map((error) => ({ ...error, path: error.path.replace(/^data\//, '') }));

export default function Report() {
  usePageTitle(t.report.title);
  const form = useLoad(() => api.form('intake'), []);
  const units = useLoad(() => api.units(), []);
  const [unit, setUnit] = useState<string | null>(null);
  const [unitError, setUnitError] = useState<string>();
  const [data, setData] = useState<Record<string, unknown>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [receipt, setReceipt] = useState<EventSummary | null>(null);

  async function submit(formData: Record<string, unknown>) {
    setData(formData);
    if (!unit) {
      setUnitError(t.report.unitRequired);
      document.querySelector<HTMLInputElement>('.unit-picker input')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      setReceipt(await api.report(unit, formData));
      window.scrollTo(0, 0);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  if (receipt) {
    return (
      <section className="receipt" aria-labelledby="kvitto">
        <h1 id="kvitto">{t.report.receiptTitle}</h1>
        <p>{t.report.receiptNumber}</p>
        <p className="receipt-number" data-testid="event-number">{receipt.number}</p>
        <p>{t.report.receiptHint}</p>
        <div className="cta-list">
          <Link className="button" to="/mina-rapporter">{t.report.toMine}</Link>
          <button type="button" className="button" onClick={() => { setReceipt(null); setData({}); setUnit(null); }}>
            {t.report.another}
          </button>
        </div>
      </section>
    );
  }
  if (!form.data || !units.data) return <><ErrorMessage error={form.error ?? units.error} />{!form.error && !units.error && <Loading />}</>;
  const schema = form.data.schema as RJSFSchema;
  return (
    <section className="narrow">
      <h1>{t.report.title}</h1>
      {schema.description && <p className="lead">{schema.description}</p>}
      <ErrorMessage error={error} />
      <UnitPicker units={units.data} value={unit} error={unitError}
                  onChange={(id) => { setUnit(id); setUnitError(undefined); }} />
      <SchemaForm
        schema={{ ...schema, title: undefined, description: undefined }}
        uiSchema={form.data.ui_schema}
        formData={data}
        serverErrors={error ? withoutPrefix(error.errors) : undefined}
        submitLabel={t.report.submit}
        busy={busy}
        onSubmit={submit}
      />
    </section>
  );
}
