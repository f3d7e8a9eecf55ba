// A form's JSON Schema beside a live preview of the form as staff will see it: the server bundles the edited
// tree's form (shared definitions copied in, exactly as it serves task forms) and the app's own form renderer
// shows it.
import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { useEffect, useId, useState } from 'react';
import { api, type Edit } from '../api/client';
import { asApiError } from '../components/common';
import { SchemaForm } from '../forms/SchemaForm';
import { st } from './text';

interface Props { base: string; edit: Edit; path: string; text: string; onChange: (text: string) => void }

export function FormEditor({ base, edit, path, text, onChange }: Props) {
  const id = useId();
  const [preview, setPreview] = useState<{ schema: RJSFSchema; ui: UiSchema | null } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    try {
      JSON.parse(text);
    } catch (error) {
      setProblem(`${st.form.invalidJson} ${error instanceof Error ? error.message : ''}`);
      return;
    }
    let live = true;
    const timer = window.setTimeout(() => {
      api.formPreview(base, edit, path).then(
        (form) => { if (live) { setPreview({ schema: form.schema as RJSFSchema, ui: form.ui_schema as UiSchema | null }); setProblem(null); } },
        (error) => live && setProblem(asApiError(error).message),
      );
    }, 300);
    return () => { live = false; window.clearTimeout(timer); };
    // the edit is derived from the text; the text is what changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [base, path, text]);

  return (
    <div className="studio-split">
      <div>
        <label htmlFor={id}>{st.form.schema}</label>
        <textarea id={id} className="form-control studio-code" spellCheck={false} value={text}
          onChange={(e) => onChange(e.target.value)} />
      </div>
      <section aria-labelledby={`${id}-preview`}>
        <h3 id={`${id}-preview`}>{st.form.preview}</h3>
        {problem && <p className="alert alert-warning" role="status">{problem}</p>}
        <p className="help-block">{st.form.previewOnly}</p>
        {preview && (
          <div data-testid="form-preview">
            <SchemaForm schema={preview.schema} uiSchema={preview.ui} idPrefix="forhandsvisning"
              submitLabel={st.form.previewSubmit} onSubmit={() => {}} />
          </div>
        )}
      </section>
    </div>
  );
}
