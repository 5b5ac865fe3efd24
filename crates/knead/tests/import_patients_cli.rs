//! `knead import patients` as an operator runs it: the built binary on a fresh SQLite data
//! folder holding one clinic. A dry run writes nothing, an import prints its report, a
//! second import adds no one, and a malformed file fails with its line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A data folder of its own for one test, removed at the end.
struct DataDir(PathBuf);

impl DataDir {
    fn new(name: &str) -> DataDir {
        let dir = std::env::temp_dir().join(format!("knead-pat-{name}-{}", std::process::id()));
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
}

impl Drop for DataDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The shared Synthea sample, as the app crate's tests keep it.
fn synthea() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../app/tests/data/csv-formats/synthea-csv/patients.csv");
    path.to_string_lossy().into_owned()
}

#[test]
fn a_csv_export_is_imported_once_and_reported() {
    let dir = DataDir::new("csv");
    let created = dir.knead(&["clinic", "create", "--name", "Clinique du Parc"]);
    assert!(created.status.success(), "{}", text(&created.stderr));

    let dry = dir.knead(&["import", "patients", "--dry-run", &synthea()]);
    let first = dir.knead(&["import", "patients", &synthea()]);
    let second = dir.knead(&["import", "patients", "--format", "csv", &synthea()]);

    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).starts_with("Dry run, nothing written"));
    assert!(first.status.success(), "{}", text(&first.stderr));
    let first = text(&first.stdout);
    assert!(first.contains("New patients: 13"), "{first}");
    assert!(first.contains("line 4 Samantha681 Fay398"), "{first}");
    let second = text(&second.stdout);
    assert!(second.contains("New patients: 0"), "{second}");
    assert!(second.contains("Skipped: 13"), "{second}");
}

#[test]
fn a_malformed_file_fails_naming_its_line() {
    let dir = DataDir::new("bad");
    dir.knead(&["clinic", "create", "--name", "Clinique du Parc"]);
    let file = dir.0.join("clients.csv");
    std::fs::write(&file, "First,Last\nAna,Roy\nLuc,Roy,extra\n").unwrap();

    let output = dir.knead(&["import", "patients", &file.to_string_lossy()]);
    let listed = dir.knead(&[
        "import",
        "patients",
        "--dry-run",
        "--map",
        "Prénom",
        "x.csv",
    ]);

    assert!(!output.status.success());
    let error = text(&output.stderr);
    assert!(error.contains("clients.csv: line 3"), "{error}");
    assert!(!listed.status.success());
    assert!(text(&listed.stderr).contains("COLUMN=FIELD"));
}
