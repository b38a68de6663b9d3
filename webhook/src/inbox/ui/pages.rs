//! The page's views (`GET`): the overview, the events list, one event, its body, the dead
//! letters; and the layout and forms they share.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use http::{header, HeaderMap, StatusCode};
use maud::{html, Markup, DOCTYPE};
use serde::Deserialize;

use super::access::PageContext;
use super::view::{self, BodyView};
use super::{Ui, PAGE_SIZE};
use crate::error::ApiError;
use crate::inbox::record::now_ms;
use crate::inbox::{EventFilter, EventState, EventSummary, StoreError};

/// Why a page cannot be shown.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PageError {
    /// The store failed (`503`).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No event with this id (`404`).
    #[error("no event {0}")]
    NotFound(i64),
    /// A filter that does not read (`400`).
    #[error("{0}")]
    BadFilter(String),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let error = match &self {
            PageError::Store(error) => {
                tracing::error!(target: "clustaar_webhook::inbox::ui", %error, "the inbox's page cannot read the store");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "Store unavailable",
                    format!("The inbox's store failed: {error}"),
                )
            }
            PageError::NotFound(id) => ApiError::new(
                StatusCode::NOT_FOUND,
                "No such event",
                format!("There is no event {id} in the inbox (purged, or never stored)"),
            ),
            PageError::BadFilter(reason) => {
                ApiError::new(StatusCode::BAD_REQUEST, "Invalid filter", reason.clone())
            }
        };
        error.into_response()
    }
}

/// What an action's redirection tells the next page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Notice {
    notice: Option<String>,
    n: Option<String>,
}

impl Notice {
    /// The message, from a fixed set (nothing of the query is shown as such).
    fn message(&self) -> Option<String> {
        let n: u64 = self.n.as_deref().and_then(|n| n.parse().ok()).unwrap_or(1);
        let plural = if n == 1 { "" } else { "s" };
        let text = match self.notice.as_deref()? {
            "replayed" => format!("{n} event{plural} queued again."),
            "dead-lettered" => format!("{n} event{plural} dead-lettered."),
            "purged" => format!("{n} event{plural} purged."),
            "none-selected" => "No event was selected.".to_owned(),
            "unchanged" => "Nothing changed: the event is not in a state that allows it (it may \
                 have moved on meanwhile)."
                .to_owned(),
            _ => return None,
        };
        Some(text)
    }
}

/// The layout of every page.
pub(crate) fn layout(
    page: &PageContext,
    title: &str,
    notice: Option<String>,
    main: Markup,
) -> Markup {
    let base = &page.base;
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · inbox" }
                link rel="stylesheet" href=(format!("{base}/assets/inbox.css"));
                script src=(format!("{base}/assets/inbox.js")) defer {}
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header {
                    nav aria-label="Inbox" {
                        a href=(base) { "Overview" }
                        a href=(format!("{base}/events")) { "Events" }
                        a href=(format!("{base}/dead")) { "Dead letters" }
                    }
                    @if page.read_only {
                        span.badge.readonly title="WEBHOOK_INBOX_UI_READ_ONLY" { "read-only" }
                    }
                    label.live {
                        input type="checkbox" #live;
                        " live"
                    }
                }
                main #main {
                    h1 { (title) }
                    @if let Some(notice) = notice {
                        p.notice role="status" { (notice) }
                    }
                    (main)
                }
            }
        }
    }
}

/// A `POST` form of one button, carrying the CSRF token; the script asks `confirm` in a
/// dialog, the server asks it on a page of its own without the script.
pub(crate) fn action_form(
    page: &PageContext,
    action: &str,
    label: &str,
    confirm: &str,
    danger: bool,
) -> Markup {
    html! {
        form.action method="post" action=(action) data-confirm=(confirm) {
            input type="hidden" name="csrf" value=(page.csrf);
            button type="submit" class=[danger.then_some("danger")] { (label) }
        }
    }
}

/// `GET /inbox`: counts, the oldest queued event, the chart.
pub(crate) async fn overview(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Query(notice): Query<Notice>,
) -> Result<Markup, PageError> {
    let overview = ui.store.overview(now_ms(), 60).await?;
    let base = &page.base;
    let mut routes: Vec<&str> = overview.counts.iter().map(|c| c.route.as_str()).collect();
    routes.dedup();
    let count = |route: Option<&str>, state: EventState| -> u64 {
        overview
            .counts
            .iter()
            .filter(|c| c.state == state && route.is_none_or(|route| c.route == route))
            .map(|c| c.count)
            .sum()
    };
    let link = |route: Option<&str>, state: EventState| {
        events_link(
            base,
            &EventFilter {
                state: Some(state),
                route: route.map(str::to_owned),
                ..EventFilter::default()
            },
            None,
        )
    };
    let main = html! {
        section.cards aria-label="Events by state" {
            @for state in EventState::ALL {
                a class=(format!("card {}", state.as_str())) href=(link(None, state)) {
                    span.figure { (count(None, state)) }
                    span.label { (state.as_str()) }
                }
            }
        }
        p.oldest {
            @match overview.oldest_queued {
                Some(oldest) => {
                    "Oldest queued event: received "
                    strong { (view::duration(overview.now - oldest)) } " ago ("
                    time { (view::time(oldest)) } " UTC)."
                }
                None => { "No event is waiting in the queue." }
            }
        }
        h2 { "The last hour" }
        (super::chart::chart(&overview.minutes))
        h2 { "By route" }
        @if routes.is_empty() {
            p { "No event stored yet." }
        } @else {
            div.scroll {
                table {
                    thead { tr {
                        th scope="col" { "Route" }
                        @for state in EventState::ALL { th.num scope="col" { (state.as_str()) } }
                    } }
                    tbody {
                        @for route in &routes {
                            tr {
                                th scope="row" { (route) }
                                @for state in EventState::ALL {
                                    td.num { a href=(link(Some(route), state)) { (count(Some(route), state)) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&page, "Inbox", notice.message(), main))
}

/// The filter of the events list, as its form sends it (empty fields are no filter).
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ListQuery {
    state: Option<String>,
    route: Option<String>,
    key: Option<String>,
    from: Option<String>,
    until: Option<String>,
    before: Option<String>,
    #[serde(flatten)]
    notice: Notice,
}

impl ListQuery {
    /// The filter and the keyset.
    fn read(&self) -> Result<(EventFilter, Option<i64>), PageError> {
        let given = |value: &Option<String>| {
            value
                .as_deref()
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_owned)
        };
        let state = given(&self.state)
            .map(|state| state.parse::<EventState>())
            .transpose()
            .map_err(PageError::BadFilter)?;
        let time = |field: &str, value: &Option<String>| -> Result<Option<i64>, PageError> {
            given(value)
                .map(|text| {
                    view::parse_time(&text).ok_or_else(|| {
                        PageError::BadFilter(format!(
                            "`{field}` must be a time as YYYY-MM-DDTHH:MM (UTC), not {text:?}"
                        ))
                    })
                })
                .transpose()
        };
        let before = given(&self.before)
            .map(|before| {
                before.parse::<i64>().map_err(|_| {
                    PageError::BadFilter(format!("`before` must be an event id, not {before:?}"))
                })
            })
            .transpose()?;
        let filter = EventFilter {
            state,
            route: given(&self.route),
            idempotency_key: given(&self.key),
            received_from: time("from", &self.from)?,
            received_until: time("until", &self.until)?,
        };
        Ok((filter, before))
    }

    fn notice(&self) -> Option<String> {
        self.notice.message()
    }
}

/// The link to the events list filtered by `filter`, from `before`.
pub(crate) fn events_link(base: &str, filter: &EventFilter, before: Option<i64>) -> String {
    format!("{base}/events{}", filter_query(filter, before))
}

/// `filter` as a query string (with its `?`; empty without filter).
fn filter_query(filter: &EventFilter, before: Option<i64>) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    if let Some(state) = filter.state {
        query.append_pair("state", state.as_str());
    }
    if let Some(route) = &filter.route {
        query.append_pair("route", route);
    }
    if let Some(key) = &filter.idempotency_key {
        query.append_pair("key", key);
    }
    if let Some(from) = filter.received_from {
        query.append_pair("from", &view::time_input(from));
    }
    if let Some(until) = filter.received_until {
        query.append_pair("until", &view::time_input(until));
    }
    if let Some(before) = before {
        query.append_pair("before", &before.to_string());
    }
    let query = query.finish();
    if query.is_empty() {
        query
    } else {
        format!("?{query}")
    }
}

/// `GET /inbox/events`: the events, newest first, filtered, a page at a time.
pub(crate) async fn events(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Query(query): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let (filter, before) = query.read()?;
    let events = ui.store.events(&filter, before, PAGE_SIZE).await?;
    let base = &page.base;
    let main = html! {
        form.filters method="get" action=(format!("{base}/events")) {
            label { "State "
                select name="state" {
                    option value="" { "any" }
                    @for state in EventState::ALL {
                        option value=(state.as_str()) selected[filter.state == Some(state)] { (state.as_str()) }
                    }
                }
            }
            label { "Route " input type="text" name="route" value=[filter.route.as_deref()]; }
            label { "Idempotency key " input type="text" name="key" value=[filter.idempotency_key.as_deref()]; }
            label { "From (UTC) " input type="datetime-local" name="from" value=[filter.received_from.map(view::time_input)]; }
            label { "Until (UTC) " input type="datetime-local" name="until" value=[filter.received_until.map(view::time_input)]; }
            button type="submit" { "Filter" }
            a href=(format!("{base}/events")) { "Clear" }
        }
        (event_table(base, &events, None))
        (pager(&events, before, |before| events_link(base, &filter, before)))
    };
    Ok(layout(&page, "Events", query.notice(), main))
}

/// The links to the newest page (when this one is not) and to the next one (when this one is
/// full): `link(before)` is the list from `before` (`None`: the newest).
fn pager(
    events: &[EventSummary],
    before: Option<i64>,
    link: impl Fn(Option<i64>) -> String,
) -> Markup {
    let next = events
        .last()
        .filter(|_| events.len() == PAGE_SIZE as usize)
        .map(|last| link(Some(last.id)));
    html! {
        nav.pages aria-label="Pages" {
            @if before.is_some() { a href=(link(None)) { "← Newest" } }
            @if let Some(next) = next { a rel="next" href=(next) { "Older →" } }
        }
    }
}

/// The table of a list of events; with `select`, a checkbox a row for the form of that id.
fn event_table(base: &str, events: &[EventSummary], select: Option<&str>) -> Markup {
    html! {
        @if events.is_empty() {
            p.empty { "No event matches." }
        } @else {
            div.scroll {
                table.events {
                    thead { tr {
                        @if select.is_some() { th scope="col" { span.visually-hidden { "Select" } } }
                        th.num scope="col" { "Id" }
                        th scope="col" { "State" }
                        th scope="col" { "Route" }
                        th scope="col" { "Request" }
                        th.num scope="col" { "Attempts" }
                        th scope="col" { "Received (UTC)" }
                        th scope="col" { "Last error" }
                    } }
                    tbody {
                        @for event in events {
                            tr {
                                @if let Some(form) = select {
                                    td { input type="checkbox" name="id" value=(event.id) form=(form)
                                        aria-label=(format!("Select event {}", event.id)); }
                                }
                                td.num { a href=(format!("{base}/events/{}", event.id)) { (event.id) } }
                                td { span class=(format!("badge {}", event.state.as_str())) { (event.state.as_str()) } }
                                td { (event.route) }
                                td.request { (event.method) " " (view::shorten(&event.uri, 60)) }
                                td.num { (event.attempts) }
                                td { time { (view::time(event.received_at)) } }
                                td.error { (event.last_error.as_deref().map(|e| view::shorten(e, 80)).unwrap_or_default()) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// How one event is shown.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EventQuery {
    view: Option<String>,
    #[serde(flatten)]
    notice: Notice,
}

/// `GET /inbox/events/{id}`: the event, its attempts, its actions.
pub(crate) async fn event(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Path(id): Path<i64>,
    Query(query): Query<EventQuery>,
    headers: HeaderMap,
) -> Result<Markup, PageError> {
    let record = ui.store.show(id).await?.ok_or(PageError::NotFound(id))?;
    let history = ui.store.history(id).await?;
    let base = &page.base;
    let chosen = query
        .view
        .as_deref()
        .and_then(BodyView::named)
        .unwrap_or_else(|| BodyView::best(&record.event.body));
    let shown = view::render_body(&record.event.body, chosen);
    let delivery = view::delivery_id(&record.event.headers);
    let origin = origin(&headers);
    let here = format!("{base}/events/{id}");
    let state = record.state;
    let main = html! {
        p.back { a href=(format!("{base}/events")) { "← Events" } }
        div.scroll {
            table.fields {
                tbody {
                    tr { th scope="row" { "State" } td { span class=(format!("badge {}", state.as_str())) { (state.as_str()) } } }
                    tr { th scope="row" { "Route" } td { (record.event.route) } }
                    tr { th scope="row" { "Request" } td.request { (record.event.method) " " (record.event.uri) } }
                    tr { th scope="row" { "Received" } td { (view::time(record.event.received_at)) " UTC" } }
                    @if state == EventState::Queued {
                        tr { th scope="row" { "Due" } td { (view::time(record.run_at)) " UTC" } }
                    }
                    @if let Some(finished) = record.finished_at {
                        tr { th scope="row" { "Finished" } td { (view::time(finished)) " UTC" } }
                    }
                    tr { th scope="row" { "Attempts" } td { (record.attempts) } }
                    tr { th scope="row" { "Idempotency key" } td { (record.event.idempotency_key.as_deref().unwrap_or("—")) } }
                    tr { th scope="row" { "Delivery id" } td {
                        @match &delivery {
                            Some((header, value)) => { (value) " " span.muted { "(" (header) ")" } }
                            None => { "—" }
                        }
                    } }
                    @if let Some(owner) = &record.lease_owner {
                        tr { th scope="row" { "Held by" } td { (owner) } }
                    }
                    @if let Some(error) = &record.last_error {
                        tr { th scope="row" { "Last error" } td.error { pre { (error) } } }
                    }
                }
            }
        }
        @if !page.read_only {
            section.actions aria-label="Actions" {
                @if matches!(state, EventState::Done | EventState::Dead) {
                    (action_form(&page, &format!("{here}/replay"), "Replay", &format!("Queue event {id} again?"), false))
                }
                @if matches!(state, EventState::Queued | EventState::Running) {
                    (action_form(&page, &format!("{here}/dead-letter"), "Dead-letter now", &format!("Dead-letter event {id} now? A running attempt is stopped."), true))
                }
                @if state != EventState::Running {
                    (action_form(&page, &format!("{here}/purge"), "Purge", &format!("Delete event {id} and its history for good?"), true))
                }
            }
        }
        h2 { "Attempts" }
        @if history.is_empty() {
            p.empty { "No attempt ended yet." }
        } @else {
            div.scroll {
                table.attempts {
                    thead { tr {
                        th.num scope="col" { "#" }
                        th scope="col" { "Started (UTC)" }
                        th.num scope="col" { "Duration" }
                        th scope="col" { "Outcome" }
                        th scope="col" { "Replica" }
                        th scope="col" { "Error" }
                    } }
                    tbody {
                        @for attempt in &history {
                            tr {
                                td.num { (attempt.attempt) }
                                td { (view::time(attempt.started_at)) }
                                td.num { (view::duration(attempt.finished_at - attempt.started_at)) }
                                td { span class=(format!("badge {}", attempt.end.as_str())) { (attempt.end.as_str()) } }
                                td { (attempt.worker) }
                                td.error { (attempt.error.as_deref().unwrap_or("")) }
                            }
                        }
                    }
                }
            }
        }
        h2 { "Headers" }
        div.scroll {
            table.headers {
                tbody {
                    @for (name, value, secret) in view::shown_headers(&record.event.headers) {
                        tr {
                            th scope="row" { (name) }
                            td class=[secret.then_some("masked")] { (value) }
                        }
                    }
                }
            }
        }
        h2 { "Body " span.muted { "(" (record.event.body.len()) " bytes)" } }
        nav.views aria-label="Body views" {
            @for body_view in BodyView::ALL {
                @if body_view == chosen {
                    strong aria-current="true" { (body_view.as_str()) }
                } @else {
                    a href=(format!("{here}?view={}", body_view.as_str())) { (body_view.as_str()) }
                }
            }
            a href=(format!("{here}/body")) download { "download" }
        }
        @match shown {
            Some(text) => {
                pre.body { code { (text) } }
                @if record.event.body.len() > view::SHOWN_BODY && chosen != BodyView::Json {
                    p.muted { "The first " (view::SHOWN_BODY / 1024) " KiB are shown; download the body for the rest." }
                }
            }
            None => { p.empty { "The body is not " (chosen.as_str()) "." } }
        }
        h2 { "Copy as curl" }
        p.muted { "Sends the request again, to this server; signatures and credentials are left out." }
        pre.curl #curl { code { (view::curl_command(&record, &origin)) } }
        button type="button" data-copy="curl" hidden { "Copy" }
    };
    Ok(layout(
        &page,
        &format!("Event {id}"),
        query.notice.message(),
        main,
    ))
}

/// The server as the browser reached it (`http(s)://host`), for the curl command.
fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
        .unwrap_or("localhost");
    let https = headers
        .get("x-forwarded-proto")
        .is_some_and(|proto| proto.as_bytes().eq_ignore_ascii_case(b"https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

/// `GET /inbox/events/{id}/body`: the body as stored, as a download (never shown inline).
pub(crate) async fn body(
    State(ui): State<Arc<Ui>>,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let record = ui.store.show(id).await?.ok_or(PageError::NotFound(id))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"event-{id}.body\""),
            ),
        ],
        record.event.body,
    )
        .into_response())
}

/// `GET /inbox/dead`: the dead letters, newest first, to replay or purge.
pub(crate) async fn dead(
    State(ui): State<Arc<Ui>>,
    Extension(page): Extension<PageContext>,
    Query(query): Query<ListQuery>,
) -> Result<Markup, PageError> {
    let (mut filter, before) = query.read()?;
    filter.state = Some(EventState::Dead);
    let events = ui.store.events(&filter, before, PAGE_SIZE).await?;
    let base = &page.base;
    let main = html! {
        @if !page.read_only && !events.is_empty() {
            form #selection method="post" action=(format!("{base}/dead/replay"))
                data-confirm="Replay the selected dead letters?" {
                input type="hidden" name="csrf" value=(page.csrf);
                button type="submit" { "Replay selected" }
                button type="submit" class="danger" formaction=(format!("{base}/dead/purge"))
                    data-confirm="Delete the selected dead letters for good?" { "Purge selected" }
            }
            section.actions aria-label="Every dead letter" {
                (action_form(&page, &format!("{base}/dead/replay-all"), "Replay all", "Queue every dead letter again?", false))
                (action_form(&page, &format!("{base}/dead/purge-all"), "Purge all", "Delete every dead letter and its history for good?", true))
            }
        }
        (event_table(base, &events, (!page.read_only).then_some("selection")))
        (pager(&events, before, |before| match before {
            Some(id) => format!("{base}/dead?before={id}"),
            None => format!("{base}/dead"),
        }))
    };
    Ok(layout(&page, "Dead letters", query.notice(), main))
}
