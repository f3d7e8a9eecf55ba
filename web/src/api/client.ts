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
export type ActiveDefinitions = Out<'ActiveDefinitionsOut'>;
export type ActiveArea = Out<'ActiveAreaOut'>;
export type VariableDeclaration = Out<'VariableDeclarationOut'>;
export type ReleaseFile = Out<'ReleaseFileOut'>;
export type Validation = Out<'ValidationOut'>;
export type Finding = Out<'FindingOut'>;
export type Release = Out<'ReleaseOut'>;
export type Pilot = Out<'PilotOut'>;
/** The studio's edits on a base release: changed or new files (path -> text) and removed paths. */
export interface Edit { files: Record<string, string>; removed?: string[] }
export type Inbox = Out<'InboxOut'>;
export type Notification = Out<'NotificationOut'>;
export type NotificationSetting = Out<'NotificationSettingOut'>;
export type OutboxItem = Out<'OutboxItemOut'>;
export type Delivery = 'immediate' | 'digest' | 'off';
export type Attachment = Out<'AttachmentOut'>;
export type Hold = Out<'HoldOut'>;
/** What a file is attached to: the event, one of its area cases, an action or a task. */
export type AttachTarget =
  | { kind: 'event'; number: string } | { kind: 'area_case'; number: string; area: string }
  | { kind: 'action'; id: number } | { kind: 'task'; id: string };
export type Stats = Out<'StatsOut'>;
export type AvailableExport = Out<'AvailableExportOut'>;
export type Decision = Out<'DecisionOut'>;
export type Entity = Out<'EntityOut'>;
export type Annual = Out<'AnnualOut'>;

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
    readonly requestId: string | null = null, // the server's id of the request: quoted, it finds the logs
  ) {
    super(message);
  }
}

const BASE = '/api/v1';

/** A reporter (and, per area, other roles) sees a reduced event: what is left out reads as empty. */
const withEventDefaults = (event: Partial<EventDetail>): EventDetail => ({
  actions: [], feedback: [], open_tasks: [], task_history: [], decisions: [], history: [], report: {}, case_data: {},
  attachments: [], holds: [],
  ...event,
} as EventDetail);

async function request<T>(method: string, path: string, body?: unknown, extra?: Record<string, string>): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', ...extra };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  // a FormData body is multipart: the browser writes its Content-Type with the boundary
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    const sent = body === undefined ? undefined : multipart ? body : JSON.stringify(body);
    response = await fetch(BASE + path, { method, headers, body: sent });
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
      payload?.request_id ?? response.headers.get('X-Request-ID'),
    );
  }
  return payload as T;
}

/** Fetch a file with the bearer token (a plain link would carry none) and hand it to the browser to save, under
 *  the server's Content-Disposition name, else `fallback`. A refusal keeps the server's Swedish message. */
async function saveFile(path: string, fallback = 'avvik'): Promise<void> {
  const token = getToken();
  const response = await fetch(BASE + path, { headers: token ? { Authorization: `Bearer ${token}` } : {} })
    .catch(() => { throw new ApiError(0, 'network', 'Servern kunde inte nås. Kontrollera anslutningen och försök igen.'); });
  if (!response.ok) {
    const payload = await response.json().catch(() => null);
    throw new ApiError(response.status, payload?.code ?? 'error', payload?.message ?? 'Något gick fel.', payload?.errors ?? []);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? fallback;
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface WorklistFilter { area?: string; unit?: string; overdue?: boolean }

const q = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};
const enc = encodeURIComponent;

const attachPath = (target: AttachTarget) => {
  switch (target.kind) {
    case 'event': return `/events/${enc(target.number)}/attachments`;
    case 'area_case': return `/events/${enc(target.number)}/areas/${enc(target.area)}/attachments`;
    case 'action': return `/actions/${target.id}/attachments`;
    case 'task': return `/tasks/${enc(target.id)}/attachments`;
  }
};

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
  exports: (number: string) => request<AvailableExport[]>('GET', `/events/${enc(number)}/exports`),
  downloadExport: (number: string, area: string, exportId: string) =>
    saveFile(`/events/${enc(number)}/areas/${enc(area)}/exports/${enc(exportId)}?format=pdf`, `${number}-${exportId}.pdf`),
  downloadSummary: (number: string) => saveFile(`/events/${enc(number)}/summary?format=pdf`, `${number}-sammanfattning.pdf`),
  decisionReference: (number: string, decisionId: number, reference: string) =>
    request<Decision>('POST', `/events/${enc(number)}/decisions/${decisionId}/reference`, { reference }),
  annualEntities: () => request<Entity[]>('GET', '/annual-figures/entities'),
  annual: (entity: string, year: number) => request<Annual>('GET', `/annual-figures${q({ entity, year })}`),
  downloadAnnual: (entity: string, year: number, format: 'pdf' | 'json') =>
    saveFile(`/annual-figures${q({ entity, year, format })}`, `arsrapport-${entity}-${year}.${format}`),

  worklist: (scope: 'mine' | 'available', filter: WorklistFilter, limit: number, offset: number) =>
    request<WorkTask[]>('GET', `/tasks${q({ scope, ...filter, overdue: filter.overdue ? 'true' : undefined, limit, offset })}`),
  task: (id: string) => request<TaskDetail>('GET', `/tasks/${enc(id)}`),
  claim: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/claim`),
  release: (id: string) => request<Task>('POST', `/tasks/${enc(id)}/release`),
  assign: (id: string, user: string) => request<Task>('POST', `/tasks/${enc(id)}/assign`, { user }),
  complete: (id: string, data: unknown, caseVersion: number) =>
    request<CompleteResult>('POST', `/tasks/${enc(id)}/complete`, { data, case_version: caseVersion }),

  definitions: (unitId: string) => request<ActiveDefinitions>('GET', `/units/${enc(unitId)}/definitions`),
  releaseFile: (release: string, path: string) => request<ReleaseFile>('GET', `/releases/${enc(release)}/file${q({ path })}`),
  validateEdit: (release: string, edit: Edit) => request<Validation>('POST', `/releases/${enc(release)}/validate`, edit),
  formPreview: (release: string, edit: Edit, path: string) =>
    request<Form>('POST', `/releases/${enc(release)}/form-preview`, { ...edit, path }),
  publishEdit: (release: string, edit: Edit, label: string | null) =>
    request<Release>('POST', `/releases/${enc(release)}/edits`, { ...edit, label }),
  pilot: (release: string, units: string[], dryRun: boolean) =>
    request<Pilot>('POST', `/releases/${enc(release)}/pilot`, { units, dry_run: dryRun }),
  notifications: (limit = 50, offset = 0) => request<Inbox>('GET', `/me/notifications${q({ limit, offset })}`),
  markRead: (id: number) => request<Notification>('POST', `/me/notifications/${id}/read`),
  notificationSettings: () => request<NotificationSetting[]>('GET', '/me/notifications/settings'),
  setNotificationSetting: (kind: string, delivery: Delivery) =>
    request<NotificationSetting[]>('PUT', `/me/notifications/settings/${enc(kind)}`, { delivery }),
  outbox: (status?: string) => request<OutboxItem[]>('GET', `/admin/outbox${q({ status })}`),
  retryOutbox: (id: number) => request<OutboxItem>('POST', `/admin/outbox/${id}/retry`),
  attach: (target: AttachTarget, file: File, classification: string) => {
    const form = new FormData();
    form.append('file', file);
    form.append('classification', classification);
    return request<Attachment>('POST', attachPath(target), form);
  },
  downloadAttachment: (attachment: Attachment) => saveFile(`/attachments/${attachment.id}/content`, attachment.filename),
  placeHold: (number: string, reason: string) => request<Hold>('POST', `/events/${enc(number)}/holds`, { reason }),
  liftHold: (number: string, id: number, reason: string) =>
    request<Hold>('POST', `/events/${enc(number)}/holds/${id}/lift`, { reason }),
  stats: (filter: Record<string, string | undefined>) => request<Stats>('GET', `/stats${q(filter)}`),
  /** Save a CSV or XLSX download (the bearer token goes in a header, so a plain link cannot fetch it). */
  download: (path: '/events' | '/stats', filter: Record<string, string | undefined>) => saveFile(path + q(filter)),
  deputies: () => request<Deputy[]>('GET', '/deputies'),
  nameDeputy: (body: { deputy: string; role: string; unit: string; starts_at: string; ends_at: string }) =>
    request<Deputy>('POST', '/deputies', body),
  revokeDeputy: (id: number) => request<Deputy>('POST', `/deputies/${id}/revoke`),

  myActions: () => request<Action[]>('GET', '/actions'),
  transition: (id: number, to: string, note: string | null, version: number, result?: string) =>
    request<Action>('POST', `/actions/${id}/transition`, { to, note, version, ...(result && { result }) }),
};
