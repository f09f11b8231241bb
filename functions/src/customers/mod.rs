//! Customers: the people tickets are for. Agents edit them and merge duplicates.

pub mod get;
pub mod list;
pub mod merge;
pub mod update;

use wrrk_shared::App;
use wrrk_shared::domain::Customer;
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::{CustomerId, OrgId};

/// Longest phone number, in characters.
const PHONE_MAX: usize = 40;
/// Longest notes, in characters.
const NOTES_MAX: usize = 5_000;

/// A phone number: digits with the usual separators, or nothing when blank.
fn parse_phone(raw: &str) -> Result<Option<String>, ApiError> {
    let p = raw.trim();
    if p.is_empty() {
        return Ok(None);
    }
    // Counted as sent, as the document's maxLength is.
    let ok = raw.chars().count() <= PHONE_MAX
        && p.chars().any(|c| c.is_ascii_digit())
        && p.chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')' | '.' | '/'));
    if !ok {
        return Err(ApiError::invalid(
            "phone",
            format!("phone: must be a phone number of at most {PHONE_MAX} characters"),
        ));
    }
    Ok(Some(p.to_string()))
}

/// Notes: free text with line breaks, or nothing when blank.
fn parse_notes(raw: &str) -> Result<Option<String>, ApiError> {
    let t = raw.trim();
    // Counted and checked as sent, as the document's maxLength and pattern are.
    if raw.chars().count() > NOTES_MAX {
        return Err(ApiError::invalid(
            "notes",
            format!("notes: must be at most {NOTES_MAX} characters"),
        ));
    }
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ApiError::invalid(
            "notes",
            "notes: must not contain control characters",
        ));
    }
    Ok(Some(t.to_string()).filter(|t| !t.is_empty()))
}

/// The caller's customer `id`, or 404.
async fn load(app: &App, org_id: &OrgId, id: &CustomerId) -> Result<Customer, ApiError> {
    app.store
        .get_customer(org_id, id)
        .await?
        .ok_or(ApiError::NotFound("Customer"))
}
