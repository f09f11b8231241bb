//! Customer satisfaction: when an agent resolves a ticket whose customer has a mailbox
//! (EMAIL and MANUAL tickets), the customer is mailed once for that resolve, with five
//! rating links. Each link carries a token signed with the server secret naming the
//! organization, the survey and an expiry, so it works without login, cannot be forged or
//! pointed at another survey (the survey names its ticket), and stops working after
//! [`SURVEY_DAYS`]. A survey takes one rating (a conditional write). Resolving again after
//! a reopen is a new survey. The rating lands on the ticket as a note through the one
//! post-a-message path, so agents viewing the ticket see it live.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::App;
use crate::conversation::{self, Author, NewMessage};
use crate::domain::{AuthorType, Channel, Ticket};
use crate::ids::{OrgId, TicketId, new_id};
use crate::mail::{OutboundEmail, escape_html};

/// How long rating links work.
pub const SURVEY_DAYS: i64 = 14;
/// Longest comment, in characters.
pub const COMMENT_MAX: usize = 2_000;

/// One survey: sent for one resolve of one ticket; rated at most once.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Survey {
    /// ULID.
    pub id: String,
    /// The organization.
    pub org_id: OrgId,
    /// The ticket it asks about.
    pub ticket_id: TicketId,
    /// When it was sent.
    pub created_at: DateTime<Utc>,
    /// When its links stop working.
    pub expires_at: DateTime<Utc>,
    /// 1 to 5, once rated (absent until then: the rating's condition is that it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<u8>,
    /// The customer's words, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was rated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rated_at: Option<DateTime<Utc>>,
}

fn signature(secret: &str, payload: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"csat:");
    mac.update(payload.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The token of `survey` in `org_id`, valid until `expires_at`.
pub fn token(secret: &str, org_id: &str, survey_id: &str, expires_at: DateTime<Utc>) -> String {
    // Dashes, not dots: the link is a page path, and a path with an extension is a file.
    let payload = format!("{org_id}-{survey_id}-{}", expires_at.timestamp());
    let sig = signature(secret, &payload);
    format!("{payload}-{sig}")
}

/// What a token says, if its signature holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claims {
    /// The organization.
    pub org_id: OrgId,
    /// The survey.
    pub survey_id: String,
    /// When it expires.
    pub expires_at: DateTime<Utc>,
}

/// Checks a token's signature (constant time) and reads it; `None` if forged or malformed.
pub fn verify(secret: &str, token: &str) -> Option<Claims> {
    let (payload, sig) = token.rsplit_once('-')?;
    let mut parts = payload.split('-');
    let (org_id, survey_id, exp) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some()
        || !crate::ids::is_valid_id(org_id)
        || !crate::ids::is_valid_id(survey_id)
    {
        return None;
    }
    let expected = signature(secret, payload);
    let same = expected.len() == sig.len()
        && expected
            .bytes()
            .zip(sig.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return None;
    }
    Some(Claims {
        org_id: OrgId::trusted(org_id),
        survey_id: survey_id.to_string(),
        expires_at: DateTime::from_timestamp(exp.parse().ok()?, 0)?,
    })
}

/// Whether resolving `ticket` asks its customer for a rating: tickets whose customer has
/// a mailbox (chat visitors are asked in the widget, not yet built).
pub fn asks(ticket: &Ticket) -> bool {
    matches!(ticket.channel, Channel::Email | Channel::Manual)
}

/// Creates a survey for this resolve of `ticket` and mails its rating links. Failures are
/// logged: a resolve never fails for its survey.
pub async fn send_survey(app: &App, ticket: &Ticket) {
    if let Err(e) = try_send(app, ticket).await {
        tracing::error!(ticket_id = %ticket.id, error = %format!("{e:#}"), "sending the satisfaction survey failed");
    }
}

async fn try_send(app: &App, ticket: &Ticket) -> anyhow::Result<()> {
    let (customer, org) = tokio::try_join!(
        app.store.get_customer(&ticket.org_id, &ticket.customer_id),
        app.store.get_organization(&ticket.org_id),
    )?;
    let (Some(customer), Some(org)) = (customer, org) else {
        return Ok(());
    };
    if customer.email_bouncing {
        return Ok(());
    }
    let now = Utc::now();
    let survey = Survey {
        id: new_id(),
        org_id: ticket.org_id.clone(),
        ticket_id: ticket.id.clone(),
        created_at: now,
        expires_at: now + Duration::days(SURVEY_DAYS),
        rating: None,
        comment: None,
        rated_at: None,
    };
    app.store.put_survey(&survey).await?;
    let token = token(
        &app.settings.jwt_secret,
        survey.org_id.as_str(),
        &survey.id,
        survey.expires_at,
    );
    let base = app.settings.app_url.trim_end_matches('/');
    let link = |n: u8| format!("{base}/rate/{token}?rating={n}");
    const LABELS: [&str; 5] = ["1 (bad)", "2", "3", "4", "5 (great)"];
    let text_links: String = (1..=5u8)
        .map(|n| format!("{}: {}\n", LABELS[usize::from(n - 1)], link(n)))
        .collect();
    let html_links: String = (1..=5u8)
        .map(|n| {
            format!(
                "<a href=\"{}\">{}</a> ",
                escape_html(&link(n)),
                escape_html(LABELS[usize::from(n - 1)])
            )
        })
        .collect();
    let subject = format!(
        "How did we do? [#{}] {}",
        ticket.ticket_number, ticket.subject
    );
    app.mailer
        .send(&OutboundEmail {
            to: customer.email.as_str().to_string(),
            subject,
            text: format!(
                "Hello {},\n\nYour request \"{}\" is resolved. How did {} do? Choose a rating:\n\n{text_links}\nThe links work for {SURVEY_DAYS} days.\n",
                customer.name, ticket.subject, org.name
            ),
            html: format!(
                "<!DOCTYPE html><html><body><p>Hello {},</p><p>Your request \u{201c}{}\u{201d} is resolved. How did {} do? Choose a rating:</p><p>{html_links}</p><p>The links work for {SURVEY_DAYS} days.</p></body></html>",
                escape_html(&customer.name),
                escape_html(&ticket.subject),
                escape_html(&org.name)
            ),
            thread: ticket.email_references.clone(),
        })
        .await?;
    Ok(())
}

/// Why a rating was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Forged, malformed, or no such survey.
    Unknown,
    /// The links expired.
    Expired,
    /// Rated already.
    Used,
}

/// The survey a token names, if the token holds.
pub async fn find(app: &App, token: &str) -> anyhow::Result<Result<Survey, Refused>> {
    let Some(claims) = verify(&app.settings.jwt_secret, token) else {
        return Ok(Err(Refused::Unknown));
    };
    let Some(survey) = app
        .store
        .get_survey(&claims.org_id, &claims.survey_id)
        .await?
    else {
        return Ok(Err(Refused::Unknown));
    };
    if claims.expires_at <= Utc::now() {
        return Ok(Err(Refused::Expired));
    }
    Ok(Ok(survey))
}

/// Records `rating` (1 to 5, checked by the caller) and `comment` once, then notes them on
/// the ticket.
pub async fn rate(
    app: &App,
    survey: &Survey,
    rating: u8,
    comment: Option<String>,
) -> anyhow::Result<Result<Survey, Refused>> {
    let mut rated = survey.clone();
    rated.rating = Some(rating);
    rated.comment = comment;
    rated.rated_at = Some(Utc::now());
    if !app.store.rate_survey(&rated).await? {
        return Ok(Err(Refused::Used));
    }
    if let Some(ticket) = app
        .store
        .get_ticket(&rated.org_id, &rated.ticket_id)
        .await?
    {
        let mut content = format!("The customer rated this conversation {rating}/5.");
        if let Some(c) = &rated.comment {
            content.push_str(&format!("\n\n\u{201c}{c}\u{201d}"));
        }
        conversation::post_message(
            app,
            &ticket,
            NewMessage {
                author: Author {
                    kind: AuthorType::System,
                    id: None,
                    name: "Satisfaction survey".into(),
                },
                content,
                internal: true,
                channel: None,
                email_message_id: None,
                dedupe_key: Some(format!("csat:{}", rated.id)),
                uploads: Vec::new(),
            },
        )
        .await?;
    }
    Ok(Ok(rated))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_and_any_change_breaks_them() {
        let (org, survey) = (new_id(), new_id());
        let exp = DateTime::from_timestamp(2_000_000_000, 0).unwrap();
        let t = token("secret", &org, &survey, exp);
        let claims = verify("secret", &t).expect("valid");
        assert_eq!(claims.survey_id, survey);
        assert_eq!(claims.expires_at, exp);
        assert!(verify("other secret", &t).is_none());
        let other = new_id();
        assert!(verify("secret", &t.replace(&survey, &other)).is_none());
        assert!(verify("secret", &t.replace("-2000000000-", "-2000000001-")).is_none());
        assert!(verify("secret", "a-b-c-d").is_none());
        assert!(verify("secret", "").is_none());
    }
}
