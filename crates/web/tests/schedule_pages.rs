//! The schedule's pages in process, on SQLite and PostgreSQL: the day and week views put each
//! appointment in its column and row on the location's clock, open time books through the
//! form, and an appointment's page arrives, completes, marks no-shows, cancels and moves it,
//! refusing what the rules forbid with a message beside the form and nothing written.
//!
//! "Now" is Thursday 3 December 2026, 10:00 in Toronto.

mod support;

use axum::http::{Method, StatusCode};
use knead_app::App;
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call, clock, first_clinic, second_clinic};
use support::pages::{Browser, element_with_id, message_beside, text_of};

const OWNER_EMAIL: &str = "owner@harbour.example";
const OWNER_PASSWORD: &str = "a long enough password";

/// A Toronto clinic: Léa works weekdays 09:00-12:00 and 13:00-17:00, Marc works Thursdays
/// 12:00-18:00; a 60-minute massage both give; two patients; the owner signed in.
struct Desk {
    clinic: Clinic,
    browser: Browser,
    location: String,
    lea: String,
    marc: String,
    massage: String,
    zoe: String,
    omar: String,
}

async fn id_of(clinic: &Clinic, path: &str, body: Value) -> String {
    let (status, created) = call(clinic, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn hours(clinic: &Clinic, who: &str, location: &str, days: &[&str], spans: &[(&str, &str)]) {
    let blocks: Vec<Value> = days
        .iter()
        .flat_map(|d| {
            spans
                .iter()
                .map(move |(start, end)| json!({"weekday": d, "start": start, "end": end}))
        })
        .collect();
    let path = format!("/api/v1/practitioners/{who}/hours/{location}");
    let (status, body) = call(clinic, Method::PUT, &path, Some(json!({"blocks": blocks}))).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A browser signed in as `email`.
async fn signed_in(app: &App, email: &str, password: &str) -> Browser {
    let mut browser = Browser::new(app);
    browser.get("/login").await;
    let reply = browser
        .post("/login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    browser
}

async fn desk_in(db: &TestDb, zone: &str, province: &str) -> Desk {
    let clinic = first_clinic(db, clock()).await;
    let place = json!({"name": "Annex", "province": province, "time_zone": zone});
    let location = id_of(&clinic, "/api/v1/locations", place).await;
    let lea = json!({"name": "Léa Tremblay", "location_ids": [location]});
    let lea = id_of(&clinic, "/api/v1/practitioners", lea).await;
    let marc = json!({"name": "Marc Dubois", "location_ids": [location]});
    let marc = id_of(&clinic, "/api/v1/practitioners", marc).await;
    let massage = json!({"name": "Massage 60", "duration_minutes": 60, "price": "120"});
    let massage = id_of(&clinic, "/api/v1/services", massage).await;
    let zoe = json!({"legal_first_name": "Zoé", "legal_last_name": "Côté"});
    let zoe = id_of(&clinic, "/api/v1/patients", zoe).await;
    let omar = json!({"legal_first_name": "Omar", "legal_last_name": "Haddad"});
    let omar = id_of(&clinic, "/api/v1/patients", omar).await;
    let weekdays = ["mon", "tue", "wed", "thu", "fri"];
    hours(
        &clinic,
        &lea,
        &location,
        &weekdays,
        &[("09:00", "12:00"), ("13:00", "17:00")],
    )
    .await;
    hours(&clinic, &marc, &location, &["thu"], &[("12:00", "18:00")]).await;
    let browser = signed_in(&clinic.app, OWNER_EMAIL, OWNER_PASSWORD).await;
    Desk {
        clinic,
        browser,
        location,
        lea,
        marc,
        massage,
        zoe,
        omar,
    }
}

async fn desk(db: &TestDb) -> Desk {
    desk_in(db, "America/Toronto", "ON").await
}

impl Desk {
    /// Books through the API and returns the appointment's id.
    async fn book(&self, who: &str, patient: &str, start: &str) -> String {
        self.book_with(who, patient, start, json!({})).await
    }

    async fn book_with(&self, who: &str, patient: &str, start: &str, extra: Value) -> String {
        let mut body = json!({
            "patient_id": patient, "practitioner_id": who, "service_id": self.massage,
            "location_id": self.location, "start": start
        });
        for (key, value) in extra.as_object().unwrap() {
            body[key] = value.clone();
        }
        id_of(&self.clinic, "/api/v1/appointments", body).await
    }

    async fn appointment(&self, id: &str) -> Value {
        let path = format!("/api/v1/appointments/{id}");
        let (status, body) = call(&self.clinic, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// How many changes the clinic's audit trail records: a refusal must not add one.
    async fn events(&self) -> usize {
        let mut conn = self.clinic.app.store().read().await.unwrap();
        let clinic = knead_store::clinics::list(&mut conn).await.unwrap()[0]
            .id
            .clone();
        // Reads (a list of patients shown again with the refused form) are recorded too;
        // only changes are counted here.
        knead_store::audit::list(&mut conn, &clinic, None, 10_000)
            .await
            .unwrap()
            .iter()
            .filter(|e| !e.action.ends_with(".listed") && !e.action.ends_with(".viewed"))
            .count()
    }

    fn day(&self, date: &str) -> String {
        format!("/schedule?location={}&date={date}", self.location)
    }

    fn page(id: &str) -> String {
        format!("/schedule/appointments/{id}")
    }

    /// Opens the appointment's page (for its forms' CSRF token) and posts `fields` to
    /// its `action`.
    async fn act(
        &mut self,
        id: &str,
        action: &str,
        fields: &[(&str, &str)],
    ) -> support::pages::Reply {
        self.browser.get(&Desk::page(id)).await;
        let path = format!("{}/{action}", Desk::page(id));
        self.browser.post(&path, fields).await
    }
}

/// The schedule grid as (row time, column head, cell text), a cell spanning rows listed at
/// its first row only.
struct Cells {
    heads: Vec<String>,
    cells: Vec<(String, String, String)>,
}

impl Cells {
    fn of(html: &str) -> Cells {
        let table = between(html, "<table class=\"schedule", "</table>");
        let head = between(table, "<thead>", "</thead>");
        let heads: Vec<String> = head
            .split("class=\"head-title\">")
            .skip(1)
            .map(|h| text_of(h.split("<a class=\"head-link\"").next().unwrap()))
            .collect();
        let body = between(table, "<tbody>", "</tbody>");
        let mut carry = vec![0usize; heads.len()];
        let mut cells = Vec::new();
        for row in body.split("<tr").skip(1) {
            let label = text_of(between(row, "class=\"time-label\">", "</span>"));
            let mut column = 0;
            for cell in row.split("<td").skip(1) {
                while column < heads.len() && carry[column] > 0 {
                    column += 1;
                }
                let open_tag = &cell[..cell.find('>').unwrap()];
                let rows = open_tag
                    .split("rowspan=\"")
                    .nth(1)
                    .map_or(1, |r| r.split('"').next().unwrap().parse().unwrap());
                let text = text_of(&format!("<td{}", cell.split("</td>").next().unwrap()));
                cells.push((label.clone(), heads[column].clone(), text));
                carry[column] = rows;
                column += 1;
            }
            for left in &mut carry {
                *left = left.saturating_sub(1);
            }
        }
        Cells { heads, cells }
    }

    /// The text of the cell starting at `time` in column `head`.
    fn at(&self, time: &str, head: &str) -> &str {
        self.cells
            .iter()
            .find(|(t, h, _)| t == time && h.starts_with(head))
            .map(|(_, _, text)| text.as_str())
            .unwrap_or_else(|| panic!("no cell at {time} under {head}"))
    }

    /// Where the cell mentioning `text` is: its row time and column head.
    fn find(&self, text: &str) -> Vec<(&str, &str)> {
        self.cells
            .iter()
            .filter(|(_, _, t)| t.contains(text))
            .map(|(time, head, _)| (time.as_str(), head.as_str()))
            .collect()
    }
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start}")) + start.len();
    let to = html[from..].find(end).unwrap_or_else(|| panic!("no {end}")) + from;
    &html[from..to]
}

/// The link target of the open cell labelled `label`.
fn slot_href(html: &str, label: &str) -> String {
    let marker = format!("<span class=\"visually-hidden\">{label}</span>");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no open slot '{label}'"));
    let start = html[..at].rfind("href=\"").unwrap() + 6;
    html[start..]
        .split('"')
        .next()
        .unwrap()
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

async fn the_day_view_puts_each_appointment_in_its_practitioners_column_and_row(db: TestDb) {
    let mut d = desk(&db).await;
    d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    d.book(&d.marc, &d.omar, "2026-12-03T14:00").await;
    d.book(&d.lea, &d.omar, "2026-12-04T10:30").await;

    let day = d.browser.get(&d.day("2026-12-03")).await;

    assert_eq!(day.status, StatusCode::OK);
    let grid = Cells::of(&day.body);
    assert_eq!(grid.heads, ["Léa Tremblay", "Marc Dubois"]);
    assert_eq!(grid.find("Zoé Côté"), [("10:30", "Léa Tremblay")]);
    assert_eq!(grid.find("Omar Haddad"), [("14:00", "Marc Dubois")]);
    assert!(grid.at("10:30", "Léa").contains("10:30–11:30"));
    assert!(grid.at("10:30", "Léa").contains("Booked"));
    assert!(grid.at("12:00", "Léa").contains("Break"));
    assert!(
        grid.at("09:00", "Léa")
            .contains("Book Léa Tremblay at 09:00")
    );
    assert_eq!(
        grid.at("09:00", "Marc"),
        "",
        "Marc does not work before noon"
    );
    assert!(text_of(&day.body).contains("Times are in America/Toronto (Eastern)."));
}

async fn times_are_shown_on_the_locations_clock_with_its_zone_named(db: TestDb) {
    let mut d = desk_in(&db, "America/Vancouver", "BC").await;
    d.book(&d.lea, &d.zoe, "2026-12-03T21:00:00Z").await;

    let day = d.browser.get(&d.day("2026-12-03")).await;

    let grid = Cells::of(&day.body);
    assert_eq!(grid.find("Zoé Côté")[0].0, "13:00");
    assert!(grid.at("13:00", "Léa").contains("13:00–14:00"));
    assert!(text_of(&day.body).contains("Times are in America/Vancouver (Pacific)."));
}

async fn the_day_view_marks_now_and_flags_a_started_appointment_nobody_arrived_for(db: TestDb) {
    let mut d = desk(&db).await;
    let reason = json!({"override_reason": "booked by phone after the fact"});
    d.book_with(&d.lea, &d.zoe, "2026-12-03T09:00", reason)
        .await;
    d.book(&d.lea, &d.omar, "2026-12-03T11:00").await;

    let today = d.browser.get(&d.day("2026-12-03")).await;
    let tomorrow = d.browser.get(&d.day("2026-12-04")).await;

    let grid = Cells::of(&today.body);
    assert!(grid.at("09:00", "Léa").contains("Not arrived"));
    assert!(!grid.at("11:00", "Léa").contains("Not arrived"));
    let now_row = between(&today.body, "id=\"now\"", "</th>");
    assert!(text_of(now_row).contains("10:00 Now 10:00"), "{now_row}");
    assert!(!tomorrow.body.contains("id=\"now\""));
}

async fn time_off_is_labelled_and_a_holiday_is_a_banner(db: TestDb) {
    let mut d = desk(&db).await;
    let off = json!({"practitioner_id": d.marc, "kind": "time_off",
        "start": "2026-12-03T15:00", "end": "2026-12-03T18:00", "reason": "course"});
    id_of(&d.clinic, "/api/v1/schedule-exceptions", off).await;

    let thursday = d.browser.get(&d.day("2026-12-03")).await;
    let christmas = d.browser.get(&d.day("2026-12-25")).await;

    let grid = Cells::of(&thursday.body);
    assert_eq!(grid.at("15:00", "Marc"), "Time off: course");
    assert!(grid.at("14:45", "Marc").starts_with("Book Marc Dubois"));
    let banner = text_of(between(&christmas.body, "class=\"closed-banner\"", "</p>"));
    assert!(
        banner.contains("Closed for Christmas Day (holiday in ON)."),
        "{banner}"
    );
    let closed = Cells::of(&christmas.body);
    assert_eq!(closed.at("08:00", "Léa"), "Holiday: Christmas Day");
    assert_eq!(
        closed.find("Holiday").len(),
        2,
        "one labelled block per column"
    );
}

async fn the_week_view_shows_one_practitioners_days_monday_first(db: TestDb) {
    let mut d = desk(&db).await;
    let past = json!({"override_reason": "entered afterwards"});
    d.book_with(&d.lea, &d.zoe, "2026-12-01T09:30", past).await;
    d.book(&d.lea, &d.omar, "2026-12-03T14:00").await;
    d.book(&d.marc, &d.zoe, "2026-12-03T12:00").await;
    d.book(&d.lea, &d.zoe, "2026-12-07T09:00").await;
    let path = format!(
        "/schedule/week?location={}&practitioner={}&date=2026-12-03",
        d.location, d.lea
    );

    let week = d.browser.get(&path).await;

    assert_eq!(week.status, StatusCode::OK);
    let grid = Cells::of(&week.body);
    let days = [
        "Mon 30 Nov",
        "Tue 1 Dec",
        "Wed 2 Dec",
        "Thu 3 Dec Today",
        "Fri 4 Dec",
        "Sat 5 Dec",
        "Sun 6 Dec",
    ];
    assert_eq!(grid.heads, days);
    assert_eq!(grid.find("Zoé Côté"), [("09:30", "Tue 1 Dec")]);
    assert_eq!(grid.find("Omar Haddad"), [("14:00", "Thu 3 Dec Today")]);
    assert!(
        grid.at("09:00", "Sat 5 Dec").is_empty(),
        "Léa is off on Saturdays"
    );
}

async fn an_open_time_leads_to_the_booking_form_filled_in_and_books(db: TestDb) {
    let mut d = desk(&db).await;
    let day = d.browser.get(&d.day("2026-12-03")).await;
    let href = slot_href(&day.body, "Book Léa Tremblay at 15:00");

    let form = d.browser.get(&href).await;
    let booked = d
        .browser
        .post(
            "/schedule/book",
            &[
                ("location_id", &d.location),
                ("patient_id", &d.zoe),
                ("practitioner_id", &d.lea),
                ("service_id", &d.massage),
                ("start", "2026-12-03T15:00"),
                ("mode", "single"),
            ],
        )
        .await;
    let after = d.browser.get(booked.location()).await;

    assert!(
        form.body.contains("value=\"2026-12-03T15:00\""),
        "start not filled in"
    );
    let chosen = format!("<option value=\"{}\" selected>Léa Tremblay</option>", d.lea);
    assert!(form.body.contains(&chosen), "practitioner not chosen");
    assert!(
        form.body
            .contains(&format!("name=\"location_id\" value=\"{}\"", d.location))
    );
    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
    assert!(text_of(&after.body).contains("Appointment booked."));
    assert_eq!(Cells::of(&after.body).find("Zoé Côté")[0].0, "15:00");
}

/// How many patients the clinic has whose name matches `query`.
async fn patients_named(d: &Desk, query: &str) -> usize {
    let path = format!("/api/v1/patients?q={query}");
    let (status, body) = call(&d.clinic, Method::GET, &path, None).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["items"].as_array().unwrap().len()
}

async fn a_new_patient_typed_at_the_desk_is_booked_in_one_go(db: TestDb) {
    let mut d = desk(&db).await;
    let new = [
        ("location_id", d.location.as_str()),
        ("patient_id", "new"),
        ("legal_first_name", "Inès"),
        ("legal_last_name", "Bouchard"),
        ("practitioner_id", d.lea.as_str()),
        ("service_id", d.massage.as_str()),
        ("start", "2026-12-03T15:00"),
        ("mode", "single"),
    ];

    d.browser.get("/schedule/book").await;
    let booked = d.browser.post("/schedule/book", &new).await;
    let after = d.browser.get(booked.location()).await;

    assert_eq!(booked.status, StatusCode::SEE_OTHER, "{}", booked.body);
    assert_eq!(Cells::of(&after.body).find("Inès Bouchard")[0].0, "15:00");
    assert_eq!(patients_named(&d, "bouchard").await, 1);
}

async fn a_refused_booking_for_a_new_patient_writes_no_patient(db: TestDb) {
    let mut d = desk(&db).await;
    d.book(&d.lea, &d.zoe, "2026-12-03T15:00:00-05:00").await;
    let events = d.events().await;
    let base = [
        ("location_id", d.location.as_str()),
        ("patient_id", "new"),
        ("legal_first_name", "Inès"),
        ("legal_last_name", "Bouchard"),
        ("practitioner_id", d.lea.as_str()),
        ("mode", "single"),
    ];
    let no_service = [&base[..], &[("start", "2026-12-03T16:00")]].concat();
    let taken = [
        &base[..],
        &[
            ("service_id", d.massage.as_str()),
            ("start", "2026-12-03T15:00"),
        ],
    ]
    .concat();
    let preview = [
        &base[..],
        &[
            ("service_id", d.massage.as_str()),
            ("start", "2026-12-03T16:00"),
            ("count", "3"),
            ("mode", "preview"),
        ],
    ]
    .concat();

    d.browser.get("/schedule/book").await;
    let missing = d.browser.post("/schedule/book", &no_service).await;
    let conflict = d.browser.post("/schedule/book", &taken).await;
    let previewed = d.browser.post("/schedule/book", &preview).await;

    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(previewed.status, StatusCode::OK, "{}", previewed.body);
    let plan = text_of(&previewed.body);
    assert!(
        plan.contains("Thu 10 Dec 16:00–17:00"),
        "dates in words: {plan}"
    );
    assert!(text_of(&conflict.body).contains("That time is taken"));
    assert!(
        conflict.body.contains("value=\"Bouchard\""),
        "typed name kept"
    );
    assert_eq!(patients_named(&d, "bouchard").await, 0);
    assert_eq!(d.events().await, events);
}

async fn a_booking_on_a_missing_day_or_hour_is_refused_in_words_beside_the_start(db: TestDb) {
    let mut d = desk(&db).await;
    let events = d.events().await;
    let base = [
        ("location_id", d.location.as_str()),
        ("patient_id", d.zoe.as_str()),
        ("practitioner_id", d.lea.as_str()),
        ("service_id", d.massage.as_str()),
        ("mode", "single"),
    ];
    let no_day = [&base[..], &[("start", "2026-02-30T10:00")]].concat();
    let no_hour = [&base[..], &[("start", "2026-12-03T25:00")]].concat();

    d.browser.get("/schedule/book").await;
    let day = d.browser.post("/schedule/book", &no_day).await;
    let hour = d.browser.post("/schedule/book", &no_hour).await;

    assert_eq!(day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&day.body, "field-start"),
        "Error: 30 February 2026 is not a date on the calendar"
    );
    assert_eq!(hour.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&hour.body, "field-start"),
        "Error: '25:00' is not a time of day; use HH:MM, such as 09:30"
    );
    assert!(
        hour.body.contains("value=\"2026-12-03T25:00\""),
        "what was typed is kept"
    );
    assert_eq!(
        d.events().await,
        events,
        "a refused booking wrote to the audit trail"
    );
}

async fn the_appointment_page_says_who_what_where_and_when(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d
        .book_with(
            &d.lea,
            &d.zoe,
            "2026-12-04T13:00",
            json!({"note": "prefers low pressure"}),
        )
        .await;

    let page = d.browser.get(&Desk::page(&id)).await;

    assert_eq!(page.status, StatusCode::OK);
    let text = text_of(&page.body);
    for expected in [
        "When Friday 4 December 2026, 13:00–14:00 Times are in America/Toronto (Eastern).",
        "Patient Zoé Côté",
        "Practitioner Léa Tremblay",
        "Service Massage 60",
        "Location Annex",
        "Room No room",
        "Status Booked",
        "Source Booked through the API",
        "Booking rules Version 0",
        "Note prefers low pressure",
        "Booked for Fri 4 Dec 2026 13:00",
    ] {
        assert!(text.contains(expected), "missing '{expected}' in {text}");
    }
    assert!(page.body.contains(&format!("href=\"/patients/{}\"", d.zoe)));
    assert!(page.body.contains("status-tag status-booked"));
}

async fn arrive_un_arrive_and_complete_move_the_status_and_are_recorded(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;

    let arrived = d.act(&id, "status", &[("status", "arrived")]).await;
    let page = d.browser.get(arrived.location()).await;
    let back = d.act(&id, "status", &[("status", "booked")]).await;
    d.act(&id, "status", &[("status", "arrived")]).await;
    d.act(&id, "status", &[("status", "completed")]).await;
    let done = d.browser.get(&Desk::page(&id)).await;

    assert_eq!(
        arrived.location(),
        format!("{}?done=arrived", Desk::page(&id))
    );
    assert!(text_of(&page.body).contains("Marked arrived."));
    assert!(page.body.contains(">Un-arrive (back to booked)</button>"));
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(d.appointment(&id).await["status"], "completed");
    let text = text_of(&done.body);
    assert!(text.contains("Status changed from Booked to Arrived"));
    assert!(text.contains("Status changed from Arrived to Booked"));
    assert!(text.contains("Status changed from Arrived to Completed"));
    assert!(text.contains("Thu 3 Dec 2026, 10:00 · Maude Ouellet"));
    assert!(
        !done.body.contains("name=\"status\""),
        "a completed appointment offers no status"
    );
}

async fn a_no_show_is_marked_once_started_and_refused_before(db: TestDb) {
    let mut d = desk(&db).await;
    let reason = json!({"override_reason": "entered late"});
    let started = d
        .book_with(&d.lea, &d.zoe, "2026-12-03T09:00", reason)
        .await;
    let later = d.book(&d.lea, &d.omar, "2026-12-03T14:00").await;
    let events = d.events().await;

    let early = d.act(&later, "status", &[("status", "no_show")]).await;
    let written = d.events().await;
    let marked = d.act(&started, "status", &[("status", "no_show")]).await;

    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    let notice = text_of(between(&early.body, "id=\"status-error\">", "</p>"));
    assert_eq!(
        notice,
        "An appointment cannot be a no-show before it starts. Nothing was changed."
    );
    assert_eq!(d.appointment(&later).await["status"], "booked");
    assert_eq!(written, events, "a refusal wrote to the audit trail");
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert_eq!(d.appointment(&started).await["status"], "no_show");
}

async fn a_status_the_rules_do_not_allow_is_refused_in_words(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    d.act(&id, "status", &[("status", "arrived")]).await;
    d.act(&id, "status", &[("status", "completed")]).await;

    let refused = d.act(&id, "status", &[("status", "booked")]).await;

    assert_eq!(refused.status, StatusCode::CONFLICT);
    let notice = text_of(between(&refused.body, "id=\"status-error\">", "</p>"));
    assert_eq!(
        notice,
        "This appointment's status is Completed; it cannot become Booked. Nothing was changed."
    );
    assert_eq!(d.appointment(&id).await["status"], "completed");
}

async fn the_page_says_before_cancelling_whether_it_will_be_late(db: TestDb) {
    let mut d = desk(&db).await;
    let today = d.book(&d.lea, &d.zoe, "2026-12-03T14:00").await;
    let next_week = d.book(&d.lea, &d.omar, "2026-12-08T14:00").await;

    let soon = d.browser.get(&Desk::page(&today)).await;
    let later = d.browser.get(&Desk::page(&next_week)).await;

    let soon = text_of(between(&soon.body, "id=\"cancel-terms\">", "</p>"));
    let later = text_of(between(&later.body, "id=\"cancel-terms\">", "</p>"));
    assert!(soon.starts_with("If the patient cancels now, it counts as a late cancellation"));
    assert!(soon.contains("less than 1 day before the start"), "{soon}");
    assert!(soon.ends_with("A cancellation by the clinic is never late."));
    assert!(later.starts_with("Cancelling now is not late"), "{later}");
}

async fn a_cancellation_is_late_inside_the_window_unless_the_clinic_cancels(db: TestDb) {
    let mut d = desk(&db).await;
    let by_patient = d.book(&d.lea, &d.zoe, "2026-12-03T14:00").await;
    let by_clinic = d.book(&d.lea, &d.omar, "2026-12-03T15:00").await;
    let in_time = d.book(&d.lea, &d.zoe, "2026-12-08T14:00").await;

    let late = d
        .act(&by_patient, "cancel", &[("reason", "called in sick")])
        .await;
    let page = d.browser.get(late.location()).await;
    let ours = [("reason", "therapist ill"), ("by_clinic", "true")];
    d.act(&by_clinic, "cancel", &ours).await;
    d.act(&in_time, "cancel", &[("reason", "travelling")]).await;
    let day = d.browser.get(&d.day("2026-12-03")).await;

    assert_eq!(
        late.location(),
        format!("{}?done=late_cancelled", Desk::page(&by_patient))
    );
    let text = text_of(&page.body);
    assert!(text.contains("It counts as a late cancellation"));
    assert!(text.contains("Cancellation reason called in sick"));
    assert!(text.contains("Cancelled late, by the patient"));
    assert_eq!(d.appointment(&by_patient).await["status"], "late_cancelled");
    assert_eq!(d.appointment(&by_clinic).await["status"], "cancelled");
    assert_eq!(d.appointment(&in_time).await["status"], "cancelled");
    let grid = Cells::of(&day.body);
    assert!(
        grid.at("14:00", "Léa").starts_with("Book Léa"),
        "a cancelled time is free again"
    );
    let freed = text_of(between(&day.body, "class=\"freed\"", "</section>"));
    assert!(freed.contains("Late cancellation"), "{freed}");
}

async fn a_cancellation_needs_a_reason_and_writes_nothing_without_one(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-08T14:00").await;
    let events = d.events().await;

    let refused = d.act(&id, "cancel", &[("reason", "  ")]).await;

    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&refused.body, "cancel-reason"),
        "Error: Reason is required"
    );
    assert!(refused.body.contains("<details class=\"action\" open>"));
    assert_eq!(d.appointment(&id).await["status"], "booked");
    assert_eq!(d.events().await, events);
}

async fn moving_an_appointment_changes_its_time_and_practitioner_and_records_why(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    let marc = d.marc.clone();

    let moved = d
        .act(
            &id,
            "move",
            &[
                ("date", "2026-12-03"),
                ("time", "16:00"),
                ("practitioner_id", &marc),
                ("reason", "patient asked for later"),
            ],
        )
        .await;
    let page = d.browser.get(moved.location()).await;

    assert_eq!(moved.location(), format!("{}?done=moved", Desk::page(&id)));
    let after = d.appointment(&id).await;
    assert_eq!(after["start"], "2026-12-03T16:00:00-05:00");
    assert_eq!(after["practitioner_id"], marc.as_str());
    let text = text_of(&page.body);
    assert!(text.contains("Appointment moved."));
    assert!(text.contains("Practitioner Marc Dubois"));
    assert!(text.contains(
        "Moved from Thu 3 Dec 2026 10:30 to Thu 3 Dec 2026 16:00, and from Léa Tremblay to \
         Marc Dubois"
    ));
    assert!(text.contains("Reason: patient asked for later"));
}

async fn a_move_the_rules_refuse_is_explained_beside_the_field_and_changes_nothing(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    d.book(&d.lea, &d.omar, "2026-12-03T15:00").await;
    let events = d.events().await;
    let lea = d.lea.clone();
    let at = |time: &'static str| [("date", "2026-12-03"), ("time", time)];

    let taken = d.act(&id, "move", &at("15:30")).await;
    let closed = d.act(&id, "move", &at("19:00")).await;
    let blank = d.act(&id, "move", &[("date", ""), ("time", "11:00")]).await;
    let gap_date = [
        ("date", "2026-12-03"),
        ("time", "12:30"),
        ("practitioner_id", &lea),
    ];
    let at_lunch = d.act(&id, "move", &gap_date).await;

    assert_eq!(taken.status, StatusCode::CONFLICT);
    assert_eq!(
        message_beside(&taken.body, "move-time"),
        "Error: New time overlaps another appointment or the time kept free around it; choose another time"
    );
    assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        message_beside(&closed.body, "move-time")
            .contains("is outside Léa Tremblay's hours; give an override reason")
    );
    assert_eq!(
        message_beside(&blank.body, "move-date"),
        "Error: New date is required"
    );
    assert_eq!(at_lunch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        taken.body.contains("value=\"15:30\""),
        "what was typed is kept"
    );
    assert_eq!(
        d.appointment(&id).await["start"],
        "2026-12-03T10:30:00-05:00"
    );
    assert_eq!(
        d.events().await,
        events,
        "a refused move wrote to the audit trail"
    );
}

async fn a_move_to_a_missing_day_or_hour_is_refused_in_words_beside_its_field(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    let events = d.events().await;

    let day = d
        .act(&id, "move", &[("date", "2026-02-30"), ("time", "10:00")])
        .await;
    let hour = d
        .act(&id, "move", &[("date", "2026-12-08"), ("time", "25:00")])
        .await;

    assert_eq!(day.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&day.body, "move-date"),
        "Error: 30 February 2026 is not a date on the calendar"
    );
    assert_eq!(hour.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message_beside(&hour.body, "move-time"),
        "Error: '25:00' is not a time of day; use HH:MM, such as 09:30"
    );
    assert!(
        !element_with_id(&hour.body, "move-date")
            .unwrap()
            .contains("aria-invalid"),
        "the good date is not blamed"
    );
    assert_eq!(
        d.appointment(&id).await["start"],
        "2026-12-03T10:30:00-05:00"
    );
    assert_eq!(
        d.events().await,
        events,
        "a refused move wrote to the audit trail"
    );
}

async fn staff_may_move_outside_hours_with_a_reason(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T10:30").await;
    let fields = [
        ("date", "2026-12-03"),
        ("time", "19:00"),
        ("override_reason", "evening favour"),
    ];

    let moved = d.act(&id, "move", &fields).await;
    let page = d.browser.get(&Desk::page(&id)).await;

    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);
    assert_eq!(
        d.appointment(&id).await["start"],
        "2026-12-03T19:00:00-05:00"
    );
    assert!(text_of(&page.body).contains("Booked outside the usual rules: evening favour"));
}

async fn a_cancelled_appointment_cannot_be_moved_or_cancelled_again(db: TestDb) {
    let mut d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-08T14:00").await;
    d.act(&id, "cancel", &[("reason", "moving away")]).await;
    let page = d.browser.get(&Desk::page(&id)).await;
    let events = d.events().await;

    let moved = d
        .act(&id, "move", &[("date", "2026-12-09"), ("time", "10:00")])
        .await;
    let again = d.act(&id, "cancel", &[("reason", "twice")]).await;

    assert!(
        !page.body.contains("Move…"),
        "a cancelled appointment offers no move"
    );
    assert!(!page.body.contains("Cancel…"));
    assert_eq!(moved.status, StatusCode::CONFLICT);
    assert!(
        text_of(&moved.body)
            .contains("This appointment's status is Cancelled, so it can no longer be moved")
    );
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(text_of(&again.body).contains("so it can no longer be cancelled"));
    assert_eq!(
        d.appointment(&id).await["start"],
        "2026-12-08T14:00:00-05:00"
    );
    assert_eq!(d.events().await, events);
}

async fn a_late_move_keeps_the_original_as_a_late_cancellation(db: TestDb) {
    let mut d = desk(&db).await;
    let rules = json!({"minimum_notice_minutes": 0, "horizon_days": 60,
        "late_cancel_window_minutes": 1440, "reschedule_inside_window_is_late": true});
    call(
        &d.clinic,
        Method::PUT,
        "/api/v1/booking-policy",
        Some(rules),
    )
    .await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-03T14:00").await;

    let before = d.browser.get(&Desk::page(&id)).await;
    let moved = d
        .act(&id, "move", &[("date", "2026-12-04"), ("time", "10:00")])
        .await;
    let new_page = d.browser.get(moved.location()).await;
    let old_page = d.browser.get(&Desk::page(&id)).await;

    assert!(text_of(&before.body).contains("Moving it now counts as a late cancellation"));
    let new_id = moved
        .location()
        .split(['/', '?'])
        .nth(3)
        .unwrap()
        .to_owned();
    assert_ne!(new_id, id);
    assert!(moved.location().ends_with("?done=moved_late"));
    assert_eq!(d.appointment(&id).await["status"], "late_cancelled");
    assert!(text_of(&new_page.body).contains("Booked for Fri 4 Dec 2026 10:00 The original"));
    assert!(
        new_page
            .body
            .contains(&format!("href=\"{}\"", Desk::page(&id)))
    );
    assert!(
        old_page
            .body
            .contains(&format!("href=\"{}\"", Desk::page(&new_id)))
    );
}

async fn another_clinics_appointment_is_not_found(db: TestDb) {
    let d = desk(&db).await;
    let id = d.book(&d.lea, &d.zoe, "2026-12-08T14:00").await;
    let other = second_clinic(&d.clinic).await;
    let mut stranger = signed_in(
        &other.app,
        "owner@westside.example",
        "another long password",
    )
    .await;
    stranger.get("/schedule").await;

    let read = stranger.get(&Desk::page(&id)).await;
    let cancel = format!("{}/cancel", Desk::page(&id));
    let cancelled = stranger.post(&cancel, &[("reason", "mischief")]).await;

    assert_eq!(read.status, StatusCode::NOT_FOUND);
    assert_eq!(cancelled.status, StatusCode::NOT_FOUND);
    assert_eq!(d.appointment(&id).await["status"], "booked");
}

on_both_backends!(
    a_new_patient_typed_at_the_desk_is_booked_in_one_go,
    a_refused_booking_for_a_new_patient_writes_no_patient,
    the_day_view_puts_each_appointment_in_its_practitioners_column_and_row,
    times_are_shown_on_the_locations_clock_with_its_zone_named,
    the_day_view_marks_now_and_flags_a_started_appointment_nobody_arrived_for,
    time_off_is_labelled_and_a_holiday_is_a_banner,
    the_week_view_shows_one_practitioners_days_monday_first,
    an_open_time_leads_to_the_booking_form_filled_in_and_books,
    the_appointment_page_says_who_what_where_and_when,
    arrive_un_arrive_and_complete_move_the_status_and_are_recorded,
    a_no_show_is_marked_once_started_and_refused_before,
    a_status_the_rules_do_not_allow_is_refused_in_words,
    the_page_says_before_cancelling_whether_it_will_be_late,
    a_cancellation_is_late_inside_the_window_unless_the_clinic_cancels,
    a_cancellation_needs_a_reason_and_writes_nothing_without_one,
    moving_an_appointment_changes_its_time_and_practitioner_and_records_why,
    a_move_the_rules_refuse_is_explained_beside_the_field_and_changes_nothing,
    a_move_to_a_missing_day_or_hour_is_refused_in_words_beside_its_field,
    a_booking_on_a_missing_day_or_hour_is_refused_in_words_beside_the_start,
    staff_may_move_outside_hours_with_a_reason,
    a_cancelled_appointment_cannot_be_moved_or_cancelled_again,
    a_late_move_keeps_the_original_as_a_late_cancellation,
    another_clinics_appointment_is_not_found,
);
