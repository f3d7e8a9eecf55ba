// The event page's "Dokument" section: the export templates the caller may create (IVO, Försäkringskassan,
// Kammarkollegiet), each with what the case still lacks and a PDF download, and the case summary for the file.
import { useState } from 'react';
import { api, ApiError, type Decision } from '../api/client';
import { ErrorMessage, Notice, useLoad } from './common';
import { t } from '../text';

function DownloadButton({ label, fetchFile }: { label: string; fetchFile: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      await fetchFile();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'error', String(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={click} disabled={busy} aria-label={`${t.event.downloadPdf}: ${label}`}>
        {busy ? t.event.downloading : t.event.downloadPdf}
      </button>
      <ErrorMessage error={error} />
    </>
  );
}

export function Documents({ number }: { number: string }) {
  const exports = useLoad(() => api.exports(number), [number]);
  return (
    <section aria-labelledby="dokument">
      <h2 id="dokument">{t.event.documents}</h2>
      <p className="who-small">{t.event.documentsIntro}</p>
      <ul className="documents">
        <li>
          <strong>{t.event.summaryPdf}</strong>{' '}
          <DownloadButton label={t.event.summaryPdf} fetchFile={() => api.downloadSummary(number)} />
        </li>
        {exports.data?.map((doc) => (
          <li key={`${doc.area}/${doc.export}`} data-export={doc.export}>
            <strong>{doc.title}</strong> <span className="who-small">({doc.area_name}{doc.authority && ` · ${doc.authority}`})</span>{' '}
            <DownloadButton label={`${doc.title} (PDF)`} fetchFile={() => api.downloadExport(number, doc.area, doc.export)} />
            <p className="who-small">
              {doc.missing.length ? t.event.missing(doc.missing.map((m) => m.label).join(', ')) : t.event.complete}
            </p>
          </li>
        ))}
      </ul>
      {exports.data?.length === 0 && <p>{t.event.noExports}</p>}
      <ErrorMessage error={exports.error} />
    </section>
  );
}

/** The authority's case number, written on a recorded decision when it arrives (e.g. IVO's diarienummer). */
export function DecisionReference({ number, decision, onSaved }: { number: string; decision: Decision; onSaved: () => void }) {
  const [value, setValue] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const id = `referens-${decision.id}`;
  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await api.decisionReference(number, decision.id, value);
      setSaved(true);
      setValue('');
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, 'error', String(err)));
    }
  };
  return (
    <form className="inline-form" onSubmit={save}>
      <label htmlFor={id}>{t.event.reference}</label>{' '}
      <input id={id} value={value} maxLength={200} required onChange={(e) => setValue(e.target.value)} />{' '}
      <button type="submit" className="button">{t.event.saveReference}</button>
      {saved && <Notice kind="success">{t.event.referenceSaved}</Notice>}
      <ErrorMessage error={error} />
    </form>
  );
}
