//! `knead import ics` as an operator runs it: the built binary on a fresh SQLite data folder
//! holding the demo clinic. A first import writes, a second adds nothing, a malformed file
//! fails with its line, and an unknown practitioner is refused with the ones to choose from.
//!
//! The binary reads the real clock, so the calendar is written relative to it: events two
//! and three days ahead at 07:00 UTC, in the night of every Canadian zone, where the demo
//! books nobody. What the import does with them does not depend on the date.

use jiff::{Timestamp, ToSpan};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A data folder of its own for one test, removed at the end.
struct DataDir(PathBuf);

impl DataDir {
    fn new(name: &str) -> DataDir {
        let dir = std::env::temp_dir().join(format!("knead-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        DataDir(dir)
    }

    fn knead(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_knead"))
            .arg("--data-dir")
            .arg(&self.0)
            .args(args)
            .env("KNEAD_LOG", "warn")
            .env_remove("KNEAD_DATABASE_URL")
            .output()
            .unwrap()
    }

    fn write(&self, name: &str, text: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, text).unwrap();
        path.to_string_lossy().into_owned()
    }
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// 07:00 UTC `days` from now, as iCalendar UTC text.
fn night(days: i64, hour: i8) -> String {
    let day = Timestamp::now().checked_add((days * 24).hours()).unwrap();
    let date = day.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    format!("{}T{hour:02}0000Z", date.strftime("%Y%m%d"))
}

fn calendar() -> String {
    let lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Example//Phone//EN",
        "BEGIN:VEVENT",
        "UID:cli-appointment-1",
        &format!("DTSTART:{}", night(2, 7)),
        &format!("DTEND:{}", night(2, 8)),
        "SUMMARY:Massage - Dana Whitlock",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:cli-busy-1",
        &format!("DTSTART:{}", night(3, 7)),
        &format!("DTEND:{}", night(3, 8)),
        "SUMMARY:Busy",
        "END:VEVENT",
        "BEGIN:VEVENT",
        "UID:cli-cancelled-1",
        &format!("DTSTART:{}", night(4, 7)),
        &format!("DTEND:{}", night(4, 8)),
        "SUMMARY:Dana Whitlock",
        "STATUS:CANCELLED",
        "END:VEVENT",
        "END:VCALENDAR",
    ];
    lines.join("\r\n") + "\r\n"
}

/// The first practitioner the refusal of an unknown one offers, and their location.
fn first_practitioner(dir: &DataDir, file: &str) -> (String, Vec<String>) {
    let refused = dir.knead(&["import", "ics", "--practitioner", "nobody", file]);
    let stderr = text(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("practitioner: 'nobody' names no practitioner"),
        "{stderr}"
    );
    let choices = stderr.split("choose one of: ").nth(1).unwrap();
    let id = choices.split(' ').next().unwrap().to_owned();
    // A practitioner at several locations needs one named; the refusal lists them.
    let asked = dir.knead(&["import", "ics", "--dry-run", "--practitioner", &id, file]);
    let location = match asked.status.success() {
        true => Vec::new(),
        false => {
            let stderr = text(&asked.stderr);
            let choices = stderr.split("choose one of: ").nth(1).unwrap();
            let location = choices.split(' ').next().unwrap().to_owned();
            vec!["--location".to_owned(), location]
        }
    };
    (id, location)
}

fn import(dir: &DataDir, practitioner: &str, location: &[String], file: &str) -> Output {
    let mut args = vec!["import", "ics", "--practitioner", practitioner];
    args.extend(location.iter().map(String::as_str));
    args.push(file);
    dir.knead(&args)
}

#[test]
fn a_calendar_imports_once_and_a_second_run_adds_nothing() {
    let dir = DataDir::new("import");
    let demo = dir.knead(&["demo"]);
    assert!(demo.status.success(), "{}", text(&demo.stderr));
    let file = dir.write("phone.ics", &calendar());
    let (practitioner, location) = first_practitioner(&dir, &file);

    let first = import(&dir, &practitioner, &location, &file);
    let second = import(&dir, &practitioner, &location, &file);

    let (out1, out2) = (text(&first.stdout), text(&second.stdout));
    assert!(first.status.success(), "{}", text(&first.stderr));
    assert!(out1.starts_with("Imported: phone.ics\n"), "{out1}");
    assert!(
        out1.contains("\nAppointments: 1\nBlocked time: 1\n"),
        "{out1}"
    );
    assert!(out1.contains("Patients: 1 created, 0 matched"), "{out1}");
    assert!(
        out1.contains("\"Dana Whitlock\": cancelled in the calendar"),
        "{out1}"
    );
    assert!(second.status.success(), "{}", text(&second.stderr));
    assert!(
        out2.contains("\nAppointments: 0\nBlocked time: 0\n"),
        "{out2}"
    );
    assert!(out2.contains("Skipped: 3\n"), "{out2}");
    assert_eq!(out2.matches(": already imported").count(), 2, "{out2}");
}

#[test]
fn a_malformed_file_fails_with_its_line_and_writes_nothing() {
    let dir = DataDir::new("malformed");
    assert!(dir.knead(&["demo"]).status.success());
    let good = dir.write("good.ics", &calendar());
    let (practitioner, location) = first_practitioner(&dir, &good);
    let broken = calendar().replace("DTEND:", "DTEND:2026-13-45");
    let bad = dir.write("bad.ics", &broken);

    let refused = import(&dir, &practitioner, &location, &bad);
    let after = import(&dir, &practitioner, &location, &good);

    let stderr = text(&refused.stderr);
    assert!(!refused.status.success());
    assert!(
        stderr.contains("file: bad.ics: line 7: DTEND value '2026-13-45"),
        "{stderr}"
    );
    assert!(refused.stdout.is_empty());
    assert!(
        text(&after.stdout).contains("\nAppointments: 1\n"),
        "nothing was written before"
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = DataDir::new("missing");
    let path = Path::new(&dir.0).join("nowhere.ics");

    let failed = dir.knead(&[
        "import",
        "ics",
        "--practitioner",
        "p",
        &path.to_string_lossy(),
    ]);

    let stderr = text(&failed.stderr);
    assert!(!failed.status.success());
    assert!(stderr.contains("cannot read the calendar file"), "{stderr}");
    assert!(stderr.contains("nowhere.ics"), "{stderr}");
}
