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

/// Creates the "Demo Support" organization and its admin.
pub async fn create_demo(app: &App) -> anyhow::Result<DemoLogin> {
    let login = DemoLogin {
        email: "admin@demo.wrrk.test".into(),
        password: "wrrk-demo-password".into(),
    };
    let now = Utc::now();
    let mut org = Organization::new("Demo Support".into(), now);
    // The demo starts verified: its address is ours and its mail stays in the outbox.
    org.verified = true;
    let email = Email::parse("email", &login.email)?;
    let mut admin = User::new(&org.id, email, "Demo Admin".into(), Role::Admin, now);
    admin.email_verified = true;
    let hash = password::hash(Password::parse("password", &login.password)?).await?;
    app.store.create_organization(&org, &admin, &hash).await?;
    Ok(login)
}
