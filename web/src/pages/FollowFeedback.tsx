import { type FormEvent, useState } from 'react';
import { api, type ApiError, type FeedbackStatus } from '../api/client';
import { ErrorMessage, usePageTitle } from '../components/common';
import { t } from '../text';

/** A complainant follows their case without logging in: the receipt code and the secret shown once. */
export default function FollowFeedback() {
  usePageTitle(t.feedback.followTitle);
  const [code, setCode] = useState('');
  const [secret, setSecret] = useState('');
  const [status, setStatus] = useState<FeedbackStatus | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      setStatus(await api.followFeedback(code.trim(), secret.trim()));
    } catch (failure) {
      setStatus(null);
      setError(failure as ApiError);
    }
  }

  return (
    <section className="narrow">
      <h1>{t.feedback.followTitle}</h1>
      <p className="lead">{t.feedback.followIntro}</p>
      <form onSubmit={submit}>
        <label htmlFor="folj-kod">{t.feedback.followCode}</label>
        <input id="folj-kod" className="form-control" required autoComplete="off" value={code}
               onChange={(e) => setCode(e.target.value)} />
        <label htmlFor="folj-losenord">{t.feedback.followSecret}</label>
        <input id="folj-losenord" className="form-control" required type="password" autoComplete="off"
               value={secret} onChange={(e) => setSecret(e.target.value)} />
        <button type="submit" className="button">{t.feedback.followSubmit}</button>
      </form>
      <ErrorMessage error={error} />
      {status && (
        <section aria-labelledby="arendet" className="card">
          <h2 id="arendet">{status.title}</h2>
          <dl>
            <dt>{t.feedback.followStatus}</dt>
            <dd data-testid="follow-status">{status.status_label}</dd>
            <dt>{t.feedback.followReceived}</dt>
            <dd>{status.received_at?.slice(0, 10)}</dd>
          </dl>
          {status.answer ? (
            <>
              <h3>{t.feedback.followAnswer}</h3>
              <p data-testid="follow-answer">{status.answer.explanation}</p>
              {status.answer.measures && <><h3>{t.feedback.followMeasures}</h3><p>{status.answer.measures}</p></>}
            </>
          ) : <p>{t.feedback.followNoAnswer}</p>}
        </section>
      )}
    </section>
  );
}
