//! The schedule's time grid: one row per grid step of the location's clock, one column per
//! practitioner (day view) or per date (week view). Each cell is open (inside working hours,
//! a link to book), closed, away (a break, time off, a closure or a holiday, labelled and
//! spanning its rows), missing (a clock time the zone skips that day), or covered by
//! appointments, which span the rows they touch.
//!
//! Rows are civil clock times, so a week's columns line up; each cell is mapped to instants
//! in the location's zone on its own date. Pure: instants and a zone in, what to draw out.

use super::time::{civil, clock, edge, hhmm, local, minute_of_day, shown};
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use knead_domain::booking::local_text;
use knead_domain::schedule::Interval;

/// The grid drawn when nobody works and nothing is booked: 08:00 to 20:00.
const DEFAULT_HOURS: (i64, i64) = (8 * 60, 20 * 60);

const MINUTES_PER_DAY: i64 = 24 * 60;

/// What every column shares: the zone, the grid step in minutes, and now.
pub(super) struct Frame {
    pub tz: TimeZone,
    pub step: i64,
    pub now: Timestamp,
    /// The date whose rows carry the "now" line: today, in the day view of today.
    pub line: Option<Date>,
}

/// Closed time with a name: a break between working blocks, time off, a closure or a
/// holiday.
#[derive(Clone)]
pub(super) struct Labelled {
    pub interval: Interval,
    pub label: String,
    /// `break`, `time-off`, `closure` or `holiday`: the look's class.
    pub kind: &'static str,
}

/// One column before it is laid out.
pub(super) struct Column {
    pub date: Date,
    /// Sorted, disjoint working intervals touching `date`.
    pub working: Vec<Interval>,
    /// Named closed time, the first match naming a cell.
    pub away: Vec<Labelled>,
    pub appointments: Vec<Placed>,
    /// The booking form's address for this column, ready for `&start=`.
    pub book: String,
    /// Who or what the column is, for the accessible name of its booking links.
    pub who: String,
}

/// An appointment with the instants it spans.
pub(super) struct Placed {
    pub start: Timestamp,
    pub end: Timestamp,
    pub block: Block,
}

/// An appointment as the grid shows it.
#[derive(Clone)]
pub(crate) struct Block {
    pub href: String,
    pub time: String,
    pub patient: String,
    pub service: String,
    /// `booked`, `arrived`, `completed` or `no-show`: the colour's class.
    pub status: &'static str,
    pub status_label: &'static str,
    /// Booked, started, and the patient has not arrived.
    pub not_arrived: bool,
    pub room: Option<String>,
    /// Marks such as "Repeats", "Online" or "Note".
    pub flags: Vec<&'static str>,
}

impl Block {
    /// What a pointer resting on the block shows: everything, in one line.
    pub fn title(&self) -> String {
        let mut parts = vec![
            self.time.clone(),
            self.patient.clone(),
            self.service.clone(),
        ];
        parts.extend(self.room.clone());
        parts.push(self.status_label.to_owned());
        if self.not_arrived {
            parts.push("not arrived".to_owned());
        }
        parts.extend(self.flags.iter().map(|f| (*f).to_owned()));
        parts.join(" · ")
    }
}

/// What one cell holds.
// Known shortcoming: an open cell is any grid time inside working hours, since no service is
// chosen yet; a start where no service fits (buffers, a break just after) is offered and then
// refused by the booking form with its reason.
pub(crate) enum Kind {
    Open {
        href: String,
        label: String,
        time: String,
    },
    Closed,
    /// Named closed time spanning `rows` rows from this one.
    Away {
        rows: usize,
        label: String,
        kind: &'static str,
    },
    /// The clocks skip this time on this date.
    Missing,
    Booked {
        rows: usize,
        blocks: Vec<Block>,
    },
    /// Part of the cell above, which spans this row.
    Covered,
}

/// Where in a row "now" falls: which quarter of it, and the clock time it shows.
pub(crate) struct NowMark {
    pub quarter: i64,
    pub label: String,
}

/// One row: its clock time and a cell per column.
pub(crate) struct GridRow {
    pub label: String,
    pub on_hour: bool,
    pub now: Option<NowMark>,
    pub cells: Vec<Kind>,
}

/// The laid-out grid.
pub(crate) struct Grid {
    pub rows: Vec<GridRow>,
    pub columns: usize,
}

impl Grid {
    /// The width class of the table: wide enough that every column stays readable.
    pub fn width_class(&self) -> String {
        format!("cols-{}", self.columns.clamp(1, 8))
    }
}

/// Lays out `columns` on rows from the earliest working or booked minute to the latest.
pub(super) fn build(frame: &Frame, columns: Vec<Column>) -> Grid {
    let step = frame.step.clamp(5, 120);
    let (first, last) = extent(&frame.tz, step, &columns);
    let count = usize::try_from((last - first) / step).unwrap_or(0);
    let width = columns.len();
    let mut laid: Vec<std::vec::IntoIter<Kind>> = columns
        .into_iter()
        .map(|c| column_cells(frame, step, &c, first, count).into_iter())
        .collect();
    let rows = (0..count)
        .map(|index| {
            let minute = first + step * index as i64;
            GridRow {
                label: hhmm(minute),
                on_hour: minute % 60 == 0,
                now: now_mark(frame, step, minute),
                cells: laid.iter_mut().filter_map(Iterator::next).collect(),
            }
        })
        .collect();
    Grid {
        rows,
        columns: width,
    }
}

/// The "now" line's place in the row starting at `minute`, when now falls in it.
fn now_mark(frame: &Frame, step: i64, minute: i64) -> Option<NowMark> {
    let date = frame.line?;
    let start = edge(&frame.tz, date, minute)?;
    let end = edge(&frame.tz, date, minute + step)?;
    if !(start <= frame.now && frame.now < end) {
        return None;
    }
    let into = frame.now.as_second() - start.as_second();
    let length = (end.as_second() - start.as_second()).max(1);
    Some(NowMark {
        quarter: (into * 4 / length).clamp(0, 3),
        label: clock(&local(frame.now, &frame.tz)),
    })
}

/// The first and last minute of the day the grid shows, on the step.
fn extent(tz: &TimeZone, step: i64, columns: &[Column]) -> (i64, i64) {
    let spans = columns.iter().flat_map(|c| {
        let working = c.working.iter().map(|w| (w.start, w.end));
        let booked = c.appointments.iter().map(|a| (a.start, a.end));
        working
            .chain(booked)
            .map(|(start, end)| span_on(tz, c.date, start, end))
    });
    let (first, last) = spans
        .filter(|(start, end)| end > start)
        .fold(None, |acc: Option<(i64, i64)>, (start, end)| match acc {
            Some((a, b)) => Some((a.min(start), b.max(end))),
            None => Some((start, end)),
        })
        .unwrap_or(DEFAULT_HOURS);
    let first = first - first.rem_euclid(step);
    let last = (last + (step - last.rem_euclid(step)) % step).min(MINUTES_PER_DAY);
    (first, last.max(first + step))
}

/// The minutes of `date` that `[start, end)` covers, clamped to the day.
fn span_on(tz: &TimeZone, date: Date, start: Timestamp, end: Timestamp) -> (i64, i64) {
    let start = minute_of_day(tz, date, start);
    let end = minute_of_day(tz, date, end);
    (
        start.clamp(0, MINUTES_PER_DAY),
        end.clamp(0, MINUTES_PER_DAY),
    )
}

fn column_cells(frame: &Frame, step: i64, column: &Column, first: i64, count: usize) -> Vec<Kind> {
    let mut cells: Vec<Kind> = (0..count)
        .map(|i| free_cell(frame, step, column, first + step * i as i64))
        .collect();
    for (from, until, blocks) in groups(frame, step, column, first, count) {
        for cell in &mut cells[from + 1..until] {
            *cell = Kind::Covered;
        }
        let rows = until - from;
        cells[from] = Kind::Booked { rows, blocks };
    }
    merge_away(&mut cells);
    cells
}

/// Joins runs of away cells with the same name into one cell spanning their rows.
fn merge_away(cells: &mut [Kind]) {
    let mut head: Option<usize> = None;
    for index in 0..cells.len() {
        let same = match (head.map(|h| &cells[h]), &cells[index]) {
            (
                Some(Kind::Away { label, kind, .. }),
                Kind::Away {
                    label: l, kind: k, ..
                },
            ) => label == l && kind == k,
            _ => false,
        };
        if !same {
            head = matches!(cells[index], Kind::Away { .. }).then_some(index);
            continue;
        }
        cells[index] = Kind::Covered;
        if let Some(Kind::Away { rows, .. }) = head.map(|h| &mut cells[h]) {
            *rows += 1;
        }
    }
}

/// A cell with no appointment: open when working hours cover all of it, else closed and
/// named by the first labelled span it starts in.
fn free_cell(frame: &Frame, step: i64, column: &Column, minute: i64) -> Kind {
    if !shown(&frame.tz, column.date, minute) {
        return Kind::Missing;
    }
    let start = edge(&frame.tz, column.date, minute);
    let end = edge(&frame.tz, column.date, minute + step);
    let (Some(start), Some(end), Some(local)) = (start, end, civil(column.date, minute)) else {
        return Kind::Missing;
    };
    if end <= start {
        return Kind::Missing;
    }
    let cell = Interval::new(start, end);
    if column.working.iter().any(|w| w.contains(&cell)) {
        let time = hhmm(minute);
        let label = format!("Book {} at {time}", column.who);
        let href = format!("{}&start={}", column.book, local_text(local));
        return Kind::Open { href, label, time };
    }
    let named = column
        .away
        .iter()
        .find(|a| a.interval.start <= start && start < a.interval.end);
    match named {
        Some(away) => Kind::Away {
            rows: 1,
            label: away.label.clone(),
            kind: away.kind,
        },
        None => Kind::Closed,
    }
}

/// Appointments gathered into runs of rows; appointments sharing a row share a cell.
fn groups(
    frame: &Frame,
    step: i64,
    column: &Column,
    first: i64,
    count: usize,
) -> Vec<(usize, usize, Vec<Block>)> {
    let mut placed: Vec<(usize, usize, &Placed)> = column
        .appointments
        .iter()
        .map(|a| {
            let (start, end) = span_on(&frame.tz, column.date, a.start, a.end);
            let from = row_of(start - first, step, count);
            let until = (row_of(end - first + step - 1, step, count + 1)).max(from + 1);
            (from, until.min(count), a)
        })
        .collect();
    placed.sort_by_key(|(from, _, a)| (*from, a.start));
    let mut runs: Vec<(usize, usize, Vec<Block>)> = Vec::new();
    for (from, until, appointment) in placed {
        match runs.last_mut() {
            Some(run) if from < run.1 => {
                run.1 = run.1.max(until);
                run.2.push(appointment.block.clone());
            }
            _ => runs.push((from, until, vec![appointment.block.clone()])),
        }
    }
    runs
}

/// The row holding `minutes` after the grid's first minute, kept inside `0..count`.
fn row_of(minutes: i64, step: i64, count: usize) -> usize {
    let row = usize::try_from(minutes.max(0) / step).unwrap_or(0);
    row.min(count.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toronto() -> TimeZone {
        TimeZone::get("America/Toronto").unwrap()
    }

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    fn block(name: &str) -> Block {
        Block {
            href: format!("/a/{name}"),
            time: String::new(),
            patient: name.to_owned(),
            service: String::new(),
            status: "booked",
            status_label: "Booked",
            not_arrived: false,
            room: None,
            flags: Vec::new(),
        }
    }

    fn column(date: &str, working: &[(&str, &str)], booked: &[(&str, &str, &str)]) -> Column {
        Column {
            date: date.parse().unwrap(),
            working: working
                .iter()
                .map(|(a, b)| Interval::new(at(a), at(b)))
                .collect(),
            appointments: booked
                .iter()
                .map(|(name, a, b)| Placed {
                    start: at(a),
                    end: at(b),
                    block: block(name),
                })
                .collect(),
            away: Vec::new(),
            book: "/schedule/book?location=l&practitioner=p".into(),
            who: "Léa".into(),
        }
    }

    fn frame(now: &str) -> Frame {
        let now = at(now);
        Frame {
            tz: toronto(),
            step: 30,
            line: Some(now.to_zoned_datetime(toronto()).date()),
            now,
        }
    }

    fn kinds(grid: &Grid, col: usize) -> String {
        grid.rows
            .iter()
            .map(|r| match &r.cells[col] {
                Kind::Open { .. } => 'o',
                Kind::Closed => '.',
                Kind::Away { .. } => 'a',
                Kind::Missing => 'x',
                Kind::Booked { .. } => 'B',
                Kind::Covered => '|',
            })
            .collect()
    }

    #[test]
    fn rows_run_from_the_first_working_minute_to_the_last_and_appointments_span_rows() {
        let hours = [("2026-12-03T14:00:00Z", "2026-12-03T17:00:00Z")];
        let booked = [("ada", "2026-12-03T15:00:00Z", "2026-12-03T16:00:00Z")];
        let columns = vec![column("2026-12-03", &hours, &booked)];

        let grid = build(&frame("2026-12-03T15:10:00Z"), columns);

        assert_eq!(grid.rows.first().unwrap().label, "09:00");
        assert_eq!(grid.rows.last().unwrap().label, "11:30");
        assert_eq!(kinds(&grid, 0), "ooB|oo");
        let now = grid.rows[2].now.as_ref().expect("now is in the 10:00 row");
        assert_eq!((now.quarter, now.label.as_str()), (1, "10:10"));
        assert!(grid.rows.iter().filter(|r| r.now.is_some()).count() == 1);
        assert!(matches!(
            grid.rows[2].cells[0],
            Kind::Booked { rows: 2, .. }
        ));
    }

    #[test]
    fn an_appointment_outside_hours_widens_the_grid_and_overlaps_share_a_cell() {
        let hours = [("2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")];
        let booked = [
            ("ada", "2026-12-03T12:00:00Z", "2026-12-03T12:40:00Z"),
            ("bo", "2026-12-03T12:35:00Z", "2026-12-03T13:00:00Z"),
        ];
        let columns = vec![column("2026-12-03", &hours, &booked)];

        let grid = build(&frame("2026-12-01T00:00:00Z"), columns);

        assert_eq!(grid.rows[0].label, "07:00");
        assert_eq!(kinds(&grid, 0), "B|..oo");
        let Kind::Booked { blocks, .. } = &grid.rows[0].cells[0] else {
            panic!("not booked");
        };
        assert_eq!(blocks.len(), 2);
    }

    #[test]
    fn nobody_working_shows_the_default_day_all_closed() {
        let columns = vec![column("2026-12-03", &[], &[])];

        let grid = build(&frame("2026-12-01T00:00:00Z"), columns);

        assert_eq!(grid.rows.len(), 24);
        assert_eq!(grid.rows[0].label, "08:00");
        assert!(kinds(&grid, 0).chars().all(|c| c == '.'));
    }

    #[test]
    fn the_hour_the_clocks_skip_is_missing_on_that_date() {
        let hours = [("2026-03-08T06:00:00Z", "2026-03-08T09:00:00Z")];
        let columns = vec![column("2026-03-08", &hours, &[])];

        let grid = build(&frame("2026-01-01T00:00:00Z"), columns);

        let labels: Vec<&str> = grid.rows.iter().map(|r| r.label.as_str()).collect();
        let expected = [
            "01:00", "01:30", "02:00", "02:30", "03:00", "03:30", "04:00", "04:30",
        ];
        assert_eq!(labels, expected);
        assert_eq!(kinds(&grid, 0), "ooxxoooo");
    }

    #[test]
    fn an_open_cell_links_to_the_booking_form_at_its_local_start() {
        let hours = [("2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z")];
        let columns = vec![column("2026-12-03", &hours, &[])];

        let grid = build(&frame("2026-12-01T00:00:00Z"), columns);

        let Kind::Open { href, label, time } = &grid.rows[1].cells[0] else {
            panic!("not open");
        };
        assert!(href.ends_with("&start=2026-12-03T09:30"), "{href}");
        assert_eq!(label, "Book Léa at 09:30");
        assert_eq!(time, "09:30");
    }

    #[test]
    fn a_break_between_blocks_is_one_labelled_cell_spanning_its_rows() {
        let hours = [
            ("2026-12-03T14:00:00Z", "2026-12-03T15:00:00Z"),
            ("2026-12-03T16:30:00Z", "2026-12-03T17:00:00Z"),
        ];
        let mut columns = vec![column("2026-12-03", &hours, &[])];
        columns[0].away.push(Labelled {
            interval: Interval::new(at("2026-12-03T15:00:00Z"), at("2026-12-03T16:30:00Z")),
            label: "Break".into(),
            kind: "break",
        });

        let grid = build(&frame("2026-12-01T00:00:00Z"), columns);

        assert_eq!(kinds(&grid, 0), "ooa||o");
        assert!(matches!(
            &grid.rows[2].cells[0],
            Kind::Away { rows: 3, label, kind: "break" } if label == "Break"
        ));
    }

    #[test]
    fn the_now_line_is_drawn_only_on_the_date_asked_for() {
        let hours = [("2026-12-03T14:00:00Z", "2026-12-03T17:00:00Z")];
        let mut frame = frame("2026-12-03T15:10:00Z");
        frame.line = None;

        let grid = build(&frame, vec![column("2026-12-03", &hours, &[])]);

        assert!(grid.rows.iter().all(|r| r.now.is_none()));
    }
}
