//! Customer satisfaction: when an agent resolves a ticket, its customer is asked once for
//! that resolve ([`how_to_ask`]): a chat visitor who is on the page (a widget socket in the
//! chat's room) in the widget (`csat:request`, answered with `POST /api/widget/csat`);
//! anyone else with a mailbox by mail, with five rating links. An admin can turn it off
//! per channel (`Organization::csat`). Each link carries a token signed with the server secret naming the
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
use crate::domain::{Channel, ConnectionKind, Ticket};
use crate::email::templates::{OutboundEmail, escape_html};
use crate::events::{CsatRequest, VisitorEvent};
use crate::http::ApiError;
use crate::ids::{OrgId, TicketId, new_id};

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

/// How a resolve asks for a rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// In the chat widget, which the visitor has open.
    Widget,
    /// By mail, with rating links.
    Mail,
}

/// How resolving a ticket of `channel` asks its customer, if at all: not when the
/// organization turned the channel off (`enabled`); in the widget when it is a chat whose
/// visitor is there; otherwise by mail when mail reaches the customer (`mailbox`: a real
/// address, not bouncing; anonymous visitors have none).
pub fn how_to_ask(
    enabled: bool,
    channel: Channel,
    visitor_there: bool,
    mailbox: bool,
) -> Option<Ask> {
    if !enabled {
        None
    } else if channel == Channel::Chat && visitor_there {
        Some(Ask::Widget)
    } else if mailbox {
        Some(Ask::Mail)
    } else {
        None
    }
}

/// Creates a survey for this resolve of `ticket` and asks its customer (see
/// [`how_to_ask`]). Failures are logged: a resolve never fails for its survey.
pub async fn send_survey(app: &App, ticket: &Ticket) {
    if let Err(e) = try_send(app, ticket).await {
        tracing::error!(ticket_id = %ticket.id, error = %format!("{e:#}"), "sending the satisfaction survey failed");
    }
}

/// A new survey of `ticket`, expiring after [`SURVEY_DAYS`].
fn new_survey(ticket: &Ticket) -> Survey {
    let now = Utc::now();
    Survey {
        id: new_id(),
        org_id: ticket.org_id.clone(),
        ticket_id: ticket.id.clone(),
        created_at: now,
        expires_at: now + Duration::days(SURVEY_DAYS),
        rating: None,
        comment: None,
        rated_at: None,
    }
}

async fn try_send(app: &App, ticket: &Ticket) -> anyhow::Result<()> {
    let room = async {
        if ticket.channel == Channel::Chat {
            app.store.room_members(&ticket.org_id, &ticket.id).await
        } else {
            Ok(Vec::new())
        }
    };
    let (customer, org, room) = tokio::try_join!(
        app.store.get_customer(&ticket.org_id, &ticket.customer_id),
        app.store.get_organization(&ticket.org_id),
        room,
    )?;
    let (Some(customer), Some(org)) = (customer, org) else {
        return Ok(());
    };
    let visitors: Vec<String> = room
        .into_iter()
        .filter(|m| m.kind == ConnectionKind::Visitor)
        .map(|m| m.connection_id)
        .collect();
    // Anonymous visitors' placeholder addresses are under `.invalid`, which mail never reaches.
    let mailbox = !customer.email_bouncing && !customer.email.as_str().ends_with(".invalid");
    let ask = how_to_ask(
        org.csat.asks(ticket.channel),
        ticket.channel,
        !visitors.is_empty(),
        mailbox,
    );
    let Some(ask) = ask else {
        return Ok(());
    };
    let survey = new_survey(ticket);
    app.store.put_survey(&survey).await?;
    if ask == Ask::Widget {
        let event = VisitorEvent::CsatRequest(CsatRequest {
            survey_id: survey.id.clone(),
            ticket_id: survey.ticket_id.to_string(),
        });
        crate::realtime::to_visitors(app, visitors, &event).await;
        // Asked in the chat counts as a survey sent, as a mailed one does.
        let at = survey.created_at;
        crate::reports::note_in(app, &org, ticket, crate::reports::Happened::Surveyed { at }).await;
        return Ok(());
    }
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
    let at = survey.created_at;
    crate::reports::note_in(app, &org, ticket, crate::reports::Happened::Surveyed { at }).await;
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
        let surveyed_at = rated.created_at;
        crate::reports::note(
            app,
            &ticket,
            crate::reports::Happened::Rated {
                surveyed_at,
                rating,
            },
        )
        .await;
        let mut content = format!("The customer rated this conversation {rating}/5.");
        if let Some(c) = &rated.comment {
            content.push_str(&format!("\n\n\u{201c}{c}\u{201d}"));
        }
        conversation::post_message(
            app,
            &ticket,
            NewMessage {
                author: Author::System {
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

/// A customer's answer as sent: `rating` 1 to 5 and an optional `comment` of at most
/// [`COMMENT_MAX`] characters (counted as sent) without control characters other than
/// line breaks and tabs; a blank comment is none.
pub fn parse_answer(rating: u64, comment: Option<&str>) -> Result<(u8, Option<String>), ApiError> {
    let rating = u8::try_from(rating)
        .ok()
        .filter(|r| (1..=5).contains(r))
        .ok_or_else(|| ApiError::invalid("rating", "rating: must be 1 to 5"))?;
    let comment = match comment {
        None => None,
        Some(c) if c.chars().count() > COMMENT_MAX => {
            return Err(ApiError::invalid(
                "comment",
                format!("comment: must be at most {COMMENT_MAX} characters"),
            ));
        }
        Some(c)
            if c.chars()
                .any(|ch| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t')) =>
        {
            return Err(ApiError::invalid(
                "comment",
                "comment: must not contain control characters",
            ));
        }
        Some(c) => Some(c.trim().to_string()).filter(|c| !c.is_empty()),
    };
    Ok((rating, comment))
}

/// Why a visitor's answer to survey `survey` from the session of `ticket_ids` (the ticket
/// the session began on and the one it follows now) is refused, if it is: another
/// ticket's survey is unknown to them, then expiry, then a second rating.
pub fn widget_refusal(
    survey: &Survey,
    ticket_ids: [&str; 2],
    now: DateTime<Utc>,
) -> Option<Refused> {
    if !ticket_ids.contains(&survey.ticket_id.as_str()) {
        Some(Refused::Unknown)
    } else if survey.expires_at <= now {
        Some(Refused::Expired)
    } else if survey.rating.is_some() {
        Some(Refused::Used)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn turned_off_never_asks() {
        for c in [Channel::Email, Channel::Chat, Channel::Manual] {
            for (there, mailbox) in [(false, false), (false, true), (true, false), (true, true)] {
                assert_eq!(how_to_ask(false, c, there, mailbox), None, "{c:?}");
            }
        }
    }

    #[test]
    fn a_chat_visitor_who_is_there_is_asked_in_the_widget_even_with_a_mailbox() {
        assert_eq!(
            how_to_ask(true, Channel::Chat, true, true),
            Some(Ask::Widget)
        );
        assert_eq!(
            how_to_ask(true, Channel::Chat, true, false),
            Some(Ask::Widget)
        );
    }

    #[test]
    fn a_chat_visitor_who_left_is_mailed_only_with_a_mailbox() {
        assert_eq!(
            how_to_ask(true, Channel::Chat, false, true),
            Some(Ask::Mail)
        );
        assert_eq!(how_to_ask(true, Channel::Chat, false, false), None);
    }

    #[test]
    fn email_and_manual_tickets_are_mailed_when_mail_reaches() {
        for c in [Channel::Email, Channel::Manual] {
            // A visitor socket cannot be in their room; it would not matter.
            assert_eq!(how_to_ask(true, c, true, true), Some(Ask::Mail));
            assert_eq!(how_to_ask(true, c, false, true), Some(Ask::Mail));
            assert_eq!(how_to_ask(true, c, false, false), None);
        }
    }

    #[test]
    fn answers_take_ratings_1_to_5() {
        for r in 1..=5u64 {
            assert_eq!(parse_answer(r, None).unwrap().0, r as u8);
        }
        for r in [0, 6, 256, u64::MAX] {
            assert!(parse_answer(r, None).is_err(), "{r}");
        }
    }

    #[test]
    fn comments_are_trimmed_blank_is_none_and_limits_hold() {
        assert_eq!(
            parse_answer(4, Some("  great \n")).unwrap().1.as_deref(),
            Some("great")
        );
        assert_eq!(parse_answer(4, Some("   ")).unwrap().1, None);
        assert_eq!(
            parse_answer(4, Some("a\tb\r\nc")).unwrap().1.as_deref(),
            Some("a\tb\r\nc")
        );
        assert!(parse_answer(4, Some("bell\u{7}")).is_err());
        assert!(parse_answer(4, Some(&"é".repeat(COMMENT_MAX))).is_ok());
        assert!(parse_answer(4, Some(&"é".repeat(COMMENT_MAX + 1))).is_err());
    }

    fn survey(ticket: &str, rated: bool, expires_in_hours: i64) -> Survey {
        let now = Utc::now();
        Survey {
            id: new_id(),
            org_id: OrgId::new(),
            ticket_id: TicketId::trusted(ticket),
            created_at: now,
            expires_at: now + Duration::hours(expires_in_hours),
            rating: rated.then_some(5),
            comment: None,
            rated_at: None,
        }
    }

    #[test]
    fn a_visitor_answers_only_their_own_tickets_survey() {
        let now = Utc::now();
        assert_eq!(
            widget_refusal(&survey("T1", false, 1), ["T1", "T1"], now),
            None
        );
        assert_eq!(
            widget_refusal(&survey("T2", false, 1), ["T1", "T2"], now),
            None
        );
        assert_eq!(
            widget_refusal(&survey("T3", false, 1), ["T1", "T2"], now),
            Some(Refused::Unknown)
        );
        // Another ticket's survey says nothing about its state.
        assert_eq!(
            widget_refusal(&survey("T3", true, -1), ["T1", "T2"], now),
            Some(Refused::Unknown)
        );
    }

    #[test]
    fn a_visitor_answers_once_and_before_expiry() {
        let now = Utc::now();
        assert_eq!(
            widget_refusal(&survey("T1", false, -1), ["T1", "T1"], now),
            Some(Refused::Expired)
        );
        assert_eq!(
            widget_refusal(&survey("T1", true, 1), ["T1", "T1"], now),
            Some(Refused::Used)
        );
    }

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
