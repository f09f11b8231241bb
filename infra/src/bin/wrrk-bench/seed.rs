//! Seeding large organizations quickly through the store's own functions, so the items
//! are exactly what the product writes, without paying for thousands of HTTP sign-ups.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use futures::{StreamExt, TryStreamExt, stream};
use tokio::task::JoinHandle;
use wrrk_shared::App;
use wrrk_shared::auth::password;
use wrrk_shared::domain::{
    Email, INVITATION_DAYS, Invitation, InvitationStatus, Password, PersonName, Role, User,
};
use wrrk_shared::ids::{InvitationId, OrgId, UserId, hash_secret, new_secret};

use crate::{PASSWORD, Session};

/// Someone to add to an organization.
pub struct Person {
    /// Display name.
    pub name: String,
    /// Login email.
    pub email: String,
    /// Role.
    pub role: Role,
}

/// Adds `people` to `inviter`'s organization the way an accepted invitation does:
/// `create_invitation` (invitation, token marker, per-email marker), then
/// `accept_invitation` (invitation used, user, email marker), `concurrency` at a time.
/// The handlers' read-only checks (email free, no pending invitation) are skipped: the
/// seeded emails are fresh. All users share one argon2 hash of [`PASSWORD`]: same
/// password, same salt; hashing 2,000 times would measure argon2, not the lists.
pub async fn add_users(
    app: &App,
    inviter: &Session,
    people: Vec<Person>,
    concurrency: usize,
    progress_label: &str,
) -> anyhow::Result<Vec<User>> {
    let hash: Arc<str> = password::hash(Password::parse("password", PASSWORD)?)
        .await?
        .into();
    let progress = Progress::start(progress_label, people.len() as u64);
    let users: Vec<User> = stream::iter(people)
        .map(|person| {
            let (hash, progress) = (hash.clone(), &progress);
            async move {
                let user = add_user(app, inviter, person, &hash).await?;
                progress.add(1);
                anyhow::Ok(user)
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    progress.finish();
    Ok(users)
}

/// One invitation, created and accepted.
async fn add_user(
    app: &App,
    inviter: &Session,
    person: Person,
    hash: &str,
) -> anyhow::Result<User> {
    let now = Utc::now();
    let email = Email::parse("email", &person.email)?;
    let invitation = Invitation {
        id: InvitationId::new(),
        org_id: OrgId::trusted(inviter.org_id.clone()),
        email: email.clone(),
        role: person.role,
        status: InvitationStatus::Pending,
        invited_by: UserId::trusted(inviter.user_id.clone()),
        created_at: now,
        expires_at: now + chrono::Duration::days(INVITATION_DAYS),
    };
    app.store
        .create_invitation(&invitation, &hash_secret(&new_secret()), None)
        .await
        .with_context(|| format!("inviting {}", person.email))?;
    let name = PersonName::parse("name", &person.name)?;
    let user = User::new(&invitation.org_id, email, name, person.role, Utc::now());
    app.store
        .accept_invitation(&invitation, &user, hash, Utc::now())
        .await
        .with_context(|| format!("accepting the invitation of {}", person.email))?;
    Ok(user)
}

/// A deterministic 64-bit mix of `i` and `salt` (SplitMix64), so seeded data varies
/// without a random generator and is the same on every run.
pub fn mix(i: u64, salt: u64) -> u64 {
    let mut z = i
        .wrapping_add(salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
        .wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Progress of a long seeding step: a line on stderr every few seconds, a summary on
/// stdout at the end.
pub struct Progress {
    label: String,
    total: u64,
    done: Arc<AtomicU64>,
    started: Instant,
    ticker: JoinHandle<()>,
}

impl Progress {
    /// Starts reporting `label`, `total` units of work.
    pub fn start(label: &str, total: u64) -> Self {
        let done = Arc::new(AtomicU64::new(0));
        let started = Instant::now();
        let ticker = {
            let (label, done) = (label.to_string(), done.clone());
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(Duration::from_secs(3));
                tick.tick().await;
                loop {
                    tick.tick().await;
                    let n = done.load(Ordering::Relaxed);
                    let rate = n as f64 / started.elapsed().as_secs_f64();
                    eprintln!("  {label}: {n}/{total} ({rate:.0}/s)");
                }
            })
        };
        Self {
            label: label.to_string(),
            total,
            done,
            started,
            ticker,
        }
    }

    /// Counts `n` more units done.
    pub fn add(&self, n: u64) {
        self.done.fetch_add(n, Ordering::Relaxed);
    }

    /// Stops the ticker and prints the total and the rate.
    pub fn finish(self) {
        self.ticker.abort();
        let secs = self.started.elapsed().as_secs_f64();
        println!(
            "  {}: {} in {secs:.1} s ({:.0}/s)",
            self.label,
            self.total,
            self.total as f64 / secs.max(f64::EPSILON)
        );
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.ticker.abort();
    }
}
