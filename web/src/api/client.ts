// The one API client: every call to /api/v1 goes through here, typed against the server's OpenAPI document
// (src/api/openapi.d.ts is generated from it by `make web`). Errors keep the server's {code, message, errors, unmet}.
import type { components } from './openapi';
import { getToken, clearToken } from '../auth/token';

type Schemas = components['schemas'];
// The server always writes every documented field; the generator marks them optional because marshmallow
// schemas declare no `required` on output.
type Full<T> = T extends (infer U)[] ? Full<U>[] : T extends object ? { [K in keyof T]-?: Full<T[K]> } : T;
export type Out<K extends keyof Schemas> = Full<Schemas[K]>;

export type Task = Out<'TaskOut'>;
export type WorkTask = Out<'WorkTaskOut'>;
export type PublicEntity = Out<'PublicEntityOut'>;
export type Deputy = Out<'DeputyOut'>;
export type TaskDetail = Out<'TaskDetailOut'>;
export type EventSummary = Out<'EventOut'>;
export type EventDetail = Out<'EventDetailOut'>;
export type EventPage = Out<'EventPageOut'>;
export type Action = Out<'ActionOut'>;
export type Closure = Out<'ClosureOut'>;
export type Unit = Out<'UnitOut'>;
export type Role = Out<'RoleOut'>;
export type Me = Out<'MeOut'>;
export type Form = Out<'FormOut'>;
export type Receipt = Out<'ReceiptOut'>;
export type FeedbackStatus = Out<'FeedbackStatusOut'>;
export type Audit = Out<'AuditOut'>;
export type CompleteResult = Out<'CompleteOut'>;
export type SessionConfig = Out<'SessionConfigOut'>;
export type DemoUser = Out<'DemoUserOut'>;
export type DemoLogin = Out<'DemoLoginOut'>;

export interface FieldError { path: string; message: string }
export interface UnmetRule { id?: string; message?: string; area?: string; [key: string]: unknown }

/** An answer other than 2xx, as the server described it. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly unmet: UnmetRule[] = [],
  ) {
    super(message);
  }
}

const BASE = '/api/v1';

/** A reporter (and, per area, other roles) sees a reduced event: what is left out reads as empty. */
const withEventDefaults = (event: Partial<EventDetail>): EventDetail => ({
  actions: [], feedback: [], open_tasks: [], task_history: [], decisions: [], history: [], report: {}, case_data: {},
  ...event,
} as EventDetail);

async function request<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'network', 'Servern kunde inte nås. Kontrollera anslutningen och försök igen.');
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) clearToken();
    throw new ApiError(
      response.status,
      payload?.code ?? 'error',
      payload?.message ?? 'Något gick fel.',
      payload?.errors ?? [],
      payload?.unmet ?? [],
    );
  }
  return payload as T;
}

export interface WorklistFilter { area?: string; unit?: string; overdue?: boolean }

const q = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

export const api = {
  sessionConfig: () => request<SessionConfig>('GET', '/session/config'),
  demoUsers: () => request<DemoUser[]>('GET', '/demo/users'),
  demoLogin: (user: string) => request<DemoLogin>('POST', '/demo/login', { user }),
  me: () => request<Me>('GET', '/me'),
  roles: () => request<Role[]>('GET', '/roles'),
  units: () => request<Unit[]>('GET', '/units'),
  form: (which: 'intake' | 'action', unit?: string) => request<Form>('GET', `/forms/${which}${q({ unit })}`),
  feedbackForm: () => request<Form>('GET', '/forms/feedback'),
  publicEntities: () => request<PublicEntity[]>('GET', '/public/entities'),
  sendFeedback: (entity: string, data: unknown) => request<Receipt>('POST', `/public/${enc(entity)}/feedback`, { data }),
  // the secret goes in a header, never in the address (addresses end up in logs and browser history)
  followFeedback: (receipt: string, secret: string) =>
    request<FeedbackStatus>('GET', `/public/feedback/${enc(receipt)}`, undefined, { 'X-Avvik-Secret': secret }),

  report: (unitId: string, data: unknown) => request<EventSummary>('POST', '/events', { unit_id: unitId, data }),
  events: (filter: { status?: string; text?: string; limit?: number; offset?: number }) =>
    request<EventPage>('GET', `/events${q(filter)}`),
  event: (number: string) => request<Partial<EventDetail>>('GET', `/events/${enc(number)}`).then(withEventDefaults),
  closure: (number: string) => request<Closure[]>('GET', `/events/${enc(number)}/closure`),
  createAction: (number: string, data: unknown) => request<Action>('POST', `/events/${enc(number)}/actions`, { data }),
  audit: (number: string) => request<Audit>('GET', `/audit${q({ event: number })}`),

  worklist: (scope: 'mine' | 'available', filter: WorklistFilter, limit: number, offset: number) =>
    request<WorkTask[]>('GET', `/tasks${q({ scope, ...filter, overdue: filter.overdue ? 'true' : undefined, limit, offset })}`),
  task: (id: string) => request<TaskDetail>('GET', `/tasks/${enc(id)}`),
  claim: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/claim`),
  release: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/release`),
  assign: (id: string, user: string) => request<Task>('POST', `/tasks/${enc(id)}/assign`, { user }),
  complete: (id: string, data: unknown, caseVersion: number) =>
    request<CompleteResult>('POST', `/tasks/${enc(id)}/complete`, { data, case_version: caseVersion }),

  deputies: () => request<Deputy[]>('GET', '/deputies'),
  nameDeputy: (body: { deputy: string; role: string; unit: string; starts_at: string; ends_at: string }) =>
    request<Deputy>('POST', '/deputies', body),
  revokeDeputy: (id: number) => request<Deputy>('POST', `/deputies/${id}/revoke`),

  myActions: () => request<Action[]>('GET', '/actions'),
  transition: (id: number, to: string, note: string | null, version: number, result?: string) =>
    request<Action>('POST', `/actions/${id}/transition`, { to, note, version, ...(result && { result }) }),
};
