//! `POST /api/auth/signup`: a new organization and its first ADMIN. The admin is signed in
//! at once, but the organization sends no mail to others (invitations) until the admin
//! confirms their address through the emailed link.
//!
//! A deployed stack's signup is closed unless its operator opened it: the first
//! organization is created through the one-time setup link the deploy printed
//! (`setupToken`), which this spends, and nobody signs up after that.

use chrono::Utc;
use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::{Email, Organization, Password, PersonName, Role, TrimmedText, User};
use wrrk_shared::email::templates::verification_email;
use wrrk_shared::http::{ApiError, ApiResult, created, json_body, request::MAX_JSON_BYTES};
use wrrk_shared::store::AccountTokenKind;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schema(as = AuthSignupRequest)]
struct Body {
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    organization_name: String,
    #[schema(
        pattern = "^[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*[^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000][^\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF]*$",
        max_length = 100
    )]
    name: String,
    #[schema(
        pattern = "^[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*[^@\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]{1,64}@[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+(\\.[^@.\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u061C\\u180E\\u200B-\\u200F\\u202A-\\u202E\\u2060-\\u2069\\uFEFF \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]+)+[ \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000]*$",
        max_length = 254
    )]
    email: String,
    #[schema(min_length = 8, max_length = 128)]
    password: String,
    /// The token of the deployment's one-time setup link (`/signup?setup=...`); needed
    /// while signup is closed, ignored when it is open.
    #[serde(default)]
    setup_token: Option<String>,
}

/// Validates, hashes the password, writes org + admin + email marker in one transaction,
/// then mails the verification link.
#[utoipa::path(
    post,
    path = "/api/auth/signup",
    operation_id = "auth-signup",
    tag = "auth",
    request_body = Body,
    responses(
        (status = 201, description = "Signed up and signed in", body = wrrk_shared::http::Data<crate::wire::SessionStarted>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let body: Body = json_body(&req, MAX_JSON_BYTES)?;
    let org_name =
        TrimmedText::parse("organizationName", &body.organization_name, 100)?.into_inner();
    let name = PersonName::parse("name", &body.name)?;
    let email = Email::parse("email", &body.email)?;
    let password = Password::parse("password", &body.password)?;
    let setup_hash = if app.settings.signup_open {
        None
    } else {
        let hash = body
            .setup_token
            .as_deref()
            .and_then(|t| super::account_token_hash(t).ok());
        match hash {
            Some(hash) if app.store.setup_link_open(&hash).await? => Some(hash),
            _ => {
                return Err(ApiError::Forbidden(
                    "Signup is closed here: ask an admin of this helpdesk for an invitation."
                        .into(),
                ));
            }
        }
    };

    let now = Utc::now();
    let org = Organization::new(org_name, now);
    let user = User::new(&org.id, email, name, Role::Admin, now);
    let hash = password::hash(password).await?;
    app.store
        .create_organization(&org, &user, &hash, setup_hash.as_deref())
        .await?;
    let token = app.tokens.issue(&user, 0)?;
    tracing::info!(org_id = %org.id, user_id = %user.id, "organization created");
    // The account exists either way; a lost mail can be sent again from the dashboard.
    if let Err(e) = super::send_account_link(
        &app,
        &user,
        AccountTokenKind::VerifyEmail,
        "verify-email",
        super::VERIFY_HOURS,
        verification_email,
    )
    .await
    {
        tracing::error!(error = %e, user_id = %user.id, "sending the verification email failed");
    }
    created(crate::wire::SessionStarted {
        token,
        user,
        organization: Some(org),
    })
}
