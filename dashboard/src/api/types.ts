// The dashboard's wire types. Every shape the API sends or takes is an alias of a schema
// in the API's OpenAPI document (`openapi.json`, generated from the Rust handlers and
// their types), turned into TypeScript at build time (`npm run gen:api`), so nothing
// here is a hand-copied field name. What is left by hand: lists of enum values for
// menus, the socket's client frames, and the local stack's outbox.

import type { components } from './openapi.gen';

type S = components['schemas'];

export type Role = S['Role'];
export const ROLES: Role[] = ['ADMIN', 'MANAGER', 'SUPERVISOR', 'AGENT'];

export type TicketStatus = S['TicketStatus'];
export const STATUSES: TicketStatus[] = ['OPEN', 'PENDING', 'RESOLVED', 'CLOSED'];

export type Priority = S['Priority'];
export const PRIORITIES: Priority[] = ['LOW', 'MEDIUM', 'HIGH', 'URGENT'];

export type Channel = S['Channel'];
export const CHANNELS: Channel[] = ['MANUAL', 'EMAIL', 'CHAT'];

export type AuthorType = S['AuthorType'];

/** `GET /config.json`, served beside the dashboard (written to the bucket at deploy). */
export interface AppConfig {
  apiUrl: string;
  wsUrl: string;
}

/** `{"error": sentence, "code": machine_code}` (plus `field` on 422). */
export type ApiErrorBody = S['ErrorBody'];

/** A success: `{"data": ...}`. */
export interface DataBody<T> {
  data: T;
}

/** A list: `{"data": [...], "nextCursor": "..."}`. */
export interface Page<T> {
  data: T[];
  nextCursor?: string | null;
}

export type User = S['User'] & {
  /** Only on `GET /api/users/{id}`. */
  teams?: S['TeamRef'][];
};

/** Whether the user still has to verify their email. */
export function needsEmailVerification(u: User): boolean {
  return u.emailVerified === false;
}

export type WidgetPosition = S['WidgetPosition'];
export type WidgetSettings = S['WidgetSettings'];
export type WidgetPatch = S['OrganizationsUpdateWidget'];

/** An organization; `GET /api/organizations/{id}` adds `supportAddress`. */
export type Organization = S['Organization'] & { supportAddress?: string };

/** Sign-up, login, invitation accepted, password changed or reset. */
export type Session = S['SessionStarted'] & { deviceToken?: string };
export type Me = S['Me'];
export type SignupRequest = S['AuthSignupRequest'];
export type UserPatch = S['UsersUpdateRequest'];
export type OrganizationPatch = S['OrganizationsUpdateRequest'];
export type Team = S['Team'];
export type TeamPatch = S['TeamsUpdateRequest'];
export type AssignmentMode = S['AssignmentMode'];
export const ASSIGNMENT_MODES: AssignmentMode[] = ['MANUAL', 'ROUND_ROBIN'];
export type RoutingRule = S['RoutingRule'];
export type RoutingRuleInput = S['RoutingRuleInput'];
export type InvitationStatus = S['InvitationStatus'];
export type Invitation = S['Invitation'];
/** `GET /api/invitations/token/{token}` (public). */
export type InvitationLookup = S['InvitationPreview'];
export type CustomerSummary = S['CustomerSummary'];
export type PersonSummary = S['PersonSummary'];
/**
 * A ticket as a list row and the organization-wide `ticket:created` / `ticket:updated`
 * events carry it: what a row shows and what the list filters match.
 */
export type TicketSummary = S['TicketSummary'];
/** A ticket (`GET|POST|PATCH /api/tickets[/{id}]`): its summary and the rest. */
export type Ticket = S['Ticket'];

export function ticketNumber(t: Pick<TicketSummary, 'ticketNumber' | 'number'>): string {
  return t.ticketNumber || `#${t.number}`;
}

export type TicketPatch = S['TicketsUpdateRequest'];
export type NewTicketRequest = S['TicketsCreateRequest'];
/** A file of a message; `GET /api/attachments/{id}` gives a short-lived URL. */
export type Attachment = S['Attachment'];
export type AttachmentLink = S['AttachmentLink'];
export type MailKind = S['MailKind'];
export type EmailDelivery = S['EmailDelivery'];
export type EmailMeta = S['EmailMeta'];
export type Message = S['Message'];
export type NewMessageRequest = S['TicketMessagesCreateRequest'];

/** The server's limits on files (README, "Limits"). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
export const MAX_MESSAGE_BYTES = 25 * 1024 * 1024;
export const MAX_FILES = 10;


/** `POST /api/tickets/{id}/attachments`. */
export type NewUploadRequest = S['TicketAttachmentsCreateRequest'];
/** The answer: the attachment as the message will list it, and where to PUT its bytes. */
export type Upload = S['Upload'];

export type Customer = S['Customer'] & { tickets?: Ticket[] };

export type CustomerPatch = S['CustomersUpdateRequest'];
/** `POST /api/customers/{id}/merge`: the customer that stays and the tickets moved. */
export type CustomerMerged = S['CustomerMerged'];

/** A satisfaction survey as its public rating page shows it. */
export type SurveyView = S['SurveyView'];

/** A saved reply: shared (`ownerId` null) or the caller's own. */
export type SavedReply = S['SavedReply'];
export type NewSavedReply = S['SavedRepliesCreateRequest'];
export type SavedReplyPatch = S['SavedRepliesUpdateRequest'];
/** A saved reply filled for one ticket (plain text). */
export type RenderedReply = S['RenderedReply'];

/** `GET /api/presence` items and `presence:update` data. */
export type Presence = S['PresenceEntry'] & { lastSeenAt?: string | null };
export type TypingIndicator = S['Typing'];
/** Someone with a ticket open (`ticket:viewers`, and agents' `ticket:subscribed`). */
export type Viewer = S['Viewer'];
/** Everyone with a ticket open (the receiver included); `at` orders snapshots. */
export type TicketViewers = S['Viewers'];

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

/** Server frames: `{event, data}`, the document's `Event` schema. */
type Frame = S['Event'];
/** `message:new` as agents receive it: the message and the ticket's summary after it. */
export type MessageEvent = S['NewMessage'];

export type ServerEvents = { [E in Frame['event']]: Extract<Frame, { event: E }>['data'] };

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

/** The organization's own address or domain verified as an SES identity (replies to
 * mail that came to it go out from it once verified). */
export type SenderIdentity = S['SenderIdentityView'];
export type DnsRecord = S['DnsRecord'];
/** `GET /api/reports`. */
export type Report = S['Report'];
export type ReportFigures = S['ReportFigures'];
export type ReportRow = S['ReportRow'];
