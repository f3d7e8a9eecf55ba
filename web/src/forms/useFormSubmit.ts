// Sending a form to the API: what was entered (kept when the server refuses), busy, the error, the answer.
import { useState } from 'react';
import type { ApiError, FieldError } from '../api/client';
import { asApiError } from '../components/common';

type Data = Record<string, unknown>;

export function useFormSubmit<T>(send: (data: Data) => Promise<T>) {
  const [data, setData] = useState<Data>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<T | null>(null);

  async function submit(formData: Data) {
    setData(formData);
    setBusy(true);
    setError(null);
    try {
      setResult(await send(formData));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }
  const reset = () => { setResult(null); setData({}); };
  return { data, busy, error, result, submit, reset };
}

/** The server names fields of a form sent as `{data: …}` as `data/<field>`; the form knows them as `<field>`. */
export const dataFieldErrors = (error: ApiError | null): FieldError[] | undefined =>
  error?.errors.map((e) => ({ ...e, path: e.path.replace(/^data\//, '') }));
