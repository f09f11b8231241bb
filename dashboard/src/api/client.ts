// The typed HTTP client. Every call goes through request(): JSON bodies always carry
// `Content-Type: application/json`, the session token goes in `Authorization: Bearer`
// (never in a URL), and failures become ApiError with the server's plain sentence.

import type {
  AppConfig,
  Attachment,
  AttachmentLink,
  ApiErrorBody,
  Customer,
  CustomerMerged,
  CustomerPatch,
  Invitation,
  InvitationLookup,
  Me,
  Message,
  NewMessageRequest,
  NewTicketRequest,
  NewUploadRequest,
  Organization,
  OrganizationPatch,
  Page,
  Presence,
  RenderedReply,
  Report,
  Role,
  SavedReply,
  SavedReplyPatch,
  NewSavedReply,
  SenderIdentity,
  Session,
  SignupRequest,
  SurveyView,
  Team,
  TeamPatch,
  RoutingRule,
  RoutingRuleInput,
  Ticket,
  TicketSummary,
  TicketPatch,
  Upload,
  User,
  UserPatch,
} from './types';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

const TOKEN_KEY = 'wrrk.token';

let config: AppConfig = { apiUrl: '', wsUrl: '' };
let onUnauthorized: (() => void) | null = null;

export function configure(c: AppConfig, unauthorized: () => void) {
  config = { apiUrl: c.apiUrl.replace(/\/$/, ''), wsUrl: c.wsUrl.replace(/\/$/, '') };
  onUnauthorized = unauthorized;
}

export function getConfig(): AppConfig {
  return config;
}

// The token lives in localStorage, not sessionStorage: agents open tickets in new tabs,
// and every tab of one agent must work without signing in again. Both storages are
// equally readable by injected script, so XSS is handled where it starts (email HTML is
// sanitized, nothing is rendered as raw HTML otherwise). Signing out clears it in every
// tab (the `storage` event).
export function getToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null) {
  try {
    if (token) localStorage.setItem(TOKEN_KEY, token);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage disabled: the session lasts as long as the page */
  }
}

export const TOKEN_STORAGE_KEY = TOKEN_KEY;

type Query = Record<string, string | number | undefined | null>;

interface Options {
  query?: Query;
  body?: unknown;
  /** Public endpoints: no token, and a 401 is just an error. */
  anonymous?: boolean;
}

function qs(query?: Query): string {
  if (!query) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

const NETWORK_MESSAGE = 'Could not reach the server. Check your connection and try again.';

async function raw(method: string, path: string, opts: Options = {}): Promise<unknown> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = opts.anonymous ? null : getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetch(`${config.apiUrl}${path}${qs(opts.query)}`, { method, headers, body });
  } catch {
    throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
  }
  if (res.status === 204) return undefined;
  let json: unknown = undefined;
  try {
    json = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const e = (json ?? {}) as Partial<ApiErrorBody>;
    const err = new ApiError(
      res.status,
      e.code ?? `http_${res.status}`,
      e.error ?? `The server answered ${res.status} ${res.statusText}.`.trim(),
      e.field ?? undefined,
    );
    // A 401 for a token that has since been replaced (password change) is not the end
    // of the session.
    if (res.status === 401 && !opts.anonymous && token && token === getToken()) onUnauthorized?.();
    throw err;
  }
  return json;
}

async function data<T>(method: string, path: string, opts?: Options): Promise<T> {
  const json = (await raw(method, path, opts)) as { data: T } | undefined;
  return json?.data as T;
}

async function page<T>(path: string, query?: Query): Promise<Page<T>> {
  const json = (await raw('GET', path, { query })) as Page<T>;
  return { data: json?.data ?? [], nextCursor: json?.nextCursor ?? null };
}

const enc = encodeURIComponent;

export interface TicketQuery {
  status?: string;
  priority?: string;
  assignee?: string;
  team?: string;
  channel?: string;
  customer?: string;
  /** `due`: soonest SLA due time first. */
  sort?: string;
  limit?: number;
  cursor?: string | null;
}

export const api = {
  // Auth
  signup: (b: SignupRequest) => data<Session>('POST', '/api/auth/signup', { body: b, anonymous: true }),
  login: (email: string, password: string) =>
    data<Session>('POST', '/api/auth/login', { body: { email, password }, anonymous: true }),
  me: () => data<Me>('GET', '/api/auth/me'),
  /** Ends this session on the server (its token answers 401 from then on). */
  logout: () => data<void>('POST', '/api/auth/logout', { body: {} }),
  /** Ends every other session; the answer carries a fresh token for this one. */
  changePassword: (currentPassword: string, newPassword: string) =>
    data<Session>('POST', '/api/auth/password', { body: { currentPassword, newPassword } }),
  verifyEmail: (token: string) =>
    data<unknown>('POST', '/api/auth/verify-email', { body: { token }, anonymous: true }),
  /** Mails a fresh verification link (202), or says there is nothing to verify (200). */
  resendVerification: () =>
    data<{ verified: boolean; sent?: boolean }>('POST', '/api/auth/verify-email/resend', { body: {} }),
  forgotPassword: (email: string) =>
    data<unknown>('POST', '/api/auth/forgot-password', { body: { email }, anonymous: true }),
  /** Ends every session of the user; the answer signs them in. */
  resetPassword: (token: string, newPassword: string) =>
    data<Session>('POST', '/api/auth/reset-password', { body: { token, newPassword }, anonymous: true }),

  // Users
  users: (q: { search?: string; role?: string; team?: string; limit?: number; cursor?: string | null } = {}) =>
    page<User>('/api/users', q),
  user: (id: string) => data<User>('GET', `/api/users/${enc(id)}`),
  /** Turns off one kind of notification mail (the link in such a mail; no sign-in). */
  unsubscribe: (token: string) =>
    data<{ kind: string; email: string }>('POST', '/api/notifications/unsubscribe', { body: { token }, anonymous: true }),
  updateUser: (id: string, patch: UserPatch) => data<User>('PATCH', `/api/users/${enc(id)}`, { body: patch }),
  deactivateUser: (id: string) => data<User>('DELETE', `/api/users/${enc(id)}`),

  // Organization
  organization: (id: string) => data<Organization>('GET', `/api/organizations/${enc(id)}`),
  updateOrganization: (id: string, patch: OrganizationPatch) =>
    data<Organization>('PATCH', `/api/organizations/${enc(id)}`, { body: patch }),

  // Teams
  teams: (q: { limit?: number; cursor?: string | null } = {}) => page<Team>('/api/teams', q),
  createTeam: (name: string, description?: string) =>
    data<Team>('POST', '/api/teams', { body: description ? { name, description } : { name } }),
  deleteTeam: (id: string) => data<void>('DELETE', `/api/teams/${enc(id)}`),
  /** Name, description, assignment mode and cap of open conversations per agent. */
  updateTeam: (id: string, patch: TeamPatch) => data<Team>('PATCH', `/api/teams/${enc(id)}`, { body: patch }),
  /** Replaces the organization's routing rules (tried in order, the first match wins). */
  updateRoutingRules: (orgId: string, rules: RoutingRuleInput[]) =>
    data<RoutingRule[]>('PATCH', `/api/organizations/${enc(orgId)}/routing-rules`, { body: { rules } }),
  teamMembers: (id: string, q: { limit?: number; cursor?: string | null } = {}) =>
    page<User>(`/api/teams/${enc(id)}/members`, q),
  addTeamMember: (id: string, userId: string) =>
    data<User>('POST', `/api/teams/${enc(id)}/members`, { body: { userId } }),
  removeTeamMember: (id: string, userId: string) =>
    data<void>('DELETE', `/api/teams/${enc(id)}/members/${enc(userId)}`),

  // Invitations
  invitations: (q: { limit?: number; cursor?: string | null } = {}) => page<Invitation>('/api/invitations', q),
  invite: (email: string, role: Role) => data<Invitation>('POST', '/api/invitations', { body: { email, role } }),
  revokeInvitation: (id: string) => data<void>('DELETE', `/api/invitations/${enc(id)}`),
  lookupInvitation: (token: string) =>
    data<InvitationLookup>('GET', `/api/invitations/token/${enc(token)}`, { anonymous: true }),
  acceptInvitation: (token: string, name: string, password: string) =>
    data<Session>('POST', `/api/invitations/token/${enc(token)}/accept`, {
      body: { name, password },
      anonymous: true,
    }),

  // Tickets
  tickets: (q: TicketQuery = {}) => page<TicketSummary>('/api/tickets', { ...q }),
  /** The ticket with a human number (`ACME-0042`, `acme-42`), if there is one. */
  ticketByNumber: async (number: string) =>
    (await page<TicketSummary>('/api/tickets', { number })).data[0] ?? null,
  ticket: (id: string) => data<Ticket>('GET', `/api/tickets/${enc(id)}`),
  createTicket: (b: NewTicketRequest) => data<Ticket>('POST', '/api/tickets', { body: b }),
  /** Snoozes a ticket until `until` (RFC 3339): PENDING until then, OPEN again after. */
  snoozeTicket: (id: string, until: string) =>
    data<Ticket>('PUT', `/api/tickets/${enc(id)}/snooze`, { body: { until } }),
  updateTicket: (id: string, patch: TicketPatch) =>
    data<Ticket>('PATCH', `/api/tickets/${enc(id)}`, { body: patch }),
  messages: (id: string, q: { after?: string; limit?: number; cursor?: string | null } = {}) =>
    page<Message>(`/api/tickets/${enc(id)}/messages`, q),
  sendMessage: (id: string, b: NewMessageRequest) =>
    data<Message>('POST', `/api/tickets/${enc(id)}/messages`, { body: b }),

  /** An upload URL for one file to attach to a message on the ticket. */
  createUpload: (id: string, b: NewUploadRequest) =>
    data<Upload>('POST', `/api/tickets/${enc(id)}/attachments`, { body: b }),
  /** Uploads `file` for the ticket: an upload URL, then the bytes PUT straight to storage. */
  uploadFile: async (id: string, file: File): Promise<Attachment> => {
    const up = await api.createUpload(id, { filename: file.name, contentType: file.type, size: file.size });
    let res: Response;
    try {
      res = await fetch(up.uploadUrl, { method: up.uploadMethod, headers: up.uploadHeaders, body: file });
    } catch {
      throw new ApiError(0, 'network_error', NETWORK_MESSAGE);
    }
    if (!res.ok) throw new ApiError(res.status, 'upload_failed', `The file could not be stored (${res.status}). Try again.`);
    return up.attachment;
  },

  /** An attachment's details and a download URL that works for a few minutes. */
  attachment: (id: string) => data<AttachmentLink>('GET', `/api/attachments/${enc(id)}`),

  // Customers
  customers: (q: { search?: string; limit?: number; cursor?: string | null } = {}) =>
    page<Customer>('/api/customers', q),
  customer: (id: string) => data<Customer>('GET', `/api/customers/${enc(id)}`),
  updateCustomer: (id: string, patch: CustomerPatch) =>
    data<Customer>('PATCH', `/api/customers/${enc(id)}`, { body: patch }),
  /** Merges the customer `duplicateId` into `id` (which stays). */
  mergeCustomer: (id: string, duplicateId: string) =>
    data<CustomerMerged>('POST', `/api/customers/${enc(id)}/merge`, { body: { customerId: duplicateId } }),

  // Saved replies
  /** `GET /api/reports`: the figures of the days `from` to `to` (`YYYY-MM-DD`, inclusive). */
  report: (from: string, to: string) => data<Report>('GET', '/api/reports', { query: { from, to } }),
  savedReplies: (q: { scope?: 'shared' | 'personal'; search?: string; limit?: number; cursor?: string | null } = {}) =>
    page<SavedReply>('/api/saved-replies', q),
  createSavedReply: (b: NewSavedReply) => data<SavedReply>('POST', '/api/saved-replies', { body: b }),
  updateSavedReply: (id: string, patch: SavedReplyPatch) =>
    data<SavedReply>('PATCH', `/api/saved-replies/${enc(id)}`, { body: patch }),
  deleteSavedReply: (id: string) => data<void>('DELETE', `/api/saved-replies/${enc(id)}`),
  /** The reply's text filled for the ticket (server-side, plain text). */
  renderSavedReply: (id: string, ticketId: string) =>
    data<RenderedReply>('GET', `/api/saved-replies/${enc(id)}/render`, { query: { ticketId } }),

  // Satisfaction surveys (public: the token of the mailed link authorizes)
  survey: (token: string) => data<SurveyView>('GET', `/api/csat/${enc(token)}`, { anonymous: true }),
  rate: (token: string, rating: number, comment?: string) =>
    data<SurveyView>('POST', `/api/csat/${enc(token)}`, {
      body: comment ? { rating, comment } : { rating },
      anonymous: true,
    }),

  // Sender identities (mail from the organization's own address)
  senderIdentities: (orgId: string) =>
    data<SenderIdentity[]>('GET', `/api/organizations/${enc(orgId)}/sender-identities`),
  addSenderIdentity: (orgId: string, identity: string) =>
    data<SenderIdentity>('POST', `/api/organizations/${enc(orgId)}/sender-identities`, { body: { identity } }),
  removeSenderIdentity: (orgId: string, identity: string) =>
    data<void>('DELETE', `/api/organizations/${enc(orgId)}/sender-identities/${enc(identity)}`),

  // Presence
  presence: (q: { limit?: number; cursor?: string | null } = {}) => page<Presence>('/api/presence', q),
};

/** Every page of a list, following `nextCursor`. */
export async function all<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  max = 10_000,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  do {
    const p: Page<T> = await fetchPage(cursor);
    out.push(...p.data);
    cursor = p.nextCursor ?? null;
  } while (cursor && out.length < max);
  return out;
}

/** An error as one plain sentence for the page. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  if (e instanceof Error) return e.message;
  return 'Something went wrong. Please try again.';
}
