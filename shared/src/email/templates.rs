//! What wrrk's mail says: the bodies of account, invitation and notification mail, and
//! the text-to-HTML rendering an agent's reply uses. Pure: [`super::transport`] sends them.

/// An email to send.
#[derive(Debug, Clone)]
pub struct OutboundEmail {
    /// Recipient address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub text: String,
    /// HTML body; build it with [`escape_html`] around anything user-supplied.
    pub html: String,
    /// Message-IDs (without brackets) this replies to, oldest first; sets `In-Reply-To`
    /// (the last) and `References` (all) so mail clients thread the conversation.
    pub thread: Vec<String>,
}

/// Escapes text for HTML bodies.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A notification to an agent who has no tab open: what happened on which ticket, a link
/// to it and one to stop this kind of mail. Customer text appears only in the body.
pub fn notification_email(
    to: &str,
    subject: &str,
    what: &str,
    excerpt: Option<&str>,
    ticket_link: &str,
    unsubscribe_link: &str,
) -> OutboundEmail {
    let quoted = excerpt.map(|e| format!("\n\n> {e}")).unwrap_or_default();
    let text = format!(
        "Hello,\n\n{what}{quoted}\n\nOpen the ticket: {ticket_link}\n\n\
         You get at most one such mail per ticket every 10 minutes while you have no wrrk tab \
         open. Stop these mails: {unsubscribe_link}\n"
    );
    let html = format!(
        "<p>Hello,</p><p>{what}</p>{quote}<p><a href=\"{href}\">Open the ticket</a></p>\
         <p style=\"color:#666\">You get at most one such mail per ticket every 10 minutes while \
         you have no wrrk tab open. <a href=\"{unsub}\">Stop these mails</a></p>",
        what = escape_html(what),
        quote = excerpt
            .map(|e| format!("<blockquote>{}</blockquote>", escape_html(e)))
            .unwrap_or_default(),
        href = escape_html(ticket_link),
        unsub = escape_html(unsubscribe_link),
    );
    OutboundEmail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        thread: Vec::new(),
    }
}

/// The invitation email: who invites, to which organization, and the single-use link.
/// Names chosen by users (the organization's, the inviter's) appear only quoted in the
/// body, never in the subject, so nobody can make our mail say what they like.
pub fn invitation_email(
    to: &str,
    org_name: &str,
    inviter: &str,
    role: &str,
    link: &str,
    days: i64,
) -> OutboundEmail {
    let subject = "You are invited to a wrrk workspace".to_string();
    let text = format!(
        "Hello,\n\nA member of the wrrk workspace \"{org_name}\" (who gave their name as \
         \"{inviter}\") invited you to join it as {role}.\n\n\
         Accept the invitation: {link}\n\n\
         The link works once and expires in {days} days. If you did not expect this, ignore it.\n"
    );
    let html = format!(
        "<p>Hello,</p><p>A member of the wrrk workspace &ldquo;{org}&rdquo; (who gave their \
         name as &ldquo;{inviter}&rdquo;) invited you to join it as {role}.</p>\
         <p><a href=\"{href}\">Accept the invitation</a></p>\
         <p>The link works once and expires in {days} days. If you did not expect this, ignore it.</p>",
        inviter = escape_html(inviter),
        org = escape_html(org_name),
        role = escape_html(role),
        href = escape_html(link),
    );
    OutboundEmail {
        to: to.to_string(),
        subject,
        text,
        html,
        thread: Vec::new(),
    }
}

/// A single-use link by email (email verification, password reset): fixed wording, the
/// link, and how long it works.
fn account_link_email(
    to: &str,
    subject: &str,
    action: &str,
    link: &str,
    hours: i64,
) -> OutboundEmail {
    let text = format!(
        "Hello,\n\n{action}: {link}\n\nThe link works once and expires in {hours} hours. \
         If you did not ask for this, ignore this email.\n"
    );
    let html = format!(
        "<p>Hello,</p><p><a href=\"{href}\">{action}</a></p><p>The link works once and \
         expires in {hours} hours. If you did not ask for this, ignore this email.</p>",
        href = escape_html(link),
        action = escape_html(action),
    );
    OutboundEmail {
        to: to.to_string(),
        subject: subject.to_string(),
        text,
        html,
        thread: Vec::new(),
    }
}

/// The email that confirms a new admin's address.
pub fn verification_email(to: &str, link: &str, hours: i64) -> OutboundEmail {
    account_link_email(
        to,
        "Confirm your email for wrrk",
        "Confirm your email address",
        link,
        hours,
    )
}

/// The email with a password-reset link.
pub fn password_reset_email(to: &str, link: &str, hours: i64) -> OutboundEmail {
    account_link_email(
        to,
        "Reset your wrrk password",
        "Choose a new password",
        link,
        hours,
    )
}

/// Plain text as HTML paragraphs: blank lines separate paragraphs, single line breaks
/// become `<br>`, everything escaped.
pub fn paragraphs_html(text: &str) -> String {
    text.split("\n\n")
        .map(|p| format!("<p>{}</p>", escape_html(p).replace('\n', "<br>")))
        .collect()
}

/// An agent's reply as mail bodies: the text with a signature (`-- ` line, the agent, the
/// organization), and the same as an HTML document.
pub fn reply_bodies(content: &str, agent: &str, org: &str) -> (String, String) {
    let text = format!("{content}\n\n-- \n{agent}\n{org}\n");
    let html = format!(
        "<!DOCTYPE html><html><body>{}<p>-- <br>{}<br>{}</p></body></html>",
        paragraphs_html(content),
        escape_html(agent),
        escape_html(org)
    );
    (text, html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escaping_covers_the_five_special_characters() {
        assert_eq!(
            escape_html(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape_html("plain"), "plain");
    }

    #[test]
    fn text_becomes_paragraphs_with_line_breaks() {
        let cases = [
            ("one", "<p>one</p>"),
            ("one\ntwo", "<p>one<br>two</p>"),
            ("one\n\ntwo", "<p>one</p><p>two</p>"),
            ("<b>", "<p>&lt;b&gt;</p>"),
            ("", "<p></p>"),
        ];
        for (text, want) in cases {
            assert_eq!(paragraphs_html(text), want, "{text:?}");
        }
    }

    #[test]
    fn a_reply_is_signed_by_its_agent_and_organization() {
        let (text, html) = reply_bodies("Hi <you>", "Ada", "Acme & Co");
        assert_eq!(text, "Hi <you>\n\n-- \nAda\nAcme & Co\n");
        assert!(html.contains("<p>Hi &lt;you&gt;</p>"), "{html}");
        assert!(
            html.ends_with("<p>-- <br>Ada<br>Acme &amp; Co</p></body></html>"),
            "{html}"
        );
    }

    #[test]
    fn user_chosen_names_never_reach_an_invitation_subject() {
        let m = invitation_email(
            "a@b.io",
            "<Evil> Org",
            "Mallory",
            "AGENT",
            "https://x/i/t",
            7,
        );
        assert_eq!(m.subject, "You are invited to a wrrk workspace");
        assert!(m.html.contains("&lt;Evil&gt; Org"), "{}", m.html);
        assert!(m.text.contains("https://x/i/t") && m.text.contains("7 days"));
    }

    #[test]
    fn account_links_say_how_long_they_work() {
        for m in [
            verification_email("a@b.io", "https://x/v/t", 24),
            password_reset_email("a@b.io", "https://x/r/t", 1),
        ] {
            assert!(m.text.contains("The link works once"), "{}", m.text);
            assert!(m.html.contains("href=\"https://x/"), "{}", m.html);
            assert!(m.thread.is_empty());
        }
    }

    #[test]
    fn a_notification_quotes_the_excerpt_only_in_the_body() {
        let m = notification_email(
            "a@b.io",
            "New reply",
            "Kim replied",
            Some("<hi>"),
            "https://t",
            "https://u",
        );
        assert_eq!(m.subject, "New reply");
        assert!(m.text.contains("> <hi>"));
        assert!(
            m.html.contains("<blockquote>&lt;hi&gt;</blockquote>"),
            "{}",
            m.html
        );
        let m = notification_email("a@b.io", "s", "w", None, "https://t", "https://u");
        assert!(!m.html.contains("blockquote"));
    }
}
