//! The `users` benchmark: `GET /api/users` in an organization of many users, first page
//! and searches. A search is a filter expression on the organization's user Query, so
//! the fewer users it matches, the more of the partition a page has to read.

use std::sync::Arc;

use clap::Args;
use wrrk_shared::domain::{Role, User};

use crate::counting::{CountArgs, CountedApi, seeding_app};
use crate::endpoint::{Measure, authed_get};
use crate::load::LoadArgs;
use crate::seed::{Person, add_users};
use crate::{signup, start_stack};

/// First names of seeded users (none is a substring of another name or of an email's
/// fixed parts, so a search for one matches exactly the users who have it).
const FIRST: [&str; 40] = [
    "Ada", "Bruno", "Chidi", "Dana", "Emeka", "Farah", "Goran", "Hana", "Ivo", "Jun", "Kofi",
    "Lena", "Mateo", "Nia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
    "Wanda", "Xiomara", "Yusuf", "Zofia", "Anouk", "Bram", "Cyril", "Dagny", "Elif", "Fionn",
    "Greta", "Hugo", "Imke", "Joao", "Kasia", "Lior", "Mirela", "Nils",
];
/// Last names of seeded users.
const LAST: [&str; 50] = [
    "Abara",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksen",
    "Fontaine",
    "Grabowski",
    "Horvath",
    "Ibsen",
    "Jovanovic",
    "Kowalczyk",
    "Laine",
    "Moreau",
    "Novak",
    "Okafor",
    "Petrov",
    "Quispe",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Urban",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Andersson",
    "Bianchi",
    "Castillo",
    "Demir",
    "Esposito",
    "Fischer",
    "Gallo",
    "Hoffmann",
    "Ivanova",
    "Jensen",
    "Kruger",
    "Lindqvist",
    "Mendes",
    "Nakamura",
    "Olsen",
    "Pereira",
    "Ricci",
    "Santos",
    "Torres",
    "Ueda",
    "Vogel",
    "Wagner",
    "Yamada",
    "Ziegler",
];
/// The last name of one seeded user in 400: a search that matches a few.
const RARE_LAST: &str = "Zanzibar";
/// Matches nobody: the worst case of a filtered Query.
const NOBODY: &str = "qqxqq";

/// Flags of the `users` subcommand.
#[derive(Args)]
pub struct UsersArgs {
    /// Shared load flags.
    #[command(flatten)]
    load: LoadArgs,
    /// Users in the organization, its admin included.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(2..=100_000))]
    users: u64,
    /// Concurrent invitations while seeding.
    #[arg(long, default_value_t = 16)]
    seed_concurrency: usize,
    /// Where the counted calls go and how many.
    #[command(flatten)]
    counted: CountArgs,
}

/// The seeded user `i` (1-based; the admin is 0).
fn person(i: u64) -> Person {
    let first = FIRST[(i % 40) as usize];
    let last = if i % 400 == 123 {
        RARE_LAST
    } else {
        LAST[((i / 40) % 50) as usize]
    };
    let role = match i % 20 {
        0 => Role::Manager,
        1 | 2 => Role::Supervisor,
        _ => Role::Agent,
    };
    Person {
        name: format!("{first} {last}"),
        email: format!(
            "{}.{}.{i}@bench.test",
            first.to_lowercase(),
            last.to_lowercase()
        ),
        role,
    }
}

/// How many of `users` a search for `term` matches, computed as the store matches
/// (lower-cased name, a space, the email).
fn matches(users: &[(String, String)], term: &str) -> usize {
    users
        .iter()
        .filter(|(name, email)| format!("{} {email}", name.to_lowercase()).contains(term))
        .count()
}

/// The `users` benchmark.
pub async fn users(args: UsersArgs) -> anyhow::Result<()> {
    let stack = start_stack(args.counted.dynamodb_endpoint.clone()).await?;
    let counted = CountedApi::start(&stack).await?;
    let http = reqwest::Client::new();
    let admin = signup(&http, &stack.http_url, "bench-admin@bench.test").await?;

    println!(
        "Seeding one organization of {} users: the admin by sign-up, the rest through the \
         store's create_invitation + accept_invitation ({} at a time)",
        args.users, args.seed_concurrency
    );
    let people: Vec<Person> = (1..args.users).map(person).collect();
    let seeding = seeding_app(&stack).await?;
    let seeded: Vec<User> = add_users(
        &seeding.app,
        &admin,
        people,
        args.seed_concurrency,
        "users invited and accepted",
    )
    .await?;
    let mut all: Vec<(String, String)> = seeded
        .iter()
        .map(|u| (u.name.clone(), u.email.as_str().to_string()))
        .collect();
    all.push(("Bench Admin".into(), admin.email.clone()));
    println!();

    let measure = Measure {
        stack_url: stack.http_url.clone(),
        counted: &counted,
        load: args.load,
        calls: args.counted.calls,
    };
    let token: Arc<str> = admin.token.clone().into();
    let list = |query: String| authed_get(token.clone(), format!("/api/users{query}"));

    measure
        .endpoint(
            &format!(
                "GET /api/users (first page, default limit 20, of {} users)",
                all.len()
            ),
            list(String::new()),
        )
        .await?;
    let common = FIRST[15].to_lowercase();
    let rare = RARE_LAST.to_lowercase();
    for (term, what) in [
        (common.as_str(), "a common first name"),
        (rare.as_str(), "a rare last name"),
        (NOBODY, "no match, the worst case"),
    ] {
        measure
            .endpoint(
                &format!(
                    "GET /api/users?search={term} ({what}; matches {} of {} users)",
                    matches(&all, term),
                    all.len()
                ),
                list(format!("?search={term}")),
            )
            .await?;
    }
    counted.print_source(args.counted.dynamodb_endpoint.as_deref());
    Ok(())
}
