// Small pieces every page uses: loading a resource, showing an API error, a status badge.
import { useCallback, useEffect, useState } from 'react';
import { ApiError } from '../api/client';
import { t } from '../text';

export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let live = true;
    setError(null);
    load().then((value) => live && setData(value), (e) => live && setError(asApiError(e)));
    return () => { live = false; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, version]);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  return { data, error, reload, setData };
}

export const asApiError = (e: unknown): ApiError =>
  e instanceof ApiError ? e : new ApiError(0, 'error', e instanceof Error ? e.message : String(e));

export function ErrorMessage({ error }: { error: ApiError | null }) {
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {error.message}
      {error.requestId && <small className="request-id">{t.requestId} {error.requestId}</small>}
    </div>
  );
}

export function Notice({ children, kind = 'info' }: { children: React.ReactNode; kind?: 'info' | 'success' | 'warning' }) {
  return <div className={`alert alert-${kind}`} role="status">{children}</div>;
}

export function Loading() {
  return <p role="status">{t.loading}</p>;
}

export function Badge({ children, tone = 'neutral' }: { children: React.ReactNode; tone?: 'neutral' | 'ok' | 'warn' | 'bad' }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

export const isOverdue = (due: string | null | undefined) => Boolean(due && new Date(due).getTime() < Date.now());

export function usePageTitle(title: string) {
  useEffect(() => { document.title = `${title} – ${t.app}`; }, [title]);
}
