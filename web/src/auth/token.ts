// The API token of this browser tab: sessionStorage, so it ends with the tab and is never shared across tabs.
const KEY = 'avvik.token';
const listeners = new Set<() => void>();

export const getToken = (): string | null => sessionStorage.getItem(KEY);

export function setToken(token: string): void {
  sessionStorage.setItem(KEY, token);
  listeners.forEach((notify) => notify());
}

export function clearToken(): void {
  if (sessionStorage.getItem(KEY) === null) return;
  sessionStorage.removeItem(KEY);
  listeners.forEach((notify) => notify());
}

export function onTokenChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
