//! List endpoints: `limit` and an opaque `cursor` in, `{"data", "nextCursor"}` out.

use serde::Serialize;

use super::ApiResult;
use super::error::ApiError;
use super::request::Query;
use crate::App;
use crate::store::{Item, Page};

/// Default page size.
pub const DEFAULT_LIMIT: usize = 20;
/// Largest page size.
pub const MAX_LIMIT: usize = 100;

/// The query parameters every list takes, as the document declares them (the bounds are
/// [`MAX_LIMIT`]'s; `Query::limit` enforces the same).
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// Items per page (default 20).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `nextCursor` of the previous page of the same list (opaque and signed: one
    /// from another list, or altered, is a 400 `invalid_cursor`).
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

/// A parsed page request, bound to the list's scope (org, list and filters).
pub struct PageRequest {
    /// Items wanted.
    pub limit: usize,
    /// Where to resume.
    pub start: Option<Item>,
    scope: String,
}

impl PageRequest {
    /// Reads `limit` and `cursor`; a cursor issued for another scope is a 400.
    pub fn parse(app: &App, query: &Query, scope: String) -> Result<Self, ApiError> {
        Ok(Self {
            limit: query.limit(DEFAULT_LIMIT, MAX_LIMIT)?,
            start: app.cursors.decode_opt(&scope, query.get("cursor"))?,
            scope,
        })
    }

    /// The response for a page, mapping its items with `f`.
    pub fn respond<T, U: Serialize>(
        &self,
        app: &App,
        page: Page<T>,
        f: impl FnMut(T) -> U,
    ) -> ApiResult {
        let next = app.cursors.encode_opt(&self.scope, page.next.as_ref());
        super::page(page.items.into_iter().map(f).collect::<Vec<_>>(), next)
    }
}

/// Shorthand for a page whose items are serialized as they are.
pub fn respond<T: Serialize>(app: &App, req: &PageRequest, page: Page<T>) -> ApiResult {
    req.respond(app, page, |t| t)
}
