//! What a message carries when it travelled by email: its HTML, the full text with quoted
//! history, attachments, what kind of mail it was, and (outbound) its delivery state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Email details of a message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailMeta {
    /// Sanitized HTML body (`cid:` images point at `/api/attachments/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The whole text body, quoted history included (`content` has it folded out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_text: Option<String>,
    /// Files and inline images, stored in S3.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<Attachment>,
    /// An auto-reply or a bounce rather than a person writing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<MailKind>,
    /// The sender's address as it came (a participant other than the customer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Outbound mail: where delivery stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<EmailDelivery>,
    /// An agent's reply: who else it went to, in its `Cc` header.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<String>,
    /// An agent's reply: who else it went to unnamed (the envelope only; agents see it).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bcc: Vec<String>,
}

/// Mail no person wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MailKind {
    /// Out-of-office and other automatic answers: kept, never answered, never reopen.
    AutoReply,
    /// A delivery failure or complaint report about mail we sent.
    Bounce,
}

/// A file that came with (or goes with) a message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Attachment {
    /// ULID; `GET /api/attachments/{id}` answers a short-lived download URL.
    pub id: String,
    /// File name (sanitized).
    pub filename: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size: u64,
    /// `Content-ID` of an inline image (without brackets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_id: Option<String>,
    /// Shown inside the HTML rather than listed.
    #[serde(default)]
    pub inline: bool,
}

/// Where an outbound email stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeliveryState {
    /// Handed to SES, no answer yet.
    Sending,
    /// SES accepted it.
    Sent,
    /// SES refused it or could not be reached; retried with backoff.
    Failed,
}

/// Delivery state of an outbound email.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EmailDelivery {
    /// Where it stands.
    pub state: DeliveryState,
    /// Our `Message-ID` (without brackets).
    pub message_id: String,
    /// The id SES returned (its header form is `<{id}@{region}.amazonses.com>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ses_message_id: Option<String>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Attempts so far.
    pub attempts: u32,
    /// When the retry function tries again (failed only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_attempt_at: Option<DateTime<Utc>>,
}
