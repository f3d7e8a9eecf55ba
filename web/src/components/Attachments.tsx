// Files on an event, an area case, an action or a task: the list with download buttons, and the upload form.
import { useId, useState } from 'react';
import { api, type AttachTarget, type Attachment } from '../api/client';
import { t } from '../text';
import { Badge, ErrorMessage, Notice, asApiError } from './common';

export function AttachmentList({ items, where }: { items: Attachment[]; where?: (a: Attachment) => string | null }) {
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  if (items.length === 0) return <p>{t.attachments.none}</p>;
  return (
    <>
      <ErrorMessage error={error} />
      <ul className="link-list attachments">
        {items.map((a) => (
          <li key={a.id}>
            <button type="button" className="text-button" aria-label={t.attachments.download(a.filename)}
                    onClick={() => { setError(null); api.downloadAttachment(a).catch((e) => setError(asApiError(e))); }}>
              {a.filename}
            </button>{' '}
            <Badge tone={a.classification === 'allman' ? 'neutral' : 'warn'}>{a.classification_label}</Badge>{' '}
            <span className="who-small">{a.media_label}, {t.attachments.kb(a.size)}{where?.(a) ? ` · ${where(a)}` : ''}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function AttachmentUpload({ targets, onUploaded }: {
  targets: { label: string; target: AttachTarget }[]; onUploaded: (a: Attachment) => void;
}) {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [classification, setClassification] = useState('allman');
  const [chosen, setChosen] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof asApiError> | null>(null);
  const [done, setDone] = useState<string | null>(null);

  async function send(event: React.FormEvent) {
    event.preventDefault();
    if (!file) return;
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const attached = await api.attach(targets[chosen].target, file, classification);
      setDone(t.attachments.attached(attached.filename));
      setFile(null);
      (event.target as HTMLFormElement).reset();
      onUploaded(attached);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="attachment-upload" onSubmit={send}>
      <ErrorMessage error={error} />
      {done && <Notice kind="success">{done}</Notice>}
      {targets.length > 1 && (
        <>
          <label htmlFor={`${id}-target`}>{t.attachments.target}</label>
          <select id={`${id}-target`} className="form-control" value={chosen} onChange={(e) => setChosen(Number(e.target.value))}>
            {targets.map((item, i) => <option key={i} value={i}>{item.label}</option>)}
          </select>
        </>
      )}
      <label htmlFor={`${id}-file`}>{t.attachments.file}</label>
      <input id={`${id}-file`} type="file" className="form-control" required onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
      <label htmlFor={`${id}-class`}>{t.attachments.classification}</label>
      <select id={`${id}-class`} className="form-control" value={classification} onChange={(e) => setClassification(e.target.value)}>
        {Object.entries(t.attachments.classifications).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
      </select>
      <p className="who-small">{t.attachments.help}</p>
      <button type="submit" className="button" disabled={busy || !file}>{t.attachments.attach}</button>
    </form>
  );
}
