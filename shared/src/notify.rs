//! Who a stored message concerns beyond its ticket's viewers: the assignee when the
//! customer answers, the agents an internal note mentions (`@name`). Realtime turns these
//! into `ticket:notify` frames; the dashboard shows them per the agent's preferences.

use crate::App;
use crate::domain::{AuthorType, Message, Ticket};
use crate::events::NoticeKind;
use crate::ids::UserId;
use crate::store::UserFilter;

/// Longest excerpt a notice carries.
const EXCERPT_CHARS: usize = 140;

/// The start of `content`, on one line, for a notice.
pub fn excerpt(content: &str) -> String {
    let flat: String = content.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(EXCERPT_CHARS) {
        Some((at, _)) => format!("{}…", &flat[..at]),
        None => flat,
    }
}

/// The users `content` mentions among `users` (id, name): `@` followed by a user's full
/// name or their first name, in any case, and then no further letter or digit. A first
/// name that two users share mentions both.
pub fn mentioned<'a, Id>(content: &str, users: &'a [(Id, String)]) -> Vec<&'a Id> {
    let lower = content.to_lowercase();
    let at_positions: Vec<usize> = lower.match_indices('@').map(|(i, _)| i + 1).collect();
    if at_positions.is_empty() {
        return Vec::new();
    }
    let names_at = |name: &str| {
        let name = name.to_lowercase();
        !name.is_empty()
            && at_positions.iter().any(|&i| {
                lower[i..].starts_with(&name)
                    && !lower[i + name.len()..]
                        .chars()
                        .next()
                        .is_some_and(char::is_alphanumeric)
            })
    };
    users
        .iter()
        .filter(|(_, name)| {
            let first = name.split_whitespace().next().unwrap_or_default();
            names_at(name.trim()) || names_at(first)
        })
        .map(|(id, _)| id)
        .collect()
}

/// Who `message` on `ticket` concerns, and why (never its author): the assignee when the
/// customer wrote publicly, the active agents an internal note mentions. Reading the
/// organization's users happens only for notes with an `@`.
pub async fn concerned(app: &App, ticket: &Ticket, message: &Message) -> Vec<(UserId, NoticeKind)> {
    let author = message.author_id.as_deref();
    if message.author_type == AuthorType::Customer && !message.internal {
        return ticket
            .assignee_id
            .iter()
            .map(|a| (a.clone(), NoticeKind::CustomerReplied))
            .collect();
    }
    if !(message.internal && message.content.contains('@')) {
        return Vec::new();
    }
    let mut users = Vec::new();
    let mut start = None;
    loop {
        let page = match app
            .store
            .list_users(&ticket.org_id, &UserFilter::default(), 1000, start)
            .await
        {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = ?e, ticket_id = %ticket.id, "reading users for mentions failed");
                return Vec::new();
            }
        };
        users.extend(
            page.items
                .into_iter()
                .filter(|u| u.active && Some(u.id.as_str()) != author)
                .map(|u| (u.id, u.name)),
        );
        match page.next {
            Some(next) => start = Some(next),
            None => break,
        }
    }
    mentioned(&message.content, &users)
        .into_iter()
        .map(|id| (id.clone(), NoticeKind::Mentioned))
        .collect()
}

/// At most one notification mail per agent and ticket within this window.
pub const MAIL_WINDOW_MINUTES: i64 = 10;

/// The mail kinds an agent can turn off (the `kind` of an unsubscribe link).
pub fn mail_kind(kind: NoticeKind) -> Option<&'static str> {
    match kind {
        NoticeKind::Assigned => Some("ASSIGNED"),
        NoticeKind::CustomerReplied => Some("CUSTOMER_REPLIED"),
        NoticeKind::Mentioned | NoticeKind::SnoozeEnded | NoticeKind::SlaBreached => None,
    }
}

/// Mails `user_id` about `kind` on `ticket` when they want it and have no tab open, at
/// most once per ticket per [`MAIL_WINDOW_MINUTES`]. Failures are logged: the event is
/// stored and shown in the dashboard either way.
pub async fn mail_if_away(
    app: &App,
    ticket: &Ticket,
    user_id: &UserId,
    kind: NoticeKind,
    by_name: &str,
    excerpt: Option<&str>,
) {
    if let Err(e) = try_mail(app, ticket, user_id, kind, by_name, excerpt).await {
        tracing::error!(error = ?e, ticket_id = %ticket.id, %user_id, "notification mail failed");
    }
}

async fn try_mail(
    app: &App,
    ticket: &Ticket,
    user_id: &UserId,
    kind: NoticeKind,
    by_name: &str,
    excerpt: Option<&str>,
) -> anyhow::Result<()> {
    let Some(kind_name) = mail_kind(kind) else {
        return Ok(());
    };
    let org_id = &ticket.org_id;
    let (user, connections) = tokio::try_join!(
        app.store.get_user(org_id, user_id),
        app.store.connection_count(org_id, user_id)
    )?;
    let Some(user) = user.filter(|u| u.active) else {
        return Ok(());
    };
    let wanted = match kind {
        NoticeKind::Assigned => user.notifications.email_assigned,
        _ => user.notifications.email_customer_replied,
    };
    if !wanted || connections > 0 {
        return Ok(());
    }
    let now = chrono::Utc::now();
    let window = chrono::Duration::minutes(MAIL_WINDOW_MINUTES);
    if !app
        .store
        .claim_notification_mail(org_id, user_id, &ticket.id, now, window)
        .await?
    {
        return Ok(());
    }
    let base = app.settings.app_url.trim_end_matches('/');
    let token = app.tokens.issue_unsubscribe(org_id, user_id, kind_name)?;
    let (subject, what) = match kind {
        NoticeKind::Assigned => (
            format!("[{}] Assigned to you", ticket.ticket_number),
            format!("{by_name} assigned {} to you.", ticket.ticket_number),
        ),
        _ => (
            format!("[{}] Your customer answered", ticket.ticket_number),
            format!("The customer answered on {}.", ticket.ticket_number),
        ),
    };
    let email = crate::email::templates::notification_email(
        user.email.as_str(),
        &subject,
        &what,
        excerpt,
        &format!("{base}/tickets/{}", ticket.id),
        // In the query: a JWT has dots, which static hosting takes for a file name.
        &format!("{base}/unsubscribe?token={token}"),
    );
    app.mailer.send(&email).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Vec<(String, String)> {
        vec![
            ("u1".into(), "Ada Lovelace".into()),
            ("u2".into(), "Grace Hopper".into()),
            ("u3".into(), "Ada Byron".into()),
            ("u4".into(), "Bob".into()),
        ]
    }

    #[test]
    fn full_and_first_names_mention_case_insensitively() {
        let u = users();
        assert_eq!(mentioned("@grace hopper please look", &u), vec!["u2"]);
        assert_eq!(mentioned("ping @Grace.", &u), vec!["u2"]);
        assert_eq!(mentioned("@Ada Lovelace, see above", &u), vec!["u1", "u3"]);
        assert_eq!(mentioned("cc @bob", &u), vec!["u4"]);
    }

    #[test]
    fn a_name_inside_a_longer_word_or_an_address_is_no_mention() {
        let u = users();
        assert!(mentioned("@bobby is not Bob", &u).is_empty());
        assert!(mentioned("mail grace@example.com", &u).is_empty());
        assert!(mentioned("no at sign, Grace", &u).is_empty());
    }

    #[test]
    fn excerpts_are_one_line_and_bounded() {
        assert_eq!(excerpt("Hello\n  there"), "Hello there");
        let long = "é".repeat(300);
        let e = excerpt(&long);
        assert_eq!(e.chars().count(), EXCERPT_CHARS + 1);
        assert!(e.ends_with('…'));
    }
}
