//! Mail from the organization's own address: an admin verifies an address
//! (`support@acme.io`) or a whole domain (`acme.io`) as an SES identity; once SES says it
//! is verified for sending, replies on tickets whose mail came to an address it covers
//! are sent from that address instead of the built-in one. SES identities belong to the
//! AWS account, so a marker item makes each one a single organization's.
//!
//! The rules ([`parse_identity`], [`reserved`], [`covers`], [`sender_for`],
//! [`dns_records`]) are pure; [`ses`] holds the three SESv2 calls.

use crate::ids::OrgId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::Invalid;

/// Most identities one organization may hold (SES allows 10,000 per account and region).
pub const MAX_PER_ORG: usize = 10;

/// The longest identity accepted (a domain name's limit).
pub const MAX_LENGTH: usize = 253;

/// What the API accepts as an identity: an ASCII address or domain name (SES takes no
/// other), each label 1 to 63 letters, digits or hyphens, not starting or ending with a
/// hyphen; at most [`MAX_LENGTH`] characters.
pub const IDENTITY_PATTERN: &str = concat!(
    "^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@)?",
    "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?",
    "(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
);

/// An address or a domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum IdentityKind {
    /// One address; SES mails it a link to confirm.
    EmailAddress,
    /// A domain and every address under it; verified by DKIM records in its DNS.
    Domain,
}

/// Where verification stands, as SES reports it (`VerificationStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerificationStatus {
    /// Waiting for the link to be followed or the DNS records to appear.
    Pending,
    /// Verified.
    Success,
    /// SES gave up (records not found within 72 hours); remove it and start again.
    Failed,
    /// SES cannot check right now; it tries again.
    TemporaryFailure,
    /// Not started, or SES no longer knows the identity.
    NotStarted,
}

impl VerificationStatus {
    /// SES's word for it; an unknown word counts as not started.
    pub fn from_ses(word: &str) -> Self {
        match word {
            "PENDING" => Self::Pending,
            "SUCCESS" => Self::Success,
            "FAILED" => Self::Failed,
            "TEMPORARY_FAILURE" => Self::TemporaryFailure,
            _ => Self::NotStarted,
        }
    }
}

/// One of an organization's sender identities, as stored (the last state read from SES).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SenderIdentity {
    /// The address or domain, lower-case.
    pub identity: String,
    /// Address or domain.
    pub kind: IdentityKind,
    /// Verification as SES last reported it.
    pub status: VerificationStatus,
    /// SES lets mail go out from it.
    pub verified_for_sending: bool,
    /// Easy DKIM tokens (domains): each is a CNAME to create.
    #[serde(default)]
    pub dkim_tokens: Vec<String>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When SES was last asked.
    pub checked_at: DateTime<Utc>,
}

/// A DNS record the organization creates for SES to verify its domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DnsRecord {
    /// Always `CNAME` (Easy DKIM).
    #[serde(rename = "type")]
    #[schema(pattern = "^CNAME$")]
    pub kind: String,
    /// The record's name.
    pub name: String,
    /// What it points at.
    pub value: String,
}

/// A sender identity as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SenderIdentityView {
    /// The address or domain.
    pub identity: String,
    /// Address or domain.
    pub kind: IdentityKind,
    /// Verification as SES reports it.
    pub status: VerificationStatus,
    /// Replies to mail that came to an address it covers are sent from that address.
    pub verified_for_sending: bool,
    /// The records to create in the domain's DNS (none for an address: SES mails it a
    /// link instead).
    pub dns_records: Vec<DnsRecord>,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// When SES was last asked.
    pub checked_at: DateTime<Utc>,
}

impl From<&SenderIdentity> for SenderIdentityView {
    fn from(i: &SenderIdentity) -> Self {
        Self {
            identity: i.identity.clone(),
            kind: i.kind,
            status: i.status,
            verified_for_sending: i.verified_for_sending,
            dns_records: dns_records(i),
            created_at: i.created_at,
            checked_at: i.checked_at,
        }
    }
}

fn label_ok(label: &str) -> bool {
    (1..=63).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !label.starts_with('-')
        && !label.ends_with('-')
}

fn domain_ok(domain: &str) -> bool {
    domain.split('.').count() >= 2 && domain.split('.').all(label_ok)
}

fn local_ok(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c))
}

/// Checks an identity exactly as [`IDENTITY_PATTERN`] and [`MAX_LENGTH`] declare it;
/// returns it lower-cased, with its kind.
pub fn parse_identity(raw: &str) -> Result<(String, IdentityKind), Invalid> {
    let bad = || {
        Invalid::new(
            "identity",
            "must be an email address or a domain name (ASCII, at most 253 characters)",
        )
    };
    if raw.is_empty() || raw.len() > MAX_LENGTH || !raw.is_ascii() {
        return Err(bad());
    }
    let lower = raw.to_ascii_lowercase();
    match lower.split_once('@') {
        Some((local, domain)) if local_ok(local) && domain_ok(domain) => {
            Ok((lower, IdentityKind::EmailAddress))
        }
        None if domain_ok(&lower) => Ok((lower, IdentityKind::Domain)),
        _ => Err(bad()),
    }
}

/// The domain of an identity (an address's part after `@`).
fn domain_of(identity: &str) -> &str {
    identity.rsplit_once('@').map_or(identity, |(_, d)| d)
}

/// Whether `domain` is `parent` or under it.
fn within(domain: &str, parent: &str) -> bool {
    domain == parent
        || domain
            .strip_suffix(parent)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Whether the identity is wrrk's to hold: the inbound domain and everything under it
/// (the built-in addresses are sent from already, and no tenant may claim them).
pub fn reserved(identity: &str, inbound_domain: &str) -> bool {
    within(domain_of(identity), inbound_domain)
}

/// Whether mail from `address` may go out under the identity: the same address, or any
/// address in the domain or its subdomains (as SES allows).
pub fn covers(identity: &str, kind: IdentityKind, address: &str) -> bool {
    match kind {
        IdentityKind::EmailAddress => identity == address,
        IdentityKind::Domain => within(domain_of(address), identity),
    }
}

/// The address a reply goes out from: the organization's own address the customer wrote
/// to when one of its identities verified for sending covers it, else the built-in one.
pub fn sender_for(mail_to: Option<&str>, identities: &[SenderIdentity], builtin: &str) -> String {
    match mail_to {
        Some(address)
            if identities
                .iter()
                .any(|i| i.verified_for_sending && covers(&i.identity, i.kind, address)) =>
        {
            address.to_string()
        }
        _ => builtin.to_string(),
    }
}

/// The Easy DKIM records of a domain identity: `{token}._domainkey.{domain}` CNAME
/// `{token}.dkim.amazonses.com`. An address has none.
pub fn dns_records(identity: &SenderIdentity) -> Vec<DnsRecord> {
    if identity.kind != IdentityKind::Domain {
        return Vec::new();
    }
    identity
        .dkim_tokens
        .iter()
        .map(|t| DnsRecord {
            kind: "CNAME".into(),
            name: format!("{t}._domainkey.{}", identity.identity),
            value: format!("{t}.dkim.amazonses.com"),
        })
        .collect()
}

/// The identity after SES reported `state` at `now` (`None`: SES does not know it, so it
/// cannot send until added again).
pub fn apply(
    stored: &SenderIdentity,
    state: Option<&ses::State>,
    now: DateTime<Utc>,
) -> SenderIdentity {
    let mut next = stored.clone();
    next.checked_at = now;
    match state {
        Some(s) => {
            next.kind = s.kind;
            next.status = s.status;
            next.verified_for_sending = s.verified_for_sending;
            if !s.dkim_tokens.is_empty() {
                next.dkim_tokens = s.dkim_tokens.clone();
            }
        }
        None => {
            next.status = VerificationStatus::NotStarted;
            next.verified_for_sending = false;
        }
    }
    next
}

/// Whether anything SES reports changed (the time it was asked aside): only then is the
/// identity written back.
pub fn changed(before: &SenderIdentity, after: &SenderIdentity) -> bool {
    before.kind != after.kind
        || before.status != after.status
        || before.verified_for_sending != after.verified_for_sending
        || before.dkim_tokens != after.dkim_tokens
}

/// Asks SES where `stored` stands and keeps what changed; the sending path reads what
/// is kept.
pub async fn refresh(
    app: &crate::App,
    org_id: &OrgId,
    stored: &SenderIdentity,
) -> anyhow::Result<SenderIdentity> {
    let state = ses::get(app, &stored.identity).await?;
    let next = apply(stored, state.as_ref(), Utc::now());
    if changed(stored, &next) {
        app.store.save_sender_identity(org_id, &next).await?;
    }
    Ok(next)
}

/// The SESv2 identity calls.
pub mod ses {
    use aws_sdk_sesv2::error::{DisplayErrorContext, SdkError};
    use aws_sdk_sesv2::operation::create_email_identity::CreateEmailIdentityError;
    use aws_sdk_sesv2::operation::delete_email_identity::DeleteEmailIdentityError;
    use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityError;
    use aws_sdk_sesv2::types::{DkimAttributes, IdentityType};

    use super::{IdentityKind, VerificationStatus};
    use crate::App;

    /// What SES says about an identity.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct State {
        /// Address or domain.
        pub kind: IdentityKind,
        /// Verification.
        pub status: VerificationStatus,
        /// Mail may go out from it.
        pub verified_for_sending: bool,
        /// Easy DKIM tokens.
        pub dkim_tokens: Vec<String>,
    }

    fn kind(t: Option<&IdentityType>, identity: &str) -> IdentityKind {
        match t {
            Some(IdentityType::EmailAddress) => IdentityKind::EmailAddress,
            Some(_) => IdentityKind::Domain,
            None if identity.contains('@') => IdentityKind::EmailAddress,
            None => IdentityKind::Domain,
        }
    }

    fn tokens(d: Option<&DkimAttributes>) -> Vec<String> {
        d.map(|d| d.tokens().to_vec()).unwrap_or_default()
    }

    /// Why SES did not create an identity.
    #[derive(Debug, thiserror::Error)]
    pub enum CreateError {
        /// The account has it already (another stack, or the operator's own).
        #[error("SES has this identity already")]
        AlreadyExists,
        /// Anything else.
        #[error(transparent)]
        Other(#[from] anyhow::Error),
    }

    /// `CreateEmailIdentity`: starts verification (SES mails an address a link; a domain
    /// gets DKIM tokens to publish).
    pub async fn create(app: &App, identity: &str) -> Result<State, CreateError> {
        match app
            .mailer
            .ses()
            .create_email_identity()
            .email_identity(identity)
            .send()
            .await
        {
            Ok(out) => Ok(State {
                kind: kind(out.identity_type(), identity),
                status: VerificationStatus::Pending,
                verified_for_sending: out.verified_for_sending_status(),
                dkim_tokens: tokens(out.dkim_attributes()),
            }),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), CreateEmailIdentityError::AlreadyExistsException(_)) =>
            {
                Err(CreateError::AlreadyExists)
            }
            Err(e) => Err(anyhow::anyhow!(
                "SESv2 CreateEmailIdentity failed: {}",
                DisplayErrorContext(&e)
            )
            .into()),
        }
    }

    /// `GetEmailIdentity`; `None` when SES does not know it.
    pub async fn get(app: &App, identity: &str) -> anyhow::Result<Option<State>> {
        match app
            .mailer
            .ses()
            .get_email_identity()
            .email_identity(identity)
            .send()
            .await
        {
            Ok(out) => Ok(Some(State {
                kind: kind(out.identity_type(), identity),
                status: out
                    .verification_status()
                    .map_or(VerificationStatus::NotStarted, |s| {
                        VerificationStatus::from_ses(s.as_str())
                    }),
                verified_for_sending: out.verified_for_sending_status(),
                dkim_tokens: tokens(out.dkim_attributes()),
            })),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), GetEmailIdentityError::NotFoundException(_)) =>
            {
                Ok(None)
            }
            Err(e) => Err(anyhow::anyhow!(
                "SESv2 GetEmailIdentity failed: {}",
                DisplayErrorContext(&e)
            )),
        }
    }

    /// `DeleteEmailIdentity`; an identity SES does not know is gone already.
    pub async fn delete(app: &App, identity: &str) -> anyhow::Result<()> {
        match app
            .mailer
            .ses()
            .delete_email_identity()
            .email_identity(identity)
            .send()
            .await
        {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), DeleteEmailIdentityError::NotFoundException(_)) =>
            {
                Ok(())
            }
            Err(e) => Err(anyhow::anyhow!(
                "SESv2 DeleteEmailIdentity failed: {}",
                DisplayErrorContext(&e)
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn identity(name: &str, kind: IdentityKind, verified: bool) -> SenderIdentity {
        SenderIdentity {
            identity: name.into(),
            kind,
            status: if verified {
                VerificationStatus::Success
            } else {
                VerificationStatus::Pending
            },
            verified_for_sending: verified,
            dkim_tokens: vec!["tok1".into(), "tok2".into(), "tok3".into()],
            created_at: Utc::now(),
            checked_at: Utc::now(),
        }
    }

    #[test]
    fn addresses_and_domains_are_told_apart_and_lower_cased() {
        assert_eq!(
            parse_identity("Support@Acme.IO").unwrap(),
            ("support@acme.io".into(), IdentityKind::EmailAddress)
        );
        assert_eq!(
            parse_identity("Mail.Acme.io").unwrap(),
            ("mail.acme.io".into(), IdentityKind::Domain)
        );
    }

    #[test]
    fn malformed_identities_are_refused() {
        let long_label = format!("{}.io", "a".repeat(64));
        let long = format!("{}.io", vec!["a".repeat(60); 5].join("."));
        for bad in [
            "",
            "acme",
            "acme.",
            ".acme.io",
            "-acme.io",
            "acme-.io",
            "ac me.io",
            "a@b@acme.io",
            "@acme.io",
            "support@",
            "jörg@acme.io",
            " acme.io",
            "acme.io ",
            long_label.as_str(),
            long.as_str(),
        ] {
            assert!(parse_identity(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn the_pattern_declares_what_the_parser_accepts() {
        let re = regex_lite::Regex::new(IDENTITY_PATTERN).unwrap();
        for s in [
            "support@acme.io",
            "a.b+c@x-y.z9",
            "acme.io",
            "x.y.z",
            "",
            "acme",
            "-a.io",
            "a-.io",
            "a@b@c.io",
            "ac me.io",
            "jörg@acme.io",
            "!#$%&'*+/=?^_`{|}~-@a.io",
            "a..b@c.io",
        ] {
            assert_eq!(
                re.is_match(s) && s.len() <= MAX_LENGTH,
                parse_identity(s).is_ok(),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_inbound_domain_and_its_subdomains_are_reserved() {
        for (identity, want) in [
            ("wrrk.local", true),
            ("x@wrrk.local", true),
            ("mail.wrrk.local", true),
            ("x@eu.wrrk.local", true),
            ("notwrrk.local", false),
            ("x@acme.io", false),
            ("local", false),
        ] {
            assert_eq!(reserved(identity, "wrrk.local"), want, "{identity}");
        }
    }

    #[test]
    fn an_address_identity_covers_only_itself() {
        let k = IdentityKind::EmailAddress;
        assert!(covers("support@acme.io", k, "support@acme.io"));
        assert!(!covers("support@acme.io", k, "help@acme.io"));
    }

    #[test]
    fn a_domain_identity_covers_its_addresses_and_subdomains() {
        let k = IdentityKind::Domain;
        assert!(covers("acme.io", k, "support@acme.io"));
        assert!(covers("acme.io", k, "help@eu.acme.io"));
        assert!(!covers("acme.io", k, "support@notacme.io"));
        assert!(!covers("eu.acme.io", k, "support@acme.io"));
    }

    #[test]
    fn a_reply_goes_from_the_own_address_once_verified() {
        let builtin = "acme-01j@wrrk.local";
        let verified = [identity(
            "support@acme.io",
            IdentityKind::EmailAddress,
            true,
        )];
        assert_eq!(
            sender_for(Some("support@acme.io"), &verified, builtin),
            "support@acme.io"
        );
    }

    #[test]
    fn a_pending_identity_leaves_the_built_in_address() {
        let builtin = "acme-01j@wrrk.local";
        let pending = [identity("acme.io", IdentityKind::Domain, false)];
        assert_eq!(
            sender_for(Some("support@acme.io"), &pending, builtin),
            builtin
        );
    }

    #[test]
    fn mail_to_the_built_in_address_or_an_uncovered_one_uses_the_built_in_address() {
        let builtin = "acme-01j@wrrk.local";
        let verified = [identity("acme.io", IdentityKind::Domain, true)];
        assert_eq!(sender_for(None, &verified, builtin), builtin);
        assert_eq!(
            sender_for(Some("help@other.io"), &verified, builtin),
            builtin
        );
        assert_eq!(
            sender_for(Some("help@acme.io"), &verified, builtin),
            "help@acme.io"
        );
        assert_eq!(sender_for(Some("help@acme.io"), &[], builtin), builtin);
    }

    #[test]
    fn a_domain_shows_its_dkim_records_and_an_address_none() {
        let d = identity("acme.io", IdentityKind::Domain, false);
        let records = dns_records(&d);
        assert_eq!(records.len(), 3);
        assert_eq!(records[0].kind, "CNAME");
        assert_eq!(records[0].name, "tok1._domainkey.acme.io");
        assert_eq!(records[0].value, "tok1.dkim.amazonses.com");
        let a = identity("support@acme.io", IdentityKind::EmailAddress, false);
        assert!(dns_records(&a).is_empty());
    }

    #[test]
    fn ses_words_map_to_statuses() {
        for (word, want) in [
            ("PENDING", VerificationStatus::Pending),
            ("SUCCESS", VerificationStatus::Success),
            ("FAILED", VerificationStatus::Failed),
            ("TEMPORARY_FAILURE", VerificationStatus::TemporaryFailure),
            ("NOT_STARTED", VerificationStatus::NotStarted),
            ("SOMETHING_NEW", VerificationStatus::NotStarted),
        ] {
            assert_eq!(VerificationStatus::from_ses(word), want, "{word}");
        }
    }

    #[test]
    fn verification_moves_pending_to_verified_when_ses_says_so() {
        let stored = identity("support@acme.io", IdentityKind::EmailAddress, false);
        let now = Utc::now();
        let ses = ses::State {
            kind: IdentityKind::EmailAddress,
            status: VerificationStatus::Success,
            verified_for_sending: true,
            dkim_tokens: Vec::new(),
        };
        let next = apply(&stored, Some(&ses), now);
        assert_eq!(next.status, VerificationStatus::Success);
        assert!(next.verified_for_sending);
        assert_eq!(next.checked_at, now);
        assert_eq!(
            next.dkim_tokens, stored.dkim_tokens,
            "tokens kept when SES sends none"
        );
        assert!(changed(&stored, &next));
    }

    #[test]
    fn an_identity_ses_forgot_can_no_longer_send() {
        let stored = identity("acme.io", IdentityKind::Domain, true);
        let next = apply(&stored, None, Utc::now());
        assert_eq!(next.status, VerificationStatus::NotStarted);
        assert!(!next.verified_for_sending);
        assert!(changed(&stored, &next));
    }

    #[test]
    fn asking_again_with_nothing_new_writes_nothing() {
        let stored = identity("acme.io", IdentityKind::Domain, false);
        let ses = ses::State {
            kind: IdentityKind::Domain,
            status: VerificationStatus::Pending,
            verified_for_sending: false,
            dkim_tokens: stored.dkim_tokens.clone(),
        };
        let next = apply(
            &stored,
            Some(&ses),
            Utc::now() + chrono::Duration::minutes(5),
        );
        assert!(!changed(&stored, &next));
    }

    #[test]
    fn the_view_carries_the_dns_records() {
        let d = identity("acme.io", IdentityKind::Domain, false);
        let v = SenderIdentityView::from(&d);
        assert_eq!(v.dns_records, dns_records(&d));
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["kind"], "DOMAIN");
        assert_eq!(json["status"], "PENDING");
        assert_eq!(json["dnsRecords"][0]["type"], "CNAME");
        assert_eq!(json["verifiedForSending"], false);
    }
}
