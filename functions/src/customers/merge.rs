//! `POST /api/customers/{id}/merge` `{customerId}`: merges the customer `customerId` (the
//! duplicate) into `{id}`, which stays. Its tickets move; its addresses become secondary
//! addresses of `{id}` (mail from them maps to `{id}` from then on); its notes and phone are
//! kept; it is kept, marked `mergedInto`, and no longer listed.
//!
//! Two steps. First one transaction: both customers (conditioned on being as read, so no
//! edit is lost) and every address marker of the duplicate, pointed at `{id}`. Then each
//! ticket moves in its own small transaction. If the second step is interrupted, calling
//! the merge again finds the duplicate already marked and finishes moving its tickets
//! (every move is idempotent); a ticket opened meanwhile for the duplicate cannot slip
//! through, because opening a ticket for a known customer checks it is not merged.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::Caller;
use wrrk_shared::domain::Customer;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, path_id, retry_on_stale};
use wrrk_shared::ids::CustomerId;
use wrrk_shared::store::Conflict;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = CustomersMergeRequest)]
struct Body {
    /// The duplicate, merged into the customer of the path.
    #[schema(value_type = wrrk_shared::ids::CustomerId)]
    customer_id: String,
}

/// Idempotent: merging a duplicate again finishes an interrupted merge.
#[utoipa::path(
    post,
    path = "/api/customers/{id}/merge",
    operation_id = "customers-merge",
    tag = "customers",
    request_body = Body,
    params(
        ("id" = wrrk_shared::ids::CustomerId, Path, description = "The customer that stays."),
    ),
    responses(
        (status = 200, description = "Merged: the customer that stays, and how many tickets moved", body = wrrk_shared::http::Data<crate::wire::CustomerMerged>),
    ),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let caller = Caller::from_request(&app, &req).await?;
    let org = caller.org_id();
    let id: CustomerId = path_id(&req, "id", "Customer")?;
    super::load(&app, org, &id).await?;
    let body: Body = json_body(&req, 4 * 1024)?;
    let source_id = CustomerId::parse(&body.customer_id)
        .ok_or_else(|| ApiError::invalid("customerId", "customerId: not a valid id"))?;
    if source_id == id {
        return Err(ApiError::invalid(
            "customerId",
            "customerId: a customer cannot be merged into itself",
        ));
    }
    let target = retry_on_stale(|| async {
        let (target, source) = tokio::try_join!(
            super::load(&app, org, &id),
            super::load(&app, org, &source_id)
        )?;
        if target.merged_into.is_some() {
            return Err(ApiError::Store(Conflict::CustomerMerged));
        }
        match &source.merged_into {
            // Merged already (this call repeats or resumes it).
            Some(into) if *into == target.id => return Ok(target),
            Some(_) => return Err(ApiError::Store(Conflict::CustomerMerged)),
            None => {}
        }
        let after = merged(&target, &source)?;
        app.store
            .merge_customer_records(&target, &after, &source)
            .await?;
        Ok(after)
    })
    .await?;
    let moved = app
        .store
        .move_customer_tickets(org, &source_id, &target)
        .await?;
    ok(crate::wire::CustomerMerged {
        customer: target,
        moved_tickets: moved as u64,
    })
}

/// `target` with `source` joined into it: its addresses as secondary ones, its phone if
/// `target` has none, its notes (and a differing phone) appended to the notes.
fn merged(target: &Customer, source: &Customer) -> Result<Customer, ApiError> {
    let mut after = target.clone();
    for e in source.all_emails() {
        if !after.all_emails().any(|x| x == e) {
            after.secondary_emails.push(e.clone());
        }
    }
    if after.all_emails().count() > Customer::MAX_EMAILS {
        return Err(ApiError::invalid(
            "customerId",
            format!(
                "customerId: together they would have more than {} addresses",
                Customer::MAX_EMAILS
            ),
        ));
    }
    let mut extra = Vec::new();
    match (&after.phone, &source.phone) {
        (None, Some(p)) => after.phone = Some(p.clone()),
        (Some(mine), Some(p)) if mine != p => extra.push(format!("Phone: {p}")),
        _ => {}
    }
    if let Some(n) = &source.notes {
        extra.push(n.clone());
    }
    if !extra.is_empty() {
        let from = format!(
            "From {} <{}>:\n{}",
            source.name,
            source.email,
            extra.join("\n")
        );
        after.notes = Some(match &after.notes {
            Some(mine) => format!("{mine}\n\n{from}"),
            None => from,
        });
    }
    after.email_bouncing = target.email_bouncing;
    after.version = target.version + 1;
    after.updated_at = Some(Utc::now());
    Ok(after)
}
