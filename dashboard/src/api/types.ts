// Every wire type the dashboard reads or sends, in one place, so they can be swapped for
// types generated from the OpenAPI document later. Field names are the API's (camelCase).
// Optional fields marked "tolerated" may be absent in the current backend.

export type Role = 'ADMIN' | 'MANAGER' | 'SUPERVISOR' | 'AGENT';
export const ROLES: Role[] = ['ADMIN', 'MANAGER', 'SUPERVISOR', 'AGENT'];

export type TicketStatus = 'OPEN' | 'PENDING' | 'RESOLVED' | 'CLOSED';
export const STATUSES: TicketStatus[] = ['OPEN', 'PENDING', 'RESOLVED', 'CLOSED'];

export type Priority = 'LOW' | 'MEDIUM' | 'HIGH' | 'URGENT';
export const PRIORITIES: Priority[] = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];

export type Channel = 'MANUAL' | 'EMAIL' | 'CHAT';
export const CHANNELS: Channel[] = ['MANUAL', 'EMAIL', 'CHAT'];

export type AuthorType = 'AGENT' | 'CUSTOMER' | 'SYSTEM';

/** `GET /config.json`, served beside the dashboard (written to the bucket at deploy). */
export interface AppConfig {
  apiUrl: string;
  wsUrl: string;
}

/** `{"error": sentence, "code": machine_code}` (plus `field` on 422). */
export interface ApiErrorBody {
  error: string;
  code: string;
  field?: string;
}

/** A success: `{"data": ...}`. */
export interface DataBody<T> {
  data: T;
}

/** A list: `{"data": [...], "nextCursor": "..."}`. */
export interface Page<T> {
  data: T[];
  nextCursor?: string | null;
}

export interface User {
  id: string;
  orgId: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  avatarUrl?: string | null;
  /** Tolerated: present once email verification lands (either spelling). */
  emailVerified?: boolean;
  emailVerifiedAt?: string | null;
  /** Only on `GET /api/users/{id}`. */
  teams?: { id: string; name: string }[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** Whether the user still has to verify their email (false when the backend does not say). */
export function needsEmailVerification(u: User): boolean {
  if (u.emailVerified !== undefined) return !u.emailVerified;
  if ('emailVerifiedAt' in u) return !u.emailVerifiedAt;
  return false;
}

export type WidgetPosition = 'bottom-right' | 'bottom-left';

export interface WidgetSettings {
  primaryColor: string;
  position: WidgetPosition;
  welcomeMessage: string;
  /** The public key in the embed snippet (`data-wrrk-key`). */
  widgetKey?: string;
  /** Origins allowed to call the widget API (`https://www.example.com`); empty: none. */
  allowedOrigins?: string[];
  /** HMAC key for identity verification (present for admins only). */
  identitySecret?: string | null;
  /** A chat without a valid identity hash is refused. */
  identityEnforced?: boolean;
}

/** `PATCH /api/organizations/{id}` `widget`: settings, or one-shot rotations. */
export interface WidgetPatch {
  primaryColor?: string;
  position?: WidgetPosition;
  welcomeMessage?: string;
  allowedOrigins?: string[];
  identityEnforced?: boolean;
  rotateKey?: boolean;
  rotateIdentitySecret?: boolean;
}

export interface Organization {
  id: string;
  name: string;
  ticketPrefix: string;
  timezone: string;
  widget?: WidgetSettings;
  /** Set once the founding admin verified their email; until then no invitations. */
  verified?: boolean;
  /** The address whose mail becomes tickets. */
  supportAddress?: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** signup, login and invitation accept all answer with this. */
export interface Session {
  token: string;
  user: User;
  organization?: Organization;
}

/** `GET /api/auth/me`. */
export interface Me {
  user: User;
  organization: Organization;
}

export interface SignupRequest {
  organizationName: string;
  name: string;
  email: string;
  password: string;
}

export interface UserPatch {
  name?: string;
  avatarUrl?: string | null;
  role?: Role;
  active?: boolean;
}

export interface OrganizationPatch {
  name?: string;
  ticketPrefix?: string;
  timezone?: string;
  widget?: WidgetPatch;
}

export interface Team {
  id: string;
  orgId: string;
  name: string;
  description?: string | null;
  memberCount: number;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED';

export interface Invitation {
  id: string;
  orgId: string;
  email: string;
  role: Role;
  status: InvitationStatus;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}

/** `GET /api/invitations/token/{token}` (public). */
export interface InvitationLookup {
  organizationName: string;
  email: string;
  role: Role;
  expiresAt: string;
  valid: boolean;
}

export interface CustomerSummary {
  id: string;
  name: string;
  email: string;
}

export interface PersonSummary {
  id: string;
  name: string;
  avatarUrl?: string | null;
}

/**
 * A ticket as a list row and the organization-wide `ticket:created` / `ticket:updated`
 * events carry it: what a row shows and what the list filters match.
 */
export interface TicketSummary {
  id: string;
  number: number;
  /** The human number (`ACME-0042`); older backends call it `key`. Read via ticketNumber(). */
  ticketNumber?: string;
  key?: string;
  subject: string;
  status: TicketStatus;
  priority: Priority;
  channel: Channel;
  customerId: string;
  assigneeId?: string | null;
  teamId?: string | null;
  tags: string[];
  createdAt: string;
  lastActivityAt: string;
  customer?: CustomerSummary | null;
  assignee?: PersonSummary | null;
}

/** A ticket (`GET|POST|PATCH /api/tickets[/{id}]`): its summary and the rest. */
export interface Ticket extends TicketSummary {
  orgId: string;
  messageCount: number;
  updatedAt: string;
  version: number;
}

export function ticketNumber(t: Pick<Ticket, 'ticketNumber' | 'key' | 'number'>): string {
  return t.ticketNumber ?? t.key ?? `#${t.number}`;
}

export interface TicketPatch {
  status?: TicketStatus;
  priority?: Priority;
  assigneeId?: string | null;
  teamId?: string | null;
  subject?: string;
  tags?: string[];
}

export interface NewTicketRequest {
  subject: string;
  customer: { email: string; name?: string };
  priority?: Priority;
  message: string;
}

/** A file of an email message; `GET /api/attachments/{id}` gives a short-lived URL. */
export interface Attachment {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  /** `Content-ID` of an inline image. */
  contentId?: string;
  /** Shown inside the HTML rather than listed. */
  inline?: boolean;
}

/** `GET /api/attachments/{id}`. */
export interface AttachmentLink {
  attachment: Attachment;
  ticketId: string;
  url: string;
  expiresIn: number;
}

export type MailKind = 'AUTO_REPLY' | 'BOUNCE';

export interface EmailDelivery {
  state: 'sending' | 'sent' | 'failed';
  messageId: string;
  sesMessageId?: string;
  error?: string;
  attempts: number;
  nextAttemptAt?: string;
}

/** What an email message carries besides its plain text. */
export interface EmailMeta {
  /** Sanitized by the server, and again by the dashboard before display. */
  html?: string;
  /** The whole text body, quoted history included. */
  fullText?: string;
  attachments?: Attachment[];
  /** An auto-reply or a bounce rather than a person writing. */
  kind?: MailKind;
  /** The sender's address as it came (a participant other than the customer). */
  from?: string;
  /** Outbound mail: where delivery stands. */
  delivery?: EmailDelivery;
}

export interface Message {
  id: string;
  ticketId: string;
  orgId: string;
  authorType: AuthorType;
  authorId?: string | null;
  authorName: string;
  content: string;
  internal: boolean;
  channel: Channel;
  emailMessageId?: string;
  /** Email messages only. */
  email?: EmailMeta;
  createdAt: string;
}

export interface NewMessageRequest {
  content: string;
  internal: boolean;
  /** Uploaded files (`POST /api/tickets/{id}/attachments`) to send with the message. */
  attachmentIds?: string[];
}

/** The server's limits on files (README, "Limits"). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
export const MAX_FILES = 10;

/** `POST /api/tickets/{id}/attachments`. */
export interface NewUploadRequest {
  filename: string;
  /** Empty: application/octet-stream. */
  contentType: string;
  size: number;
}

/** The answer: the attachment as the message will list it, and where to PUT its bytes. */
export interface Upload {
  attachment: Attachment;
  /** A presigned S3 URL; content type and length are part of its signature. */
  uploadUrl: string;
  uploadMethod: 'PUT';
  /** Headers the PUT must carry as given. */
  uploadHeaders: Record<string, string>;
  expiresIn: number;
}

export interface Customer {
  id: string;
  orgId: string;
  email: string;
  name: string;
  createdAt: string;
  tickets?: Ticket[];
}

/** `GET /api/presence` items and `presence:update` data. */
export interface Presence {
  userId: string;
  name?: string | null;
  status: 'online' | 'offline';
  connections: number;
  onlineSince?: string | null;
  lastSeenAt?: string | null;
}

export interface TypingIndicator {
  ticketId: string;
  userId: string;
  name: string;
  kind: 'AGENT' | 'VISITOR';
  typing: boolean;
  expiresAt?: string | null;
}

/** Someone with a ticket open (`ticket:viewers`, and agents' `ticket:subscribed`). */
export interface Viewer {
  userId: string;
  name: string;
}

/** Everyone with a ticket open (the receiver included); `at` orders snapshots. */
export interface TicketViewers {
  ticketId: string;
  viewers: Viewer[];
  at: string;
}

/** Client frames over the WebSocket. */
export type ClientAction =
  | 'ticket:subscribe'
  | 'ticket:unsubscribe'
  | 'typing:start'
  | 'typing:stop';

export interface ClientFrame {
  action: ClientAction;
  ticketId: string;
}

/** Server frames: `{event, data}`. */
/** `message:new` as agents receive it: the message and the ticket's summary after it. */
export interface MessageEvent extends Message {
  ticket?: TicketSummary;
}

export interface ServerEvents {
  'message:new': MessageEvent;
  /** A stored message changed (its email's delivery state): replace it by id. */
  'message:updated': Message;
  'ticket:created': TicketSummary;
  'ticket:updated': TicketSummary;
  'typing:indicator': TypingIndicator;
  'presence:update': Presence;
  'ticket:viewers': TicketViewers;
  /** Agents' acknowledgements list who has the ticket open. */
  'ticket:subscribed': { ticketId: string; viewers?: Viewer[]; at?: string };
  'ticket:unsubscribed': { ticketId: string };
  error: { action?: string; code: string; error: string };
}

export type ServerEventName = keyof ServerEvents;

export interface ServerFrame<E extends ServerEventName = ServerEventName> {
  event: E;
  data: ServerEvents[E];
}

/** The mail the local stack "sent" (`GET /_local/outbox`, local stack only). */
export interface OutboxMail {
  id: string;
  from: string;
  to: string[] | string;
  subject: string;
  raw: string;
  sentAt: string;
}
