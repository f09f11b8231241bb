//! `POST /api/widget/connect-ticket` with the session in `Authorization`: a short-lived,
//! single-use ticket for the WebSocket URL (`?ticket=`), so the session token never appears
//! in a URL. Only its hash is stored; `$connect` consumes it with a conditional delete.

use lambda_http::Request;
use wrrk_shared::App;
use wrrk_shared::http::{ApiResult, created};
use wrrk_shared::ids::{hash_secret, new_secret};
use wrrk_shared::store::ConnectTicket;
use wrrk_shared::widget::limits;

use super::Cors;

/// How long a connect ticket may wait to be used.
pub const CONNECT_TICKET_TTL_SECONDS: i64 = 60;

/// Two reads, a counter, one PutItem.
#[utoipa::path(
    post,
    path = "/api/widget/connect-ticket",
    operation_id = "widget-connect-ticket",
    tag = "widget",
    responses(
        (status = 201, description = "A single-use WebSocket ticket", body = wrrk_shared::http::Data<crate::wire::ConnectTicket>),
    ),
    security(("visitor" = [])),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let mut cors = Cors::default();
    let result = run(&app, &req, &mut cors).await;
    cors.finish(result)
}

async fn run(app: &App, req: &Request, cors: &mut Cors) -> ApiResult {
    let claims = super::session(app, req)?;
    let (org, ticket) = super::session_context(app, &claims).await?;
    cors.check(req, &org)?;
    super::throttle(app, &[(limits::TICKETS_PER_SESSION, ticket.id.as_str())]).await?;
    let secret = new_secret();
    app.store
        .put_connect_ticket(
            &hash_secret(&secret),
            &ConnectTicket {
                org_id: org.id.clone(),
                customer_id: claims.sub.to_string(),
                ticket_id: ticket.id.clone(),
                name: claims.name.clone(),
            },
            CONNECT_TICKET_TTL_SECONDS,
        )
        .await?;
    created(crate::wire::ConnectTicket {
        ticket: secret,
        expires_in: CONNECT_TICKET_TTL_SECONDS as u64,
    })
}
