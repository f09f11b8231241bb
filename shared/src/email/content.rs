//! What agents see of a mail: the new text without quoted history, and HTML that cannot
//! run script (images by `cid:` point at stored attachments).

use std::collections::HashMap;

/// The text without the quoted history below it (`On … wrote:`, `-----Original
/// Message-----`, Outlook's `From:`/`Sent:` block, `>` lines). Never empty when the input
/// is not: a mail that is all quote keeps it all.
pub fn fold_quotes(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut cut = lines.len();
    for (i, line) in lines.iter().enumerate() {
        let l = line.trim();
        let lower = l.to_lowercase();
        let next = lines
            .get(i + 1)
            .map(|n| n.trim().to_lowercase())
            .unwrap_or_default();
        let header = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("on ") && next.ends_with("wrote:") && !next.starts_with('>'))
            || (lower.starts_with("le ") && lower.ends_with("a écrit :"))
            || (lower.starts_with("am ") && lower.ends_with("schrieb:"))
            || lower.starts_with("-----original message-----")
            || (lower.starts_with("from:")
                && lines[i + 1..].iter().take(4).any(|n| {
                    n.trim().to_lowercase().starts_with("sent:")
                        || n.trim().to_lowercase().starts_with("date:")
                }))
            || (l.starts_with('>')
                && lines[i..]
                    .iter()
                    .all(|n| n.trim().is_empty() || n.trim_start().starts_with('>')));
        if header {
            cut = i;
            break;
        }
    }
    let folded = lines[..cut].join("\n").trim_end().to_string();
    if folded.trim().is_empty() {
        text.trim_end().to_string()
    } else {
        folded
    }
}

/// Sanitized HTML: no script, no event handlers, no foreign schemes; `cid:{id}` images
/// rewritten through `cid_urls` (unknown ones dropped).
pub fn sanitize_html(html: &str, cid_urls: &HashMap<String, String>) -> String {
    let mut rewritten = html.to_string();
    for (cid, url) in cid_urls {
        for q in ['"', '\''] {
            rewritten = rewritten.replace(&format!("{q}cid:{cid}{q}"), &format!("{q}{url}{q}"));
        }
    }
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .clean(&rewritten)
        .to_string()
}

/// A file name safe to show and to put in an object key.
pub fn safe_filename(name: Option<&str>, fallback: &str) -> String {
    let name = name.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| {
            if matches!(c, '"' | '<' | '>' | ':' | '|' | '?' | '*') {
                '_'
            } else {
                c
            }
        })
        .take(150)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        fallback.to_string()
    } else {
        cleaned
    }
}

/// Whether a file name can go in a header as a plain quoted string: ASCII with no spaces
/// (a header folded at a space inside a quoted name would change it) and no quotes.
pub fn is_plain_filename(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '"' && c != '\\')
}

/// `name` percent-encoded in RFC 2231's extended form without the charset prefix (the
/// same encoding RFC 5987 and RFC 6266 use for `filename*`): every byte that is not an
/// `attr-char` becomes `%XX`.
pub fn percent_encode_value(name: &str) -> String {
    let mut out = String::with_capacity(name.len() * 3);
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_folds_quotes_and_sanitizes() {
        let t = "Thanks!\n\nOn Mon, 1 Dec 2026 at 10:00, Agent <a@b.c> wrote:\n> old\n> text";
        assert_eq!(fold_quotes(t), "Thanks!");
        let o = "Yes\r\n\r\n-----Original Message-----\r\nFrom: x\r\nold";
        assert_eq!(fold_quotes(o), "Yes");
        let outlook = "Fine\n\nFrom: Support <s@x.y>\nSent: Monday\nTo: me\nSubject: Re\n\nold";
        assert_eq!(fold_quotes(outlook), "Fine");
        assert_eq!(fold_quotes("> all quote"), "> all quote");
        let urls = HashMap::from([("img1@x".to_string(), "/api/attachments/A1".to_string())]);
        let html = r#"<p onclick="x()">Hi<script>alert(1)</script><img src="cid:img1@x"><img src="cid:other"><a href="javascript:alert(1)">l</a></p>"#;
        let clean = sanitize_html(html, &urls);
        assert!(
            !clean.contains("script")
                && !clean.contains("onclick")
                && !clean.contains("javascript"),
            "{clean}"
        );
        assert!(clean.contains(r#"src="/api/attachments/A1""#), "{clean}");
        assert!(!clean.contains("cid:other"), "{clean}");
        assert_eq!(safe_filename(Some("../../etc/passwd"), "f"), "passwd");
        assert_eq!(safe_filename(None, "file.bin"), "file.bin");
        assert!(is_plain_filename("report-2026.pdf"));
        assert!(!is_plain_filename("Quarterly report.pdf"));
        assert!(!is_plain_filename("Überweisung.pdf"));
        assert_eq!(percent_encode_value("Ü a.pdf"), "%C3%9C%20a.pdf");
    }
}
