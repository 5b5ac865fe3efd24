//! Slot search speed: 20 practitioners over 28 days with 5,000 existing appointments
//! (250 each), in America/Toronto across the spring-forward change. Measures one
//! practitioner's search (what a "this therapist" page asks) and all twenty (what "first
//! available" asks). Run with `cargo bench -p knead-domain --bench slots`.

use criterion::{Criterion, criterion_group, criterion_main};
use jiff::civil::{Time, Weekday, date, time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use knead_domain::schedule::{
    Availability, DateRange, Interval, SlotQuery, WeeklyBlock, open_slots,
};
use std::collections::BTreeSet;
use std::hint::black_box;

const PRACTITIONERS: usize = 20;
const APPOINTMENTS: usize = 5_000;

fn week(start: Time, end: Time) -> Vec<WeeklyBlock> {
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
    ];
    let mut blocks: Vec<WeeklyBlock> = days
        .iter()
        .flat_map(|&weekday| {
            [
                WeeklyBlock {
                    weekday,
                    start,
                    end: time(12, 0, 0, 0),
                },
                WeeklyBlock {
                    weekday,
                    start: time(13, 0, 0, 0),
                    end,
                },
            ]
        })
        .collect();
    blocks.push(WeeklyBlock {
        weekday: Weekday::Saturday,
        start,
        end: time(14, 0, 0, 0),
    });
    blocks
}

/// Each practitioner's availability and a deterministic spread of 60-minute bookings (with
/// a 15-minute buffer) on the grid inside it; overlapping draws are kept, as a busy day
/// would still be searched.
fn practitioner(n: usize, tz: &TimeZone, range: DateRange) -> (Vec<Interval>, Vec<Interval>) {
    let start = time(8 + (n % 3) as i8, 0, 0, 0);
    let availability = Availability {
        weekly: week(start, time(18, 0, 0, 0)),
        extra_shifts: Vec::new(),
        time_off: Vec::new(),
        closures: Vec::new(),
        holidays: BTreeSet::new(),
    }
    .intervals(tz, range);
    let per = APPOINTMENTS / PRACTITIONERS;
    let mut seed = 0x9E37_79B9_7F4A_7C15_u64 ^ n as u64;
    let mut occupied = Vec::with_capacity(per);
    for _ in 0..per {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let stretch = &availability[(seed % availability.len() as u64) as usize];
        let quarters = (stretch.minutes() / 15).max(1);
        let offset = SignedDuration::from_mins(15 * ((seed >> 20) % quarters as u64) as i64);
        let begin = stretch.start.checked_add(offset).unwrap();
        occupied.push(Interval::new(
            begin,
            begin.checked_add(SignedDuration::from_mins(75)).unwrap(),
        ));
    }
    (availability, occupied)
}

fn bench(c: &mut Criterion) {
    let tz = TimeZone::get("America/Toronto").unwrap();
    let range = DateRange::new(date(2026, 3, 2), date(2026, 3, 29)).unwrap();
    let people: Vec<_> = (0..PRACTITIONERS)
        .map(|n| practitioner(n, &tz, range))
        .collect();
    let query = SlotQuery {
        range,
        duration: 60,
        buffer_before: 0,
        buffer_after: 15,
        step: 15,
        now: "2026-03-02T05:00:00Z".parse::<Timestamp>().unwrap(),
        minimum_notice: Some(120),
        horizon_days: Some(90),
    };

    c.bench_function("one practitioner, 28 days, 250 bookings", |b| {
        let (availability, occupied) = &people[0];
        b.iter(|| open_slots(&tz, black_box(&query), availability, occupied).unwrap())
    });
    c.bench_function("twenty practitioners, 28 days, 5000 bookings", |b| {
        b.iter(|| {
            people
                .iter()
                .map(|(a, o)| open_slots(&tz, black_box(&query), a, o).unwrap().len())
                .sum::<usize>()
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
