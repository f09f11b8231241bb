//! Files agents attach to replies and notes, and chat visitors to their messages (the
//! widget API calls the same two functions, with a digest of the visitor's token as the
//! session; see [`crate::widget::upload_session`]). The client uploads each file straight to S3
//! through a short-lived presigned PUT (API Gateway caps request bodies at 10 MB and Lambda
//! at 6 MB, and the bytes never need to pass through a function). Until a message carries
//! it, an upload is a `pending` attachment item that expires; a message links it with the
//! same shape inbound mail's files have, so listing and downloading work unchanged.
//!
//! The presigned PUT writes a *staging* object (`uploads/...`) that nothing ever serves.
//! Sending the message copies it, on the condition that it is still the object just
//! checked (`CopySourceIfMatch` with its ETag), to a final key of its own
//! (`attachments/...`), and the claim records that key: a later PUT to the staging key
//! changes nothing anyone downloads or mails. An upload belongs to the session that asked
//! for it: only that session (still signed in, since its token is checked) can send it, so
//! after logout, a password change or deactivation a leftover URL can only fill a staging
//! object that no message will ever carry; the URL itself lives 5 minutes.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use serde::Serialize;

use crate::App;
use crate::domain::{Attachment, Ticket};
use crate::email::content::safe_filename;
use crate::http::ApiError;
use crate::store::{StoredAttachment, UploadState};

/// Largest file (10 MiB).
pub const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;
/// Largest total of one message's files (25 MiB): base64 makes that about 34 MB of mail,
/// under SES's 40 MB limit for a raw message.
pub const MAX_MESSAGE_BYTES: u64 = 25 * 1024 * 1024;
/// Most files on one message.
pub const MAX_FILES: usize = 10;
/// How long an upload URL works.
pub const UPLOAD_URL_LIFETIME: Duration = Duration::from_secs(5 * 60);
/// How long an unused upload stays usable (then its item expires).
pub const PENDING_LIFETIME_SECONDS: i64 = 24 * 3600;

/// What `POST /api/tickets/{id}/attachments` answers: the attachment as messages will
/// list it, and where and how to PUT its bytes.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Upload {
    /// The attachment (its `id` goes in the message's `attachmentIds`).
    pub attachment: Attachment,
    /// The presigned S3 URL to PUT the bytes to.
    pub upload_url: String,
    /// Always `PUT`.
    pub upload_method: &'static str,
    /// Headers the PUT must carry exactly as given (`content-type`). The body must be
    /// exactly `size` bytes: its length is part of the signature.
    pub upload_headers: BTreeMap<String, String>,
    /// Seconds the URL works.
    pub expires_in: u64,
}

/// A MIME type as a header may carry it: `type/subtype`, lower case, no parameters
/// (empty: `application/octet-stream`, what browsers leave unnamed).
pub fn content_type(raw: &str) -> Result<String, ApiError> {
    let bad = || {
        ApiError::invalid(
            "contentType",
            "contentType: must be a MIME type such as application/pdf",
        )
    };
    // At most 127 characters as sent (the document's `maxLength`).
    if raw.chars().count() > 127 {
        return Err(bad());
    }
    let ct = raw.trim().to_ascii_lowercase();
    if ct.is_empty() {
        return Ok("application/octet-stream".into());
    }
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    match ct.split_once('/') {
        Some((t, s)) if token(t) && token(s) => Ok(ct),
        _ => Err(bad()),
    }
}

/// An upload checked for a message: as the message lists it, and the final object it was
/// copied to (what the claim records).
#[derive(Debug, Clone)]
pub struct Checked {
    /// As the message lists it.
    pub attachment: Attachment,
    /// Its own copy, which no upload URL can reach.
    pub s3_key: String,
}

/// Records a pending upload of `filename` for `ticket` by session `session_id` of
/// `uploader` and presigns its PUT to a staging key. The URL fixes the object key, its
/// content type and its length, so what lands is what was declared.
pub async fn create(
    app: &App,
    ticket: &Ticket,
    uploader: &str,
    session_id: &str,
    filename: &str,
    content_type_raw: &str,
    size: u64,
) -> Result<Upload, ApiError> {
    if size == 0 {
        return Err(ApiError::invalid("size", "size: the file is empty"));
    }
    if size > MAX_FILE_BYTES {
        return Err(ApiError::invalid(
            "size",
            format!(
                "size: a file may be at most {} MB ({MAX_FILE_BYTES} bytes)",
                MAX_FILE_BYTES >> 20
            ),
        ));
    }
    let content_type = content_type(content_type_raw)?;
    let filename = safe_filename(Some(filename), "file");
    let id = crate::ids::new_id();
    // The key stays ASCII (the name people see is the item's `filename`).
    let key_name: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s3_key = format!("uploads/{}/{id}/{key_name}", ticket.org_id);
    let attachment = Attachment {
        id,
        filename,
        content_type: content_type.clone(),
        size,
        content_id: None,
        inline: false,
    };
    let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(UPLOAD_URL_LIFETIME)
        .context("presigning config")?;
    let presigned = app
        .s3
        .put_object()
        .bucket(&app.settings.bucket_name)
        .key(&s3_key)
        .content_type(&content_type)
        .content_length(i64::try_from(size).context("size")?)
        .presigned(config)
        .await
        .context("presigning an upload")?;
    app.store
        .put_upload(
            &ticket.org_id,
            &StoredAttachment {
                attachment: attachment.clone(),
                ticket_id: ticket.id.to_string(),
                s3_key,
                state: Some(UploadState::Pending),
                uploaded_by: Some(uploader.to_string()),
                upload_session: Some(session_id.to_string()),
                message_id: None,
                ttl: Some(Utc::now().timestamp() + PENDING_LIFETIME_SECONDS),
            },
        )
        .await?;
    // Browsers set Content-Length (and Host) themselves and may not set them by hand.
    let upload_headers = presigned
        .headers()
        .filter(|(k, _)| {
            !k.eq_ignore_ascii_case("content-length") && !k.eq_ignore_ascii_case("host")
        })
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    Ok(Upload {
        attachment,
        upload_url: presigned.uri().to_string(),
        upload_method: "PUT",
        upload_headers,
        expires_in: UPLOAD_URL_LIFETIME.as_secs(),
    })
}

/// Checks the uploads a message on `ticket` by session `session_id` wants to carry: each
/// one this organization's (else 404), for this ticket, asked for by this session, pending
/// and not expired, uploaded in full as declared (HeadObject), and together within
/// [`MAX_FILES`] and [`MAX_MESSAGE_BYTES`]; then copies each, as checked, to its final key.
/// The claim itself happens when the message is stored
/// ([`crate::conversation::post_message`]), so two messages cannot both take one.
pub async fn check(
    app: &App,
    ticket: &Ticket,
    session_id: &str,
    ids: &[String],
) -> Result<Vec<Checked>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    if ids.len() > MAX_FILES {
        return Err(ApiError::invalid(
            "attachmentIds",
            format!("attachmentIds: at most {MAX_FILES} files per message"),
        ));
    }
    if ids.iter().collect::<HashSet<_>>().len() != ids.len() {
        return Err(ApiError::invalid(
            "attachmentIds",
            "attachmentIds: the same file is listed twice",
        ));
    }
    // The ticket exists; an id that names no upload of this organization is a fault of
    // the body (422), whoever else may have such an id.
    let unknown = |id: &str| {
        ApiError::invalid(
            "attachmentIds",
            format!("attachmentIds: no upload has the id {id}"),
        )
    };
    if let Some(bad) = ids.iter().find(|id| !crate::ids::is_valid_id(id)) {
        return Err(unknown(bad));
    }
    let stored = app.store.get_attachments(&ticket.org_id, ids).await?;
    let now = Utc::now().timestamp();
    let mut total = 0u64;
    for id in ids {
        let a = stored
            .iter()
            .find(|a| &a.attachment.id == id)
            .ok_or_else(|| unknown(id))?;
        let name = &a.attachment.filename;
        if a.ticket_id != ticket.id {
            return Err(ApiError::invalid(
                "attachmentIds",
                format!("attachmentIds: {name} was uploaded for another ticket"),
            ));
        }
        // Inbound mail's files (no state) cannot be re-sent by id either.
        if a.state != Some(UploadState::Pending) {
            return Err(ApiError::Conflict(
                crate::http::ErrorCode::AttachmentUsed,
                format!("{name} was already sent with another message; upload it again."),
            ));
        }
        if a.upload_session.as_deref() != Some(session_id) {
            return Err(ApiError::Gone(
                crate::http::ErrorCode::UploadExpired,
                format!("{name} was uploaded in another session; upload it again."),
            ));
        }
        if a.ttl.is_some_and(|t| t <= now) {
            return Err(ApiError::Gone(
                crate::http::ErrorCode::UploadExpired,
                format!("The upload of {name} expired; upload it again."),
            ));
        }
        total += a.attachment.size;
    }
    if total > MAX_MESSAGE_BYTES {
        return Err(ApiError::invalid(
            "attachmentIds",
            format!(
                "attachmentIds: the files of one message may total at most {} MB",
                MAX_MESSAGE_BYTES >> 20
            ),
        ));
    }
    let heads = stored.iter().map(|a| async move {
        let head = app
            .s3
            .head_object()
            .bucket(&app.settings.bucket_name)
            .key(&a.s3_key)
            .send()
            .await;
        let name = &a.attachment.filename;
        match head {
            Ok(h) => {
                let size = h.content_length().and_then(|n| u64::try_from(n).ok());
                let ct = h.content_type().map(str::to_ascii_lowercase);
                let declared = || {
                    ApiError::invalid(
                        "attachmentIds",
                        format!("attachmentIds: {name} was not uploaded as declared"),
                    )
                };
                if size != Some(a.attachment.size)
                    || ct.as_deref() != Some(a.attachment.content_type.as_str())
                {
                    return Err(declared());
                }
                let etag = h.e_tag().ok_or_else(declared)?;
                Ok(Checked {
                    attachment: a.attachment.clone(),
                    s3_key: copy_final(app, ticket.org_id.as_str(), a, etag).await?,
                })
            }
            Err(e) if e.as_service_error().is_some_and(|e| e.is_not_found()) => {
                Err(ApiError::invalid(
                    "attachmentIds",
                    format!("attachmentIds: {name} has not been uploaded yet"),
                ))
            }
            Err(e) => Err(ApiError::Internal(
                anyhow::Error::new(e).context("reading an upload's size"),
            )),
        }
    });
    futures::future::try_join_all(heads).await
}

/// Copies the staging object of `a` to a final key of its own, only if it is still the
/// object with `etag` (the one just checked): a PUT in between is refused, not copied.
async fn copy_final(
    app: &App,
    org_id: &str,
    a: &StoredAttachment,
    etag: &str,
) -> Result<String, ApiError> {
    // A fresh name per copy: an attempt that fails before its claim leaves an orphan
    // object, never overwrites one a claimed message already names. No file name in the
    // key (downloads name the file from the item), which keeps it short.
    let key = format!(
        "attachments/{org_id}/{}/{}",
        a.attachment.id,
        crate::ids::new_id().to_lowercase()
    );
    let copied = app
        .s3
        .copy_object()
        .bucket(&app.settings.bucket_name)
        .copy_source(format!("{}/{}", app.settings.bucket_name, a.s3_key))
        .copy_source_if_match(etag)
        .key(&key)
        .send()
        .await;
    match copied {
        Ok(_) => Ok(key),
        Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 412) => {
            Err(ApiError::Conflict(
                crate::http::ErrorCode::UploadChanged,
                format!(
                    "{} changed while it was being sent; send the message again.",
                    a.attachment.filename
                ),
            ))
        }
        Err(e) => Err(ApiError::Internal(
            anyhow::Error::new(e).context("copying an upload to its final key"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_types_are_plain_mime_types() {
        assert_eq!(content_type("").unwrap(), "application/octet-stream");
        assert_eq!(
            content_type(" Application/PDF ").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            content_type("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
                .unwrap(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        for bad in [
            "pdf",
            "text/plain; charset=utf-8",
            "text/html\r\nX-Evil: 1",
            "/x",
            "a/",
        ] {
            assert!(content_type(bad).is_err(), "{bad}");
        }
    }
}
