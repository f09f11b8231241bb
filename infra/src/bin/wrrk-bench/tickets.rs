//! The `tickets` benchmark: ticket lists, a ticket's messages and replying, in one
//! organization with many tickets and messages.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Args;
use futures::{StreamExt, TryStreamExt, stream};
use serde_json::json;
use wrrk_shared::App;
use wrrk_shared::domain::{
    Author, AuthorType, Channel, Customer, Email, Message, Organization, PersonSummary, Priority,
    Role, Ticket, TicketStatus,
};
use wrrk_shared::ids::{MessageId, UserId, new_id};
use wrrk_shared::store::{FirstMessage, NewTicket, TicketChanges};

use crate::counting::{CountArgs, CountedApi, seeding_app};
use crate::endpoint::{MakeRequest, Measure, authed_get};
use crate::load::LoadArgs;
use crate::seed::{Person, Progress, add_users, mix};
use crate::{Session, signup, start_stack};

/// Subjects of seeded tickets (a number is appended).
const SUBJECTS: [&str; 8] = [
    "Invoice does not match the order",
    "Cannot log in after password reset",
    "Refund for a cancelled subscription",
    "Export to CSV times out",
    "Wrong shipping address on order",
    "Feature request: dark mode",
    "Two-factor codes arrive late",
    "Question about the enterprise plan",
];
/// Text seeded messages are cut from.
const LOREM: &str = "Thanks for getting back to me. I tried the steps you sent, cleared the \
    cache and signed in again, but the problem is still there on both machines. The order \
    number is in the subject line; the invoice shows a different amount than the checkout \
    page did, and the card was charged twice. Could you have a look and let me know what \
    you need from me? Screenshots are attached to the first message. ";

/// Flags of the `tickets` subcommand.
#[derive(Args)]
pub struct TicketsArgs {
    /// Shared load flags.
    #[command(flatten)]
    load: LoadArgs,
    /// Tickets in the organization.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    tickets: u64,
    /// Messages in the organization, first messages included (at least one per ticket).
    #[arg(long, default_value_t = 50_000)]
    messages: u64,
    /// Distinct customers the tickets come from.
    #[arg(long, default_value_t = 2_000, value_parser = clap::value_parser!(u64).range(1..))]
    customers: u64,
    /// Agents besides the admin (tickets are assigned among them and the admin).
    #[arg(long, default_value_t = 9)]
    agents: u64,
    /// Tickets opened at a time while seeding. Every open takes the organization's next
    /// number under a condition, so concurrent opens mostly retry each other.
    #[arg(long, default_value_t = 2)]
    open_concurrency: usize,
    /// Tickets filled with messages at a time while seeding (no contention there).
    #[arg(long, default_value_t = 16)]
    seed_concurrency: usize,
    /// Where the counted calls go and how many.
    #[command(flatten)]
    counted: CountArgs,
}

/// What one seeded ticket becomes.
struct Plan {
    /// Channel it came by.
    channel: Channel,
    /// Index of its customer.
    customer: u64,
    /// Messages, the first included.
    messages: u64,
    /// Final status.
    status: TicketStatus,
    /// Final assignee, an index into the agents (0 is the admin); `None` is unassigned.
    assignee: Option<usize>,
    /// Priority.
    priority: Priority,
}

/// A deterministic mix of channels, statuses, assignees and thread lengths, with exactly
/// `messages` messages in all.
fn plans(args: &TicketsArgs, agents: usize) -> Vec<Plan> {
    let mut plans: Vec<Plan> = (0..args.tickets)
        .map(|i| {
            let r = |salt| mix(i, salt);
            Plan {
                channel: match r(1) % 10 {
                    0..=5 => Channel::Email,
                    6 | 7 => Channel::Chat,
                    _ => Channel::Manual,
                },
                customer: r(2) % args.customers,
                messages: 1 + r(3) % 9,
                status: match r(4) % 100 {
                    0..=39 => TicketStatus::Open,
                    40..=59 => TicketStatus::Pending,
                    60..=84 => TicketStatus::Resolved,
                    _ => TicketStatus::Closed,
                },
                assignee: (r(5) % 10 >= 3).then(|| (r(6) % agents as u64) as usize),
                priority: match r(7) % 10 {
                    0 => Priority::Urgent,
                    1 | 2 => Priority::High,
                    3..=7 => Priority::Medium,
                    _ => Priority::Low,
                },
            }
        })
        .collect();
    let mut total: u64 = plans.iter().map(|p| p.messages).sum();
    let mut i = 0;
    while total != args.messages {
        let n = plans.len();
        let p = &mut plans[i % n];
        if total < args.messages {
            p.messages += 1;
            total += 1;
        } else if p.messages > 1 {
            p.messages -= 1;
            total -= 1;
        }
        i += 1;
    }
    plans
}

/// Plain text of about 150 to 1,350 bytes.
fn content(seed: u64) -> String {
    let len = 150 + (seed % 1200) as usize;
    LOREM.repeat(len / LOREM.len() + 1)[..len]
        .trim()
        .to_string()
}

/// Customer `n`'s email.
fn customer_email(n: u64) -> String {
    format!("customer{n:05}@customers.test")
}

/// An agent who writes messages: id and display name.
#[derive(Clone)]
struct Agent {
    id: String,
    name: String,
}

/// The `tickets` benchmark.
pub async fn tickets(args: TicketsArgs) -> anyhow::Result<()> {
    if args.messages < args.tickets {
        bail!("--messages must be at least --tickets (every ticket has a first message)");
    }
    let stack = start_stack(args.counted.dynamodb_endpoint.clone()).await?;
    let counted = CountedApi::start(&stack).await?;
    let http = reqwest::Client::new();
    let admin = signup(&http, &stack.http_url, "bench-admin@bench.test").await?;
    let seeding = seeding_app(&stack).await?;
    let app = &seeding.app;

    println!(
        "Seeding one organization: {} tickets, {} messages, {} customers at most, {} agents \
         and the admin, through the store (open_ticket, append_message, update_ticket)",
        args.tickets, args.messages, args.customers, args.agents
    );
    let people = (1..=args.agents)
        .map(|n| Person {
            name: format!("Agent {n}"),
            email: format!("agent{n}@bench.test"),
            role: Role::Agent,
        })
        .collect();
    let invited = add_users(app, &admin, people, 4, "agents invited and accepted").await?;
    let mut agents = vec![Agent {
        id: admin.user_id.clone(),
        name: "Bench Admin".into(),
    }];
    agents.extend(invited.into_iter().map(|u| Agent {
        id: u.id.into(),
        name: u.name,
    }));
    let org = app
        .store
        .get_organization(&wrrk_shared::ids::OrgId::trusted(admin.org_id.as_str()))
        .await?
        .context("the organization is missing")?;
    let plans = plans(&args, agents.len());

    let opened = open_tickets(app, &org, &admin, &plans, args.open_concurrency).await?;
    let filled = fill_tickets(app, opened, &plans, &agents, args.seed_concurrency).await?;
    print_dataset(&plans, &filled);
    println!();

    let measure = Measure {
        stack_url: stack.http_url.clone(),
        counted: &counted,
        load: args.load,
        calls: args.counted.calls,
    };
    let token: Arc<str> = admin.token.clone().into();
    let open = |p: &Plan| p.status == TicketStatus::Open;
    let count = |f: &dyn Fn(&Plan) -> bool| plans.iter().filter(|p| f(p)).count();
    let all_open = count(&open);
    let mine_open = count(&|p| open(p) && p.assignee == Some(0));
    let unassigned_open = count(&|p| open(p) && p.assignee.is_none());
    for (query, what) in [
        ("status=OPEN", format!("all open: {all_open}")),
        ("assignee=me&status=OPEN", format!("mine: {mine_open}")),
        (
            "assignee=unassigned&status=OPEN",
            format!("unassigned: {unassigned_open}"),
        ),
    ] {
        measure
            .endpoint(
                &format!("GET /api/tickets?{query} (first page, default limit 20; {what})"),
                authed_get(token.clone(), format!("/api/tickets?{query}")),
            )
            .await?;
    }

    let longest = filled.iter().map(|t| t.message_count).max().unwrap_or(0);
    let threads: Vec<String> = filled
        .iter()
        .filter(|t| t.message_count == longest)
        .map(|t| t.id.to_string())
        .collect();
    measure
        .endpoint(
            &format!(
                "GET /api/tickets/{{id}}/messages (first page, default limit 20; {} tickets \
                 of {longest} messages, round robin)",
                threads.len()
            ),
            round_robin(token.clone(), threads, |client, url, token| {
                client.get(format!("{url}/messages")).bearer_auth(token)
            }),
        )
        .await?;

    let email_tickets: Vec<String> = filled
        .iter()
        .filter(|t| {
            t.channel == Channel::Email
                && matches!(t.status, TicketStatus::Open | TicketStatus::Pending)
        })
        .map(|t| t.id.to_string())
        .collect();
    measure
        .endpoint(
            &format!(
                "POST /api/tickets/{{id}}/messages (public reply on an EMAIL ticket, mailed to \
                 the customer; {} open or pending EMAIL tickets, round robin)",
                email_tickets.len()
            ),
            round_robin(token.clone(), email_tickets, |client, url, token| {
                client
                    .post(format!("{url}/messages"))
                    .bearer_auth(token)
                    .json(&json!({ "content": "Thanks, we have corrected the invoice and refunded the difference." }))
            }),
        )
        .await?;

    let all: Vec<String> = filled.iter().map(|t| t.id.to_string()).collect();
    measure
        .endpoint(
            &format!(
                "POST /api/tickets/{{id}}/messages (internal note; all {} tickets, round robin)",
                all.len()
            ),
            round_robin(token.clone(), all, |client, url, token| {
                client
                    .post(format!("{url}/messages"))
                    .bearer_auth(token)
                    .json(&json!({ "content": "Customer is on the enterprise plan.", "internal": true }))
            }),
        )
        .await?;
    if args.counted.dynamodb_endpoint.is_none() {
        println!(
            "Engine artifact in the POST figures: on every TransactWriteItems dynoxide walks the\n  \
             idempotency tokens of all transactions of the last ten minutes, under a lock.\n  \
             Seeding sent none, but each POST load adds its own, so the later load pays more."
        );
    }
    counted.print_source(args.counted.dynamodb_endpoint.as_deref());
    Ok(())
}

/// Requests to `ids` in turn (shared by all clients, so concurrent requests go to
/// different tickets); `build` gets the ticket's URL (`{base}/api/tickets/{id}`).
fn round_robin(
    token: Arc<str>,
    ids: Vec<String>,
    build: fn(&reqwest::Client, &str, &str) -> reqwest::RequestBuilder,
) -> MakeRequest {
    let next = Arc::new(AtomicU64::new(0));
    Arc::new(move |client, base, _| {
        let n = next.fetch_add(1, Ordering::Relaxed) as usize;
        let id = &ids[n % ids.len().max(1)];
        build(client, &format!("{base}/api/tickets/{id}"), &token)
    })
}

/// Phase one: every ticket opened with its first message, `concurrency` at a time.
async fn open_tickets(
    app: &App,
    org: &Organization,
    admin: &Session,
    plans: &[Plan],
    concurrency: usize,
) -> anyhow::Result<Vec<(Ticket, Customer)>> {
    let progress = Progress::start("tickets opened", plans.len() as u64);
    let mut opened: Vec<(usize, Ticket, Customer)> = stream::iter(plans.iter().enumerate())
        .map(|(i, plan)| {
            let progress = &progress;
            async move {
                let (ticket, customer, _) = app
                    .store
                    .open_ticket(org, new_ticket(i as u64, plan, admin))
                    .await
                    .with_context(|| format!("opening ticket {i}"))?;
                progress.add(1);
                anyhow::Ok((i, ticket, customer))
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    progress.finish();
    opened.sort_by_key(|(i, _, _)| *i);
    Ok(opened.into_iter().map(|(_, t, c)| (t, c)).collect())
}

/// What opening ticket `i` asks of the store: as an email or the widget would open it
/// (a customer's first message), or as an agent would (`MANUAL`).
fn new_ticket(i: u64, plan: &Plan, admin: &Session) -> NewTicket {
    let email = customer_email(plan.customer);
    let customer_name = format!("Customer {}", plan.customer);
    let by_customer = plan.channel != Channel::Manual;
    let email_id = (plan.channel == Channel::Email).then(|| format!("t{i}@mail.customers.test"));
    NewTicket {
        subject: format!("{} ({i})", SUBJECTS[(i % 8) as usize]),
        priority: plan.priority,
        channel: plan.channel,
        customer_email: Email::parse("email", &email).expect("seeded emails are valid"),
        customer_name: customer_name.clone(),
        customer_unverified_email: None,
        first_message: Some(FirstMessage {
            id: MessageId::new(),
            author: if by_customer {
                Author::Customer {
                    id: None,
                    name: customer_name,
                }
            } else {
                Author::Agent {
                    id: UserId::trusted(admin.user_id.as_str()),
                    name: "Bench Admin".into(),
                }
            },
            content: content(mix(i, 10)),
            internal: false,
            channel: plan.channel,
            email_message_id: email_id.clone(),
            email: None,
        }),
        email_references: email_id.into_iter().collect(),
        follows: None,
        team_id: None,
        via: Default::default(),
    }
}

/// Phase two: each ticket's further messages (customer and agent taking turns, some
/// agent messages internal notes), then its final status and assignee, as the message
/// and update handlers would write them.
async fn fill_tickets(
    app: &App,
    opened: Vec<(Ticket, Customer)>,
    plans: &[Plan],
    agents: &[Agent],
    concurrency: usize,
) -> anyhow::Result<Vec<Ticket>> {
    let further: u64 = plans.iter().map(|p| p.messages - 1).sum();
    let progress = Progress::start("further messages added", further);
    let mut filled: Vec<(usize, Ticket)> = stream::iter(opened.into_iter().zip(plans).enumerate())
        .map(|(i, ((ticket, customer), plan))| {
            let progress = &progress;
            async move {
                let t = fill(app, i as u64, ticket, &customer, plan, agents, progress).await?;
                anyhow::Ok((i, t))
            }
        })
        .buffer_unordered(concurrency.max(1))
        .try_collect()
        .await?;
    progress.finish();
    filled.sort_by_key(|(i, _)| *i);
    Ok(filled.into_iter().map(|(_, t)| t).collect())
}

/// One ticket's further messages and final state.
async fn fill(
    app: &App,
    i: u64,
    mut ticket: Ticket,
    customer: &Customer,
    plan: &Plan,
    agents: &[Agent],
    progress: &Progress,
) -> anyhow::Result<Ticket> {
    let agent = &agents[plan.assignee.unwrap_or(0)];
    let first_by_customer = plan.channel != Channel::Manual;
    for k in 1..plan.messages {
        let by_customer = k.is_multiple_of(2) == first_by_customer;
        let internal = !by_customer && mix(i * 100 + k, 8).is_multiple_of(10);
        let id = new_id();
        let now = Utc::now();
        let message = Message {
            id: MessageId::trusted(id.as_str()),
            ticket_id: ticket.id.clone(),
            org_id: ticket.org_id.clone(),
            author_type: if by_customer {
                AuthorType::Customer
            } else {
                AuthorType::Agent
            },
            author_id: Some(if by_customer {
                customer.id.to_string()
            } else {
                agent.id.clone()
            }),
            author_name: if by_customer {
                customer.name.clone()
            } else {
                agent.name.clone()
            },
            content: content(mix(i * 100 + k, 9)),
            internal,
            channel: ticket.channel,
            email_message_id: (by_customer && ticket.channel == Channel::Email)
                .then(|| format!("{id}@mail.customers.test")),
            email: None,
            created_at: now,
        };
        // What the message path writes (the ticket moves for public messages only).
        ticket = app
            .store
            .append_message(&message, !internal, &[])
            .await
            .with_context(|| format!("adding message {k} to ticket {i}"))?;
        progress.add(1);
    }
    if plan.status != TicketStatus::Open || plan.assignee.is_some() {
        // What `PATCH /api/tickets/{id}` with a status and an assignee writes.
        let changes = TicketChanges {
            status: Some(plan.status),
            assignee: Some(plan.assignee.map(|a| PersonSummary {
                id: UserId::trusted(agents[a].id.as_str()),
                name: agents[a].name.clone(),
                avatar_url: None,
            })),
            ..TicketChanges::default()
        };
        ticket = app
            .store
            .update_ticket(&ticket, &changes)
            .await
            .with_context(|| format!("updating ticket {i}"))?;
    }
    Ok(ticket)
}

/// What was seeded.
fn print_dataset(plans: &[Plan], tickets: &[Ticket]) {
    let messages: u64 = tickets.iter().map(|t| t.message_count).sum();
    let customers: BTreeSet<&str> = tickets.iter().map(|t| t.customer_id.as_str()).collect();
    let status = |s: TicketStatus| plans.iter().filter(|p| p.status == s).count();
    let channel = |c: Channel| plans.iter().filter(|p| p.channel == c).count();
    println!(
        "  dataset: {} tickets (OPEN {}, PENDING {}, RESOLVED {}, CLOSED {}; EMAIL {}, CHAT {}, \
         MANUAL {}; {} unassigned), {messages} messages, {} customers",
        tickets.len(),
        status(TicketStatus::Open),
        status(TicketStatus::Pending),
        status(TicketStatus::Resolved),
        status(TicketStatus::Closed),
        channel(Channel::Email),
        channel(Channel::Chat),
        channel(Channel::Manual),
        plans.iter().filter(|p| p.assignee.is_none()).count(),
        customers.len(),
    );
}
