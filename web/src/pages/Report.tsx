import type { RJSFSchema } from '@rjsf/utils';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { api } from '../api/client';
import { ErrorMessage, Loading, useLoad, usePageTitle } from '../components/common';
import { UnitPicker } from '../components/UnitPicker';
import { SchemaForm } from '../forms/SchemaForm';
import { dataFieldErrors, useFormSubmit } from '../forms/useFormSubmit';
import { t } from '../text';

export default function Report() {
  usePageTitle(t.report.title);
  const units = useLoad(() => api.units(), []);
  const [unit, setUnit] = useState<string | null>(null);
  // The intake form is the chosen unit's (units may run different releases); what was typed stays.
  const form = useLoad(() => api.form('intake', unit ?? undefined), [unit]);
  const [draft, setDraft] = useState<Record<string, unknown>>({});
  const [unitError, setUnitError] = useState<string>();
  const sending = useFormSubmit((data) => api.report(unit!, data));
  const receipt = sending.result;
  useEffect(() => { if (receipt) window.scrollTo(0, 0); }, [receipt]);

  function submit(formData: Record<string, unknown>) {
    setDraft(formData);
    if (unit) return sending.submit(formData);
    setUnitError(t.report.unitRequired);
    document.querySelector<HTMLInputElement>('.unit-picker input')?.focus();
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
          <button type="button" className="button" onClick={() => { sending.reset(); setDraft({}); setUnit(null); }}>
            {t.report.another}
          </button>
        </div>
      </section>
    );
  }
  if (!form.data || !units.data) {
    const error = form.error ?? units.error;
    return error ? <ErrorMessage error={error} /> : <Loading />;
  }
  const schema = form.data.schema as RJSFSchema;
  return (
    <section className="narrow">
      <h1>{t.report.title}</h1>
      {schema.description && <p className="lead">{schema.description}</p>}
      <ErrorMessage error={sending.error} />
      <UnitPicker units={units.data} value={unit} error={unitError}
                  onChange={(id) => { setUnit(id); setUnitError(undefined); }} />
      <SchemaForm
        schema={{ ...schema, title: undefined, description: undefined }}
        uiSchema={form.data.ui_schema}
        formData={draft}
        onChange={setDraft}
        serverErrors={dataFieldErrors(sending.error)}
        submitLabel={t.report.submit}
        busy={sending.busy}
        onSubmit={submit}
      />
    </section>
  );
}
