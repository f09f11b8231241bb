//! `POST /api/widget/init` `{widgetKey}`: what the widget shows before a chat starts: the
//! organization's name, its widget settings, whether an agent is online (presence), and
//! whether an email is asked for first (when nobody is online).

use lambda_http::Request;
use serde::Deserialize;
use wrrk_shared::App;
use wrrk_shared::http::{ApiError, ApiResult, json_body, ok, request::MAX_JSON_BYTES};
use wrrk_shared::widget::limits;

use super::Cors;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = WidgetInitRequest)]
struct Body {
    widget_key: String,
}

/// Two reads for the key, one Query for presence, two counters.
#[utoipa::path(
    post,
    path = "/api/widget/init",
    operation_id = "widget-init",
    tag = "widget",
    request_body = Body,
    responses(
        (status = 200, description = "The widget settings", body = wrrk_shared::http::Data<crate::wire::WidgetInit>),
    ),
    security(()),
)]
pub async fn handle(app: App, req: Request) -> ApiResult {
    let mut cors = Cors::default();
    let result = run(&app, &req, &mut cors).await;
    cors.finish(result)
}

async fn run(app: &App, req: &Request, cors: &mut Cors) -> ApiResult {
    let body: Body = json_body(req, MAX_JSON_BYTES)?;
    let org = app
        .store
        .organization_by_widget_key(body.widget_key.trim())
        .await?
        .ok_or(ApiError::NotFound("Widget"))?;
    cors.check(req, &org)?;
    let ip = super::source_ip(req);
    super::throttle(
        app,
        &[
            (limits::INIT_PER_IP, ip.as_str()),
            (limits::INIT_PER_KEY, org.widget.widget_key.as_str()),
        ],
    )
    .await?;
    let online = app.store.list_online(&org.id, 1, None).await?;
    let agents_online = !online.items.is_empty();
    let availability = org.business_hours().availability(chrono::Utc::now());
    let w = &org.widget;
    ok(crate::wire::WidgetInit {
        organization: crate::wire::WidgetOrganization {
            name: org.name.clone(),
        },
        settings: crate::wire::WidgetLook {
            primary_color: w.primary_color.clone(),
            position: w.position,
            welcome_message: w.welcome_message.clone(),
        },
        agents_online,
        // Nobody to answer live, or out of hours: an email reaches the customer later.
        ask_email: !agents_online || !availability.open,
        identity_required: w.identity_enforced,
        availability,
    })
}
