//! Scheduling over the API on SQLite and PostgreSQL: open slots in the location's zone,
//! booking and its refusals, the 50-way race for one slot, cancellation windows, policy
//! versions, recurring series across a DST change, status moves and holidays.

mod support;

use axum::http::{Method, StatusCode};
use knead_app::Clock;
use knead_testkit::{TestDb, on_both_backends};
use serde_json::{Value, json};
use support::api::{Clinic, call, first_clinic};

/// Monday 2026-03-02, 07:00 in Toronto (12:00 UTC), a week before clocks spring forward.
fn monday_morning() -> Clock {
    Clock::fixed("2026-03-02T12:00:00Z".parse().unwrap())
}

/// A clinic with one Toronto location, one practitioner working weekdays 09:00-17:00, a
/// 60-minute massage with 15 minutes after it, and one patient.
struct Setup {
    clinic: Clinic,
    location: String,
    practitioner: String,
    service: String,
    patient: String,
}

async fn id_of(clinic: &Clinic, path: &str, body: Value) -> String {
    let (status, created) = call(clinic, Method::POST, path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn setup_in(db: &TestDb, zone: &str, province: &str) -> Setup {
    let clinic = first_clinic(db, monday_morning()).await;
    let location = json!({"name": "Main", "province": province, "time_zone": zone});
    let location = id_of(&clinic, "/api/v1/locations", location).await;
    let therapist = json!({"name": "Léa Tremblay", "location_ids": [location]});
    let practitioner = id_of(&clinic, "/api/v1/practitioners", therapist).await;
    let massage = json!({
        "name": "Massage 60", "duration_minutes": 60, "price": "120",
        "buffer_after_minutes": 15, "practitioner_ids": [practitioner]
    });
    let service = id_of(&clinic, "/api/v1/services", massage).await;
    let person = json!({"legal_first_name": "Zoé", "legal_last_name": "Côté"});
    let patient = id_of(&clinic, "/api/v1/patients", person).await;
    let blocks: Vec<Value> = ["mon", "tue", "wed", "thu", "fri"]
        .iter()
        .map(|d| json!({"weekday": d, "start": "09:00", "end": "17:00"}))
        .collect();
    let path = format!("/api/v1/practitioners/{practitioner}/hours/{location}");
    let (status, hours) = call(&clinic, Method::PUT, &path, Some(json!({"blocks": blocks}))).await;
    assert_eq!(status, StatusCode::OK, "{hours}");
    Setup {
        clinic,
        location,
        practitioner,
        service,
        patient,
    }
}

async fn setup(db: &TestDb) -> Setup {
    setup_in(db, "America/Toronto", "ON").await
}

impl Setup {
    fn booking(&self, start: &str) -> Value {
        json!({
            "patient_id": self.patient, "practitioner_id": self.practitioner,
            "service_id": self.service, "location_id": self.location, "start": start
        })
    }

    async fn slots(&self, from: &str, to: &str) -> Vec<String> {
        let path = format!(
            "/api/v1/availability?service_id={}&location_id={}&from={from}&to={to}",
            self.service, self.location
        );
        let (status, body) = call(&self.clinic, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body["items"].as_array().unwrap();
        items
            .iter()
            .map(|s| s["start"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn book(&self, body: Value) -> (StatusCode, Value) {
        call(
            &self.clinic,
            Method::POST,
            "/api/v1/appointments",
            Some(body),
        )
        .await
    }

    async fn appointments(&self, from: &str, to: &str) -> Vec<Value> {
        let path = format!(
            "/api/v1/appointments?location_id={}&from={from}&to={to}",
            self.location
        );
        let (status, body) = call(&self.clinic, Method::GET, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["items"].as_array().unwrap().clone()
    }
}

async fn slots_carry_the_location_offset_and_fit_the_hours(db: TestDb) {
    let s = setup(&db).await;

    let before_dst = s.slots("2026-03-06", "2026-03-06").await;
    let after_dst = s.slots("2026-03-09", "2026-03-09").await;

    assert_eq!(before_dst.first().unwrap(), "2026-03-06T09:00:00-05:00");
    assert_eq!(after_dst.first().unwrap(), "2026-03-09T09:00:00-04:00");
    assert_eq!(after_dst.last().unwrap(), "2026-03-09T15:45:00-04:00");
    assert_eq!(after_dst.len(), 28);
}

async fn a_booked_time_and_its_buffer_leave_the_open_slots(db: TestDb) {
    let s = setup(&db).await;

    let (status, booked) = s.book(s.booking("2026-03-09T10:00:00-04:00")).await;
    let slots = s.slots("2026-03-09", "2026-03-09").await;

    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["end"], "2026-03-09T11:00:00-04:00");
    assert_eq!(booked["status"], "booked");
    assert_eq!(booked["source"], "api");
    assert!(!slots.contains(&"2026-03-09T09:00:00-04:00".to_owned()));
    assert!(!slots.contains(&"2026-03-09T11:00:00-04:00".to_owned()));
    assert!(slots.contains(&"2026-03-09T11:15:00-04:00".to_owned()));
}

async fn fifty_concurrent_bookings_of_one_slot_give_exactly_one(db: TestDb) {
    let s = setup(&db).await;
    let body = s.booking("2026-03-10T14:00:00-04:00");

    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (clinic, body) = (s.clinic.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            call(&clinic, Method::POST, "/api/v1/appointments", Some(body)).await
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }

    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    let taken = answers
        .iter()
        .filter(|(s, b)| *s == StatusCode::CONFLICT && b["error"]["code"] == "slot_taken")
        .count();
    let others: Vec<_> = answers
        .iter()
        .filter(|(s, _)| !matches!(s.as_u16(), 201 | 409))
        .collect();
    assert!(others.is_empty(), "unexpected answers: {others:?}");
    assert_eq!((created, taken), (1, 49));
    assert_eq!(s.appointments("2026-03-10", "2026-03-10").await.len(), 1);
}

async fn bookings_that_break_the_rules_name_the_field_and_write_nothing(db: TestDb) {
    let s = setup(&db).await;
    let other_location =
        json!({"name": "West", "province": "BC", "time_zone": "America/Vancouver"});
    let elsewhere = id_of(&s.clinic, "/api/v1/locations", other_location).await;
    let other_service = json!({"name": "Hot stone", "duration_minutes": 90, "price": "150",
        "practitioner_ids": [id_of(&s.clinic, "/api/v1/practitioners", json!({"name": "Other"})).await]});
    let not_offered = id_of(&s.clinic, "/api/v1/services", other_service).await;
    let mut wrong_location = s.booking("2026-03-09T10:00:00-04:00");
    wrong_location["location_id"] = json!(elsewhere);
    let mut wrong_service = s.booking("2026-03-09T10:00:00-04:00");
    wrong_service["service_id"] = json!(not_offered);
    let cases = [
        (s.booking("2026-02-27T10:00:00-05:00"), "start"),
        (s.booking("2026-03-09T17:30:00-04:00"), "start"),
        (s.booking("2026-03-07T10:00:00-05:00"), "start"),
        (s.booking("2026-03-08T02:30"), "start"),
        (s.booking("next tuesday"), "start"),
        (wrong_location, "practitioner_id"),
        (wrong_service, "service_id"),
        (json!({"start": "2026-03-09T10:00:00-04:00"}), "patient_id"),
    ];

    for (body, field) in cases {
        let (status, answer) = s.book(body).await;

        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert!(
            answer["error"]["fields"][field].is_string(),
            "{field} not named: {answer}"
        );
    }
    assert!(s.appointments("2026-02-23", "2026-03-15").await.is_empty());
}

async fn staff_may_book_outside_hours_with_a_recorded_reason(db: TestDb) {
    let s = setup(&db).await;
    let mut body = s.booking("2026-03-09T18:00:00-04:00");
    body["override_reason"] = json!("regular client, evening favour");

    let (status, booked) = s.book(body).await;

    assert_eq!(status, StatusCode::CREATED, "{booked}");
    assert_eq!(booked["override_reason"], "regular client, evening favour");
}

async fn a_cancellation_inside_the_window_is_late_unless_the_clinic_cancels(db: TestDb) {
    let s = setup(&db).await;
    let (_, soon) = s.book(s.booking("2026-03-02T15:00:00-05:00")).await;
    let (_, later) = s.book(s.booking("2026-03-05T15:00:00-05:00")).await;
    let (_, ours) = s.book(s.booking("2026-03-02T13:00:00-05:00")).await;
    let cancel = |a: &Value, by_clinic: bool| {
        let path = format!("/api/v1/appointments/{}/cancel", a["id"].as_str().unwrap());
        let body = json!({"reason": "asked by phone", "by_clinic": by_clinic});
        (path, body)
    };

    let (path, body) = cancel(&soon, false);
    let soon = call(&s.clinic, Method::POST, &path, Some(body)).await.1;
    let (path, body) = cancel(&later, false);
    let later = call(&s.clinic, Method::POST, &path, Some(body)).await.1;
    let (path, body) = cancel(&ours, true);
    let ours = call(&s.clinic, Method::POST, &path, Some(body.clone()))
        .await
        .1;
    let (again, refused) = call(&s.clinic, Method::POST, &path, Some(body)).await;

    assert_eq!(soon["status"], "late_cancelled");
    assert_eq!(later["status"], "cancelled");
    assert_eq!(ours["status"], "cancelled");
    assert_eq!(again, StatusCode::CONFLICT);
    assert_eq!(refused["error"]["code"], "not_open");
    assert_eq!(
        s.slots("2026-03-05", "2026-03-05").await.first().unwrap(),
        "2026-03-05T09:00:00-05:00"
    );
}

async fn an_appointment_keeps_the_policy_version_it_was_booked_under(db: TestDb) {
    let s = setup(&db).await;
    let (_, defaults) = call(&s.clinic, Method::GET, "/api/v1/booking-policy", None).await;
    let rules = json!({"minimum_notice_minutes": 60, "horizon_days": 60,
        "late_cancel_window_minutes": 2880, "reschedule_inside_window_is_late": true});

    let (_, first) = call(
        &s.clinic,
        Method::PUT,
        "/api/v1/booking-policy",
        Some(rules.clone()),
    )
    .await;
    let (_, booked) = s.book(s.booking("2026-03-09T10:00:00-04:00")).await;
    let (_, second) = call(
        &s.clinic,
        Method::PUT,
        "/api/v1/booking-policy",
        Some(rules),
    )
    .await;
    let (bad, answer) = call(
        &s.clinic,
        Method::PUT,
        "/api/v1/booking-policy",
        Some(json!({"minimum_notice_minutes": "soon", "horizon_days": 0})),
    )
    .await;

    assert_eq!(defaults["version"], 0);
    assert_eq!(
        (first["version"].as_i64(), second["version"].as_i64()),
        (Some(1), Some(2))
    );
    assert_eq!(booked["policy_version"], 1);
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["minimum_notice_minutes"].is_string());
    assert!(answer["error"]["fields"]["horizon_days"].is_string());
}

async fn a_move_inside_the_window_counts_as_late_when_the_policy_says_so(db: TestDb) {
    let s = setup(&db).await;
    let rules = json!({"minimum_notice_minutes": 0, "horizon_days": 60,
        "late_cancel_window_minutes": 1440, "reschedule_inside_window_is_late": true});
    call(
        &s.clinic,
        Method::PUT,
        "/api/v1/booking-policy",
        Some(rules),
    )
    .await;
    let (_, today) = s.book(s.booking("2026-03-02T15:00:00-05:00")).await;
    let (_, friday) = s.book(s.booking("2026-03-06T15:00:00-05:00")).await;
    let moving = |a: &Value| {
        format!(
            "/api/v1/appointments/{}/reschedule",
            a["id"].as_str().unwrap()
        )
    };

    let late_body = json!({"start": "2026-03-04T10:00", "reason": "patient asked"});
    let (_, moved_late) = call(&s.clinic, Method::POST, &moving(&today), Some(late_body)).await;
    let early_body = json!({"start": "2026-03-06T11:00"});
    let (_, moved_early) = call(&s.clinic, Method::POST, &moving(&friday), Some(early_body)).await;
    let original = call(
        &s.clinic,
        Method::GET,
        &format!("/api/v1/appointments/{}", today["id"].as_str().unwrap()),
        None,
    )
    .await
    .1;

    assert_ne!(moved_late["id"], today["id"]);
    assert_eq!(moved_late["start"], "2026-03-04T10:00:00-05:00");
    assert_eq!(original["status"], "late_cancelled");
    assert_eq!(moved_early["id"], friday["id"]);
    assert_eq!(moved_early["start"], "2026-03-06T11:00:00-05:00");
}

async fn a_weekly_series_keeps_its_clock_time_across_the_dst_change(db: TestDb) {
    let s = setup(&db).await;
    s.book(s.booking("2026-03-16T09:30:00-04:00")).await;
    let mut series = s.booking("2026-03-02T09:00");
    series["every_weeks"] = json!(1);
    series["count"] = json!(4);

    series["mode"] = json!("preview");
    let (preview_status, preview) = call(
        &s.clinic,
        Method::POST,
        "/api/v1/appointment-series",
        Some(series.clone()),
    )
    .await;
    series["mode"] = json!("all");
    let (all_status, all) = call(
        &s.clinic,
        Method::POST,
        "/api/v1/appointment-series",
        Some(series.clone()),
    )
    .await;
    let after_all = s.appointments("2026-03-01", "2026-03-31").await.len();
    series["mode"] = json!("free_only");
    let (free_status, free) = call(
        &s.clinic,
        Method::POST,
        "/api/v1/appointment-series",
        Some(series),
    )
    .await;

    let starts: Vec<&str> = preview["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["start"].as_str().unwrap())
        .collect();
    assert_eq!(preview_status, StatusCode::OK, "{preview}");
    assert_eq!(
        starts,
        [
            "2026-03-02T09:00:00-05:00",
            "2026-03-09T09:00:00-04:00",
            "2026-03-16T09:00:00-04:00",
            "2026-03-23T09:00:00-04:00"
        ]
    );
    assert!(preview["occurrences"][2]["conflict"].is_string());
    assert_eq!(all_status, StatusCode::CONFLICT, "{all}");
    assert_eq!(all["error"]["code"], "series_conflicts");
    assert_eq!(after_all, 1, "a refused series wrote something");
    assert_eq!(free_status, StatusCode::CREATED, "{free}");
    let booked = free["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["appointment"].is_object())
        .count();
    assert_eq!(booked, 3);
    assert_eq!(s.appointments("2026-03-01", "2026-03-31").await.len(), 4);
}

async fn statuses_move_only_along_allowed_paths(db: TestDb) {
    let s = setup(&db).await;
    let (_, a) = s.book(s.booking("2026-03-02T13:00:00-05:00")).await;
    let path = format!("/api/v1/appointments/{}/status", a["id"].as_str().unwrap());
    let set = |status: &str| Some(json!({"status": status}));

    let early_no_show = call(&s.clinic, Method::POST, &path, set("no_show")).await;
    let arrived = call(&s.clinic, Method::POST, &path, set("arrived")).await;
    let completed = call(&s.clinic, Method::POST, &path, set("completed")).await;
    let back = call(&s.clinic, Method::POST, &path, set("booked")).await;
    let nonsense = call(&s.clinic, Method::POST, &path, set("teleported")).await;

    assert_eq!(early_no_show.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(arrived.1["status"], "arrived");
    assert_eq!(completed.1["status"], "completed");
    assert_eq!(back.0, StatusCode::CONFLICT);
    assert_eq!(back.1["error"]["code"], "invalid_transition");
    assert!(nonsense.1["error"]["fields"]["status"].is_string());
}

async fn statutory_holidays_close_the_day_until_the_clinic_opens_on_them(db: TestDb) {
    let s = setup(&db).await;

    let (_, holidays) = call(
        &s.clinic,
        Method::GET,
        "/api/v1/holidays?province=ON&year=2026",
        None,
    )
    .await;
    let family_day_closed = s.slots("2026-02-16", "2026-02-16").await;
    let body = Some(json!({"name": "Open on Family Day", "closed": false}));
    let (opened, _) = call(
        &s.clinic,
        Method::PUT,
        "/api/v1/holidays/ON/2026-02-16",
        body,
    )
    .await;
    let family_day_open = s.slots("2026-02-16", "2026-02-16").await;

    let names: Vec<&str> = holidays["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Family Day"), "{names:?}");
    assert!(family_day_closed.is_empty());
    assert_eq!(opened, StatusCode::NO_CONTENT);
    assert!(
        family_day_open.is_empty(),
        "Feb 16 is before 'now'; no slot may be offered in the past"
    );
}

async fn time_off_and_closures_remove_slots_and_bad_spans_are_refused(db: TestDb) {
    let s = setup(&db).await;
    let off = json!({"practitioner_id": s.practitioner, "kind": "time_off",
        "start": "2026-03-10", "end": "2026-03-10", "reason": "course"});
    let (off_status, _) = call(
        &s.clinic,
        Method::POST,
        "/api/v1/schedule-exceptions",
        Some(off),
    )
    .await;
    let closure =
        json!({"start": "2026-03-11T12:00", "end": "2026-03-11T17:00", "reason": "plumbing"});
    let path = format!("/api/v1/locations/{}/closures", s.location);
    let (closed_status, _) = call(&s.clinic, Method::POST, &path, Some(closure)).await;
    let backwards = json!({"practitioner_id": s.practitioner, "kind": "time_off",
        "start": "2026-03-12T15:00", "end": "2026-03-12T09:00"});
    let (bad, answer) = call(
        &s.clinic,
        Method::POST,
        "/api/v1/schedule-exceptions",
        Some(backwards),
    )
    .await;
    let overlapping = json!({"blocks": [
        {"weekday": "monday", "start": "09:00", "end": "13:00"},
        {"weekday": "monday", "start": "12:00", "end": "17:00"}]});
    let hours_path = format!(
        "/api/v1/practitioners/{}/hours/{}",
        s.practitioner, s.location
    );
    let (overlap, overlap_answer) =
        call(&s.clinic, Method::PUT, &hours_path, Some(overlapping)).await;

    assert_eq!(
        (off_status, closed_status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert!(s.slots("2026-03-10", "2026-03-10").await.is_empty());
    assert_eq!(
        s.slots("2026-03-11", "2026-03-11").await.last().unwrap(),
        "2026-03-11T10:45:00-04:00"
    );
    assert_eq!(bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(answer["error"]["fields"]["end"].is_string());
    assert_eq!(overlap, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        overlap_answer["error"]["fields"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("blocks[1]")),
        "{overlap_answer}"
    );
    assert_eq!(
        s.slots("2026-03-09", "2026-03-09").await.len(),
        28,
        "refused hours changed the old ones"
    );
}

async fn st_johns_slots_carry_half_hour_offsets(db: TestDb) {
    let s = setup_in(&db, "America/St_Johns", "NL").await;

    let slots = s.slots("2026-03-09", "2026-03-09").await;

    assert_eq!(slots.first().unwrap(), "2026-03-09T09:00:00-02:30");
}

async fn another_clinics_appointments_are_not_found(db: TestDb) {
    let s = setup(&db).await;
    let (_, booked) = s.book(s.booking("2026-03-09T10:00:00-04:00")).await;
    let other = support::api::second_clinic(&s.clinic).await;
    let path = format!("/api/v1/appointments/{}", booked["id"].as_str().unwrap());

    let (read, _) = call(&other, Method::GET, &path, None).await;
    let cancel = Some(json!({"reason": "mischief"}));
    let (cancelled, _) = call(&other, Method::POST, &format!("{path}/cancel"), cancel).await;
    let (own, still) = call(&s.clinic, Method::GET, &path, None).await;

    assert_eq!(
        (read, cancelled),
        (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND)
    );
    assert_eq!(
        (own, still["status"].as_str()),
        (StatusCode::OK, Some("booked"))
    );
}

on_both_backends!(
    slots_carry_the_location_offset_and_fit_the_hours,
    a_booked_time_and_its_buffer_leave_the_open_slots,
    fifty_concurrent_bookings_of_one_slot_give_exactly_one,
    bookings_that_break_the_rules_name_the_field_and_write_nothing,
    staff_may_book_outside_hours_with_a_recorded_reason,
    a_cancellation_inside_the_window_is_late_unless_the_clinic_cancels,
    an_appointment_keeps_the_policy_version_it_was_booked_under,
    a_move_inside_the_window_counts_as_late_when_the_policy_says_so,
    a_weekly_series_keeps_its_clock_time_across_the_dst_change,
    statuses_move_only_along_allowed_paths,
    statutory_holidays_close_the_day_until_the_clinic_opens_on_them,
    time_off_and_closures_remove_slots_and_bad_spans_are_refused,
    st_johns_slots_carry_half_hour_offsets,
    another_clinics_appointments_are_not_found,
);
