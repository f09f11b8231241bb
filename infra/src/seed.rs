//! Demo data for a fresh local database, so there is something to log in to.

use chrono::Utc;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::{Email, Organization, Password, Role, User};

/// How to log in to the demo organization.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Admin email.
    pub email: String,
    /// Admin password.
    pub password: String,
}

/// The demo organization's widget key (what `widget/dist/demo.html` embeds).
pub const DEMO_WIDGET_KEY: &str = "wk_demo_local";

/// Creates the "Demo Support" organization and its admin; its chat widget may be embedded
/// from `site_url` (the local stack's own origin, where the demo page is served).
pub async fn create_demo(app: &App, site_url: &str) -> anyhow::Result<DemoLogin> {
    let login = DemoLogin {
        email: "admin@demo.wrrk.test".into(),
        password: "wrrk-demo-password".into(),
    };
    let now = Utc::now();
    let mut org = Organization::new("Demo Support".into(), now);
    // The demo starts verified: its address is ours and its mail stays in the outbox.
    org.verified = true;
    org.widget.widget_key = DEMO_WIDGET_KEY.into();
    org.widget.allowed_origins = [site_url.to_string()]
        .into_iter()
        .chain(
            site_url
                .strip_prefix("http://127.0.0.1")
                .map(|p| format!("http://localhost{p}")),
        )
        .collect();
    let email = Email::parse("email", &login.email)?;
    let mut admin = User::new(&org.id, email, "Demo Admin".into(), Role::Admin, now);
    admin.email_verified = true;
    let hash = password::hash(Password::parse("password", &login.password)?).await?;
    app.store
        .create_organization(&org, &admin, &hash, None)
        .await?;
    Ok(login)
}
