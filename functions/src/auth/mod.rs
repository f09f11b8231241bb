//! Sign-up, login, the current session, logout, passwords and email verification.

pub mod login;
pub mod logout;
pub mod me;
pub mod password_change;
pub mod password_forgot;
pub mod password_reset;
pub mod signup;
pub mod verify_email;
pub mod verify_email_resend;

use wrrk_shared::App;
use wrrk_shared::domain::User;
use wrrk_shared::email::templates::OutboundEmail;
use wrrk_shared::http::ApiError;
use wrrk_shared::ids::{hash_secret, new_secret};
use wrrk_shared::store::AccountTokenKind;

/// How long an email-verification link works.
pub const VERIFY_HOURS: i64 = 48;
/// How long a password-reset link works.
pub const RESET_HOURS: i64 = 1;

/// Stores a single-use token of `kind` for `user` (its hash only) and mails the link
/// `{APP_URL}/{path}/{token}` built by `mail`.
pub(crate) async fn send_account_link(
    app: &App,
    user: &User,
    kind: AccountTokenKind,
    path: &str,
    hours: i64,
    mail: fn(&str, &str, i64) -> OutboundEmail,
) -> Result<(), ApiError> {
    let token = new_secret();
    app.store
        .create_account_token(kind, &hash_secret(&token), user, hours * 3600)
        .await?;
    let link = format!("{}/{path}/{token}", app.app_url().await?);
    app.mailer
        .send(&mail(user.email.as_str(), &link, hours))
        .await
        .map_err(|e| e.context("sending an account email"))?;
    Ok(())
}

/// The hash of a `{token}` body field: a 256-bit secret as we issue them, else a 422
/// before the store (the document's token pattern).
pub(crate) fn account_token_hash(raw: &str) -> Result<String, wrrk_shared::http::ApiError> {
    // Only what the link could carry is looked up; other text is a bad request (422).
    if wrrk_shared::ids::is_valid_secret(raw) {
        Ok(hash_secret(raw))
    } else {
        Err(wrrk_shared::http::ApiError::invalid(
            "token",
            "token: not a token from a link we sent",
        ))
    }
}
