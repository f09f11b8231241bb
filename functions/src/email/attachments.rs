//! `GET /api/attachments/{id}`: an attachment's details and a download URL valid for five
//! minutes (a presigned S3 GET; the bucket itself stays private).

use std::time::Duration;

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::email::content::{is_plain_filename, percent_encode_value};
use wrrk_shared::http::{ApiError, ApiResult, ok, path_id};
use wrrk_shared::ids::AttachmentId;

/// How long a download URL works.
pub const URL_LIFETIME: Duration = Duration::from_secs(300);

/// One attachment of the caller's organization.
#[utoipa::path(
    get,
    path = "/api/attachments/{id}",
    operation_id = "attachments-get",
    tag = "attachments",
    params(
        ("id" = wrrk_shared::ids::AttachmentId, Path),
    ),
    responses(
        (status = 200, description = "A short-lived download link", body = wrrk_shared::http::Data<crate::wire::AttachmentLink>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let id: AttachmentId = path_id(&req, "id", "Attachment")?;
    let stored = app
        .store
        .get_attachment(caller.org_id(), id.as_str())
        .await?
        .ok_or(ApiError::NotFound("Attachment"))?;
    ok(link(&app, stored).await?)
}

/// A short-lived download link for `stored` (the agents' and the widget's downloads).
pub(crate) async fn link(
    app: &App,
    stored: wrrk_shared::store::StoredAttachment,
) -> Result<crate::wire::AttachmentLink, ApiError> {
    let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(URL_LIFETIME)
        .map_err(|e| ApiError::Internal(e.into()))?;
    let presigned = app
        .s3
        .get_object()
        .bucket(&app.settings.bucket_name)
        .key(&stored.s3_key)
        .response_content_disposition(disposition(&stored.attachment.filename))
        .presigned(config)
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok(crate::wire::AttachmentLink {
        attachment: stored.attachment,
        ticket_id: stored.ticket_id,
        url: presigned.uri().to_string(),
        expires_in: URL_LIFETIME.as_secs(),
    })
}

/// `Content-Disposition` for a download (RFC 6266): an ASCII `filename` for old clients,
/// and the real name in `filename*` when it is not plain ASCII.
fn disposition(name: &str) -> String {
    if is_plain_filename(name) {
        return format!("attachment; filename=\"{name}\"");
    }
    let fallback: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        percent_encode_value(name)
    )
}
