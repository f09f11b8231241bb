//! `PATCH /api/customers/{id}`: an agent corrects or annotates a customer: name, email,
//! phone, notes. Send the `version` you read to refuse the edit if someone changed the
//! customer since (409 `ErrorCode::StaleWrite`); without it, fields you did not send are kept.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::{Email, PersonName};
use wrrk_shared::http::{
    ApiError, ApiResult, json_body, nullable, ok, path_id, request::MAX_JSON_BYTES, retry_on_stale,
};
use wrrk_shared::ids::CustomerId;
use wrrk_shared::store::Conflict;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomersUpdateRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: Option<String>,
    /// The new primary address: unique among the organization's customers. One of the
    /// customer's secondary addresses is promoted (the old primary becomes secondary).
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(
        pattern = "^[\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*([0-9 +().\\/-]*[0-9][0-9 +().\\/-]*[\\t-\\r \\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*)?$",
        max_length = 40
    )]
    phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(
        pattern = "^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$",
        max_length = 5000
    )]
    notes: Option<Option<String>>,
    /// The `version` the edit is based on.
    #[serde(
        default,
        deserialize_with = "wrrk_shared::http::request::whole_number_opt"
    )]
    version: Option<u64>,
}

/// A conditional write of the customer (and its address markers when the email changes),
/// then the new name and address onto their tickets.
#[utoipa::path(
    patch,
    path = "/api/customers/{id}",
    operation_id = "customers-update",
    tag = "customers",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::CustomerId, Path),
    ),
    responses(
        (status = 200, description = "Updated", body = wrrk_shared::http::Data<wrrk_shared::domain::Customer>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: CustomerId = path_id(&req, "id", "Customer")?;
    super::load(&app, org, &id).await?;
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let name = body
        .name
        .as_deref()
        .map(|n| PersonName::parse("name", n))
        .transpose()?;
    let email = body
        .email
        .as_deref()
        .map(|e| Email::parse("email", e))
        .transpose()?;
    let phone = match &body.phone {
        Some(Some(p)) => Some(super::parse_phone(p)?),
        Some(None) => Some(None),
        None => None,
    };
    let notes = match &body.notes {
        Some(Some(t)) => Some(super::parse_notes(t)?),
        Some(None) => Some(None),
        None => None,
    };
    let (before, after) = retry_on_stale(|| async {
        let before = super::load(&app, org, &id).await?;
        if before.merged_into.is_some() {
            return Err(ApiError::Store(Conflict::CustomerMerged));
        }
        if body.version.is_some_and(|v| v != before.version) {
            return Err(ApiError::Store(Conflict::StaleWrite));
        }
        let mut after = before.clone();
        if let Some(n) = &name {
            after.name = n.clone();
        }
        if let Some(e) = &email
            && *e != before.email
        {
            // A secondary address promoted: the old primary takes its place.
            if let Some(i) = after.secondary_emails.iter().position(|x| x == e) {
                after.secondary_emails[i] = before.email.clone();
            }
            after.email = e.clone();
        }
        if let Some(p) = &phone {
            after.phone = p.clone();
        }
        if let Some(t) = &notes {
            after.notes = t.clone();
        }
        after.version = before.version + 1;
        after.updated_at = Some(Utc::now());
        app.store.save_customer(&before, &after).await?;
        Ok((before, after))
    })
    .await?;
    if before.name != after.name || before.email != after.email {
        app.store.refresh_customer(&after).await?;
    }
    ok(after)
}
