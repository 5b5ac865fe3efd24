//! Patient import on SQLite and PostgreSQL, on the shared sample files as they are (copied
//! under `tests/data`): Synthea's CSV export, ez-vcard's phone and mail-client exports and
//! the HL7 FHIR examples, plus small files written here for what those lack: a French
//! Windows-1252 spreadsheet, duplicates, a re-import, and malformed files.
//!
//! "Now" is 2026-03-02, so no sample birth date is in the future.

use knead_app::auth::OwnerSignup;
use knead_app::import::Silent;
use knead_app::patient_import::{PatientImport, PatientImportReport, SameAs};
use knead_app::{App, AppError, Clock, PageRequest, Staff};
use knead_domain::Role;
use knead_domain::setup::{Patient, PatientInput};
use knead_testkit::{TestDb, on_both_backends};
use std::path::{Path, PathBuf};

struct Clinic {
    app: App,
    staff: Staff,
}

async fn clinic(db: &TestDb) -> Clinic {
    let app = App::new(
        db.store.clone(),
        Clock::fixed("2026-03-02T14:00:00Z".parse().unwrap()),
    );
    let signup = OwnerSignup {
        clinic_name: "Clinique du Parc".into(),
        owner_name: "Maude Ouellet".into(),
        email: "owner@parc.example".into(),
        password: "a long enough password".into(),
        password_confirm: None,
    };
    let staff = app.first_setup(&signup).await.unwrap().staff;
    Clinic { app, staff }
}

fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(relative)
}

impl Clinic {
    async fn import_bytes(
        &self,
        name: &str,
        bytes: &[u8],
        dry_run: bool,
        map: &[(String, String)],
    ) -> Result<PatientImportReport, AppError> {
        let input = PatientImport {
            file_name: name,
            bytes,
            format: None,
            map,
            dry_run,
        };
        self.app.import_patients(&self.staff, &input, &Silent).await
    }

    async fn import_file(&self, relative: &str) -> PatientImportReport {
        let bytes = std::fs::read(data(relative)).unwrap();
        self.import_bytes(relative, &bytes, false, &[])
            .await
            .unwrap()
    }

    async fn patients(&self) -> Vec<Patient> {
        let page = PageRequest {
            limit: 500,
            after: None,
        };
        self.app
            .patients(&self.staff, "", &page)
            .await
            .unwrap()
            .items
    }

    async fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .patients()
            .await
            .iter()
            .map(|p| format!("{} {}", p.fields.legal_first_name, p.fields.legal_last_name))
            .collect();
        names.sort();
        names
    }
}

/// New, merged, skipped and rejected people.
type Counts = (usize, usize, usize, usize);

fn counts(report: &PatientImportReport) -> Counts {
    (
        report.imported.len(),
        report.merged.len(),
        report.skipped.len(),
        report.rejected.len(),
    )
}

async fn audit_actions(db: &TestDb, c: &Clinic) -> Vec<(String, String)> {
    let mut conn = db.store.read().await.unwrap();
    let events = knead_store::audit::list(&mut conn, &c.staff.clinic_id, None, 500).await;
    events
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.detail))
        .collect()
}

fn csv(text: &str) -> Vec<u8> {
    text.as_bytes().to_vec()
}

async fn the_synthea_export_becomes_thirteen_patients_without_its_swedish_postcodes(db: TestDb) {
    let c = clinic(&db).await;

    let report = c.import_file("csv-formats/synthea-csv/patients.csv").await;

    assert_eq!(counts(&report), (13, 0, 0, 0), "{report}");
    assert!(report.imported.iter().all(|p| p.id.is_some()));
    let patients = c.patients().await;
    assert_eq!(patients.len(), 13);
    let samantha = patients
        .iter()
        .find(|p| p.fields.legal_first_name == "Samantha681")
        .unwrap();
    assert_eq!(samantha.fields.legal_last_name, "Fay398");
    assert_eq!(
        samantha.fields.date_of_birth.unwrap().to_string(),
        "1974-06-28"
    );
    assert_eq!(
        samantha.fields.address.address_line1.as_deref(),
        Some("507 Gibson Ville Apt 11")
    );
    assert_eq!(samantha.fields.address.city.as_deref(), Some("Huddinge"));
    assert_eq!(samantha.fields.address.postal_code, None);
    assert_eq!(samantha.fields.province, None);
    let left_out: Vec<&str> = report.left_out.iter().map(|l| l.field).collect();
    assert_eq!(left_out.len(), 26);
    assert_eq!(&left_out[..2], ["province", "postal_code"]);
    assert_eq!(report.left_out[0].at.number, 2);
}

async fn each_new_patient_is_audited_and_the_import_names_no_one(db: TestDb) {
    let c = clinic(&db).await;

    c.import_file("csv-formats/synthea-csv/patients.csv").await;

    let events = audit_actions(&db, &c).await;
    let created = events
        .iter()
        .filter(|(a, _)| a == "patient.created")
        .count();
    assert_eq!(created, 13);
    let imports: Vec<&String> = events
        .iter()
        .filter(|(a, _)| a == "patients.imported")
        .map(|(_, d)| d)
        .collect();
    assert_eq!(imports.len(), 1);
    assert!(imports[0].contains("\"created\":13"), "{}", imports[0]);
    for (_, detail) in &events {
        assert!(
            !detail.contains("Fay398") && !detail.contains("Huddinge"),
            "{detail}"
        );
    }
}

/// People, merged, skipped and rejected per vCard sample, each imported into an empty
/// clinic (dry runs, so the files do not meet each other).
const VCARDS: [(&str, Counts); 11] = [
    // Two cards with an email only, and one with a one-word name, have no first name.
    ("John_Doe_ANDROID.vcf", (3, 0, 0, 3)),
    ("John_Doe_BLACK_BERRY.vcf", (1, 0, 0, 0)),
    ("John_Doe_EVOLUTION.vcf", (1, 0, 0, 0)),
    ("John_Doe_GMAIL.vcf", (1, 0, 0, 0)),
    ("John_Doe_LOTUS_NOTES.vcf", (1, 0, 0, 0)),
    ("John_Doe_MS_OUTLOOK.vcf", (1, 0, 0, 0)),
    ("fullcontact.vcf", (1, 0, 0, 0)),
    ("gmail-single.vcf", (1, 0, 0, 0)),
    ("gmail-single2.vcf", (1, 0, 0, 0)),
    ("issue114.vcf", (1, 0, 0, 0)),
    ("outlook-2003.vcf", (1, 0, 0, 0)),
];

async fn every_vcard_sample_is_read_with_its_counts(db: TestDb) {
    let c = clinic(&db).await;

    for (file, expected) in VCARDS {
        let bytes = std::fs::read(data(&format!("vcard/ez-vcard/{file}"))).unwrap();
        let report = c.import_bytes(file, &bytes, true, &[]).await.unwrap();
        assert_eq!(report.format, "vcard");
        assert_eq!(counts(&report), expected, "{file}:\n{report}");
    }

    assert!(c.patients().await.is_empty(), "a dry run wrote patients");
}

async fn vcard_fields_are_read_from_phone_and_mail_exports(db: TestDb) {
    let c = clinic(&db).await;

    c.import_file("vcard/ez-vcard/gmail-single.vcf").await;
    let report = c.import_file("vcard/ez-vcard/John_Doe_ANDROID.vcf").await;

    let patients = c.patients().await;
    let greg = patients
        .iter()
        .find(|p| p.fields.legal_last_name == "Dartmouth")
        .unwrap();
    let f = &greg.fields;
    assert_eq!(f.legal_first_name, "Greg");
    assert_eq!(f.preferred_name.as_deref(), Some("Gman"));
    assert_eq!(f.date_of_birth.unwrap().to_string(), "1960-09-10");
    assert_eq!(f.email.as_ref().unwrap().as_str(), "gdartmouth@hotmail.com");
    assert_eq!(f.phone.as_deref(), Some("555 555 1111"));
    assert_eq!(f.phones.mobile_phone.as_deref(), Some("555 555 1111"));
    assert_eq!(f.phones.home_phone.as_deref(), Some("555 555 2222"));
    assert_eq!(
        f.address.address_line1.as_deref(),
        Some("123 Home St, Home City, HM 12345")
    );
    // Android's quoted-printable UTF-8 names keep their accents.
    let android = patients
        .iter()
        .find(|p| {
            p.fields
                .email
                .as_ref()
                .is_some_and(|e| e.as_str() == "bob@company.com")
        })
        .unwrap();
    assert_eq!(android.fields.legal_first_name, "Ñ Ñ Ñ");
    assert_eq!(android.fields.legal_last_name, "Ñ Ñ");
    assert_eq!(report.rejected[0].at.number, 1);
    assert_eq!(report.rejected[0].at.line, Some(1));
    assert_eq!(report.rejected[0].field, "legal_first_name");
}

async fn phones_of_each_kind_fill_their_own_fields_and_the_preferred_one_is_kept(db: TestDb) {
    let c = clinic(&db).await;
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gagnon;Noé;;;\r\nBDAY:1979-11-02\r\n\
                TEL;TYPE=CELL:514-555-0101\r\nTEL;TYPE=WORK,VOICE;TYPE=pref:514-555-0199\r\n\
                TEL;TYPE=WORK,FAX:514-555-0198\r\nEND:VCARD\r\n\
                BEGIN:VCARD\r\nVERSION:3.0\r\nN:Gagnon;Noé;;;\r\nBDAY:1979-11-02\r\n\
                TEL;TYPE=HOME:450-555-0100\r\nTEL;TYPE=CELL:514 555 0102\r\nEND:VCARD\r\n";

    c.import_file("vcard/ez-vcard/fullcontact.vcf").await;
    let report = c
        .import_bytes("noe.vcf", card.as_bytes(), false, &[])
        .await
        .unwrap();

    assert_eq!(counts(&report), (1, 1, 0, 0), "{report}");
    assert_eq!(
        report.merged[0].filled,
        ["home_phone"],
        "the mobile is not overwritten"
    );
    let patients = c.patients().await;
    let full = patients
        .iter()
        .find(|p| p.fields.legal_last_name == "LastName")
        .unwrap();
    assert_eq!(
        full.fields.phones.home_phone.as_deref(),
        Some("555-555-1111")
    );
    assert_eq!(
        full.fields.phones.work_phone.as_deref(),
        Some("555-555-1112")
    );
    assert_eq!(
        full.fields.phones.mobile_phone.as_deref(),
        Some("555-555-1113")
    );
    let noe = patients
        .iter()
        .find(|p| p.fields.legal_last_name == "Gagnon")
        .unwrap();
    let phones = &noe.fields.phones;
    assert_eq!(phones.mobile_phone.as_deref(), Some("514-555-0101"));
    assert_eq!(
        phones.work_phone.as_deref(),
        Some("514-555-0199"),
        "not the fax"
    );
    assert_eq!(phones.home_phone.as_deref(), Some("450-555-0100"));
    assert_eq!(
        noe.fields.phone.as_deref(),
        Some("514-555-0199"),
        "the preferred one"
    );
}

async fn every_fhir_sample_is_read_and_other_resources_are_counted(db: TestDb) {
    let c = clinic(&db).await;
    let mut files: Vec<PathBuf> = std::fs::read_dir(data("fhir/hl7-r4b-examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut totals = (0, 0, 0, 0);
    let mut practitioners = 0;

    for path in &files {
        let bytes = std::fs::read(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let report = c.import_bytes(&name, &bytes, true, &[]).await.unwrap();
        let (i, m, s, r) = counts(&report);
        totals = (totals.0 + i, totals.1 + m, totals.2 + s, totals.3 + r);
        practitioners += report
            .other_resources
            .get("Practitioner")
            .copied()
            .unwrap_or(0);
        if !name.starts_with("patient") && !name.starts_with("bundle") {
            assert_eq!(report.people, 0, "{name}");
            assert!(!report.other_resources.is_empty(), "{name}");
        }
    }

    assert_eq!(files.len(), 104);
    // 39 Patient resources: the Bundle of 12 has four people sharing one phone (3 skipped),
    // the transaction Bundle repeats one person five times (4 skipped), a dog is skipped,
    // and five have no usable first name (fetal, newborn, proband, DICOM, a name in
    // Chinese characters with no family/given split).
    assert_eq!(totals, (26, 0, 8, 5));
    assert_eq!(practitioners, 14 + 59);
}

async fn a_shared_family_phone_under_another_name_is_skipped_with_the_reason(db: TestDb) {
    let c = clinic(&db).await;

    let report = c
        .import_file("fhir/hl7-r4b-examples/patient-examples-general.json")
        .await;

    assert_eq!(counts(&report), (9, 0, 3, 0), "{report}");
    let skipped = &report.skipped[0];
    assert_eq!(skipped.at.kind, "entry");
    assert_eq!(skipped.at.number, 5);
    assert!(
        skipped.reason.contains("same phone as entry 4"),
        "{}",
        skipped.reason
    );
    assert_eq!(c.patients().await.len(), 9);
}

async fn a_fhir_patient_keeps_its_given_names_usual_name_and_contacts(db: TestDb) {
    let c = clinic(&db).await;

    c.import_file("fhir/hl7-r4b-examples/patient-example.json")
        .await;
    c.import_file("fhir/hl7-r4b-examples/patient-example-f001-pieter.json")
        .await;

    let patients = c.patients().await;
    let peter = patients
        .iter()
        .find(|p| p.fields.legal_last_name == "Chalmers")
        .unwrap();
    assert_eq!(peter.fields.legal_first_name, "Peter James");
    assert_eq!(peter.fields.preferred_name.as_deref(), Some("Jim"));
    assert_eq!(
        peter.fields.date_of_birth.unwrap().to_string(),
        "1974-12-25"
    );
    assert_eq!(peter.fields.address.city.as_deref(), Some("PleasantVille"));
    let pieter = patients
        .iter()
        .find(|p| p.fields.legal_first_name == "Pieter")
        .unwrap();
    assert_eq!(pieter.fields.legal_last_name, "van de Heuvel");
    assert_eq!(
        pieter.fields.email.as_ref().unwrap().as_str(),
        "p.heuvel@gmail.com"
    );
    assert_eq!(
        pieter.fields.phones.mobile_phone.as_deref(),
        Some("0648352638")
    );
}

async fn ndjson_reads_one_resource_a_line(db: TestDb) {
    let c = clinic(&db).await;
    let text = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Lévesque\",\"given\":[\"Élodie\"]}],\"birthDate\":\"1988-02-29\"}\n\
                {\"resourceType\":\"Observation\",\"status\":\"final\"}\n\
                {\"resourceType\":\"Patient\",\"name\":[{\"text\":\"Noé Gagnon\"}],\"telecom\":[{\"system\":\"email\",\"value\":\"noe@example.ca\"}]}\n";

    let report = c
        .import_bytes("export.ndjson", text.as_bytes(), false, &[])
        .await
        .unwrap();

    assert_eq!(report.format, "fhir");
    assert_eq!(counts(&report), (2, 0, 0, 0), "{report}");
    assert_eq!(report.imported[1].at.number, 3);
    assert_eq!(report.other_resources.get("Observation"), Some(&1));
    assert_eq!(c.names().await, ["Noé Gagnon", "Élodie Lévesque"]);
}

async fn a_windows_1252_french_spreadsheet_keeps_its_accents(db: TestDb) {
    let c = clinic(&db).await;
    // Excel on a French Windows: Windows-1252 bytes, semicolons, French headers.
    let mut bytes = Vec::new();
    bytes.extend_from_slice(b"Pr\xe9nom;Nom;Date de naissance;Courriel;T\xe9l\xe9phone;Adresse;Ville;Province;Code postal\r\n");
    bytes.extend_from_slice(b"Zo\xe9;C\xf4t\xe9;1990-04-01;zoe.cote@example.ca;514 555 0101;12 rue Saint-Andr\xe9;Montr\xe9al;Qu\xe9bec;h2x1y4\r\n");
    bytes.extend_from_slice(b"Fran\xe7ois;L\xe9vesque;;;;;Trois-Rivi\xe8res;QC;\r\n");

    let report = c
        .import_bytes("clients.csv", &bytes, false, &[])
        .await
        .unwrap();

    assert_eq!(counts(&report), (2, 0, 0, 0), "{report}");
    assert!(report.notes.iter().any(|n| n.contains("Windows-1252")));
    assert_eq!(c.names().await, ["François Lévesque", "Zoé Côté"]);
    let patients = c.patients().await;
    let zoe = patients
        .iter()
        .find(|p| p.fields.legal_first_name == "Zoé")
        .unwrap();
    assert_eq!(
        zoe.fields.address.address_line1.as_deref(),
        Some("12 rue Saint-André")
    );
    assert_eq!(zoe.fields.address.city.as_deref(), Some("Montréal"));
    assert_eq!(zoe.fields.province.unwrap().code(), "QC");
    assert_eq!(zoe.fields.address.postal_code.as_deref(), Some("H2X 1Y4"));
}

async fn importing_the_same_file_again_adds_no_one(db: TestDb) {
    let c = clinic(&db).await;
    c.import_file("csv-formats/synthea-csv/patients.csv").await;

    let again = c.import_file("csv-formats/synthea-csv/patients.csv").await;

    assert_eq!(counts(&again), (0, 0, 13, 0), "{again}");
    assert!(
        again.skipped[0].reason.contains("already there as patient"),
        "{again}"
    );
    assert!(again.left_out.is_empty(), "nothing kept, nothing left out");
    assert_eq!(c.patients().await.len(), 13);
}

async fn a_duplicate_fills_only_empty_fields_of_the_patient_already_there(db: TestDb) {
    let c = clinic(&db).await;
    let input = PatientInput {
        legal_first_name: Some("Zoé".into()),
        legal_last_name: Some("Côté".into()),
        date_of_birth: Some("1990-04-01".into()),
        phone: Some("514 555 0101".into()),
        ..PatientInput::default()
    };
    let existing = c.app.create_patient(&c.staff, &input).await.unwrap();
    let file = csv("first,last,dob,email,phone,city\n\
                    ZOE,cote,1990-04-01,zoe@example.ca,438 555 0199,Laval\n");

    let report = c
        .import_bytes("update.csv", &file, false, &[])
        .await
        .unwrap();

    assert_eq!(counts(&report), (0, 1, 0, 0), "{report}");
    let merged = &report.merged[0];
    assert_eq!(merged.into, SameAs::Patient(existing.id.to_string()));
    assert_eq!(merged.filled, ["email", "city"]);
    assert_eq!(merged.matched_on, "name and birth date");
    let after = c.app.patient(&c.staff, &existing.id).await.unwrap().fields;
    assert_eq!(after.legal_first_name, "Zoé", "names are never overwritten");
    assert_eq!(
        after.phone.as_deref(),
        Some("514 555 0101"),
        "never overwritten"
    );
    assert_eq!(after.email.unwrap().as_str(), "zoe@example.ca");
    assert_eq!(after.address.city.as_deref(), Some("Laval"));
    let updated = audit_actions(&db, &c).await;
    let update = updated
        .iter()
        .find(|(a, _)| a == "patient.updated")
        .unwrap();
    assert!(
        update.1.contains("\"email\"") && !update.1.contains("zoe@"),
        "{}",
        update.1
    );
}

async fn duplicates_inside_the_file_merge_into_the_first(db: TestDb) {
    let c = clinic(&db).await;
    let file = csv("Name,Email,Phone\n\
                    Ana Roy,ana@example.ca,\n\
                    Luc Roy,luc@example.ca,\n\
                    ANA ROY,Ana@Example.ca,(416) 555-0134\n");

    let report = c.import_bytes("list.csv", &file, false, &[]).await.unwrap();

    assert_eq!(counts(&report), (2, 1, 0, 0), "{report}");
    let merged = &report.merged[0];
    assert_eq!(merged.at.number, 4);
    assert_eq!(merged.matched_on, "email");
    assert!(matches!(merged.into, SameAs::EarlierInFile(at) if at.number == 2));
    let patients = c.patients().await;
    assert_eq!(patients.len(), 2);
    let ana = patients
        .iter()
        .find(|p| p.fields.legal_first_name == "Ana")
        .unwrap();
    assert_eq!(ana.fields.phone.as_deref(), Some("(416) 555-0134"));
    assert_eq!(report.merged[0].filled, ["mobile_phone"]);
}

async fn rejected_rows_name_their_line_and_reason_and_the_rest_is_imported(db: TestDb) {
    let c = clinic(&db).await;
    let file = csv("First name,Last name,Birth date,Email\n\
                    Ana,Roy,1985-04-12,ana@example.ca\n\
                    Luc,Roy,12/04/1985,\n\
                    ,Tremblay,,\n\
                    Noé,Gagnon,,not-an-email\n\
                    Léa,Roy,2030-01-01,\n\
                    <script>alert(1)</script>,Roy,,\n");

    let report = c.import_bytes("list.csv", &file, false, &[]).await.unwrap();

    assert_eq!(counts(&report), (2, 0, 0, 4), "{report}");
    let rejected: Vec<(usize, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.at.number, r.field.as_str()))
        .collect();
    assert_eq!(
        rejected,
        [
            (3, "date_of_birth"),
            (4, "legal_first_name"),
            (5, "email"),
            (6, "date_of_birth")
        ]
    );
    assert!(report.rejected[2].reason.contains("not-an-email"));
    assert!(report.rejected[3].reason.contains("future"));
    // Markup is kept as text; pages escape it when they show it.
    assert!(
        c.names()
            .await
            .contains(&"<script>alert(1)</script> Roy".to_owned())
    );
}

async fn a_map_names_columns_the_guesses_miss(db: TestDb) {
    let c = clinic(&db).await;
    let file = csv("Qui,Famille,Né le\nAna,Roy,1985-04-12\n");
    let map = [
        ("Qui".to_owned(), "legal_first_name".to_owned()),
        ("famille".to_owned(), "legal_last_name".to_owned()),
        ("Né le".to_owned(), "date_of_birth".to_owned()),
    ];

    let refused = c
        .import_bytes("list.csv", &file, false, &[])
        .await
        .unwrap_err();
    let report = c
        .import_bytes("list.csv", &file, false, &map)
        .await
        .unwrap();

    let AppError::Invalid(errors) = refused else {
        panic!("{refused:?}")
    };
    assert!(errors.get("map").unwrap().contains("Famille"), "{errors}");
    assert_eq!(counts(&report), (1, 0, 0, 0), "{report}");
    let ana = &c.patients().await[0];
    assert_eq!(ana.fields.date_of_birth.unwrap().to_string(), "1985-04-12");
}

async fn a_malformed_file_is_refused_naming_its_line_and_nothing_is_written(db: TestDb) {
    let c = clinic(&db).await;
    let files: [(&str, &[u8], &str); 3] = [
        ("list.csv", b"First,Last\nAna,Roy\nLuc,Roy,extra\n", "line 3"),
        ("cards.vcf", b"BEGIN:VCARD\nVERSION:3.0\nN:Roy;Ana;;;\nEND:VCARD\nBEGIN:VCARD\nN:Roy;Luc;;;\n", "line 5"),
        ("bundle.json", b"{\"resourceType\":\"Bundle\",\"entry\":[\n{\"resource\":{\"resourceType\":\"Patient\"}}\n,]}", "line 3"),
    ];
    let before = audit_actions(&db, &c).await.len();

    for (name, bytes, line) in files {
        let error = c.import_bytes(name, bytes, false, &[]).await.unwrap_err();

        let AppError::Invalid(errors) = error else {
            panic!("{name}: {error:?}")
        };
        let message = errors.get("file").unwrap();
        assert!(
            message.starts_with(name) && message.contains(line),
            "{message}"
        );
    }

    assert!(c.patients().await.is_empty());
    assert_eq!(audit_actions(&db, &c).await.len(), before);
}

async fn a_dry_run_reports_and_writes_nothing(db: TestDb) {
    let c = clinic(&db).await;
    let before = audit_actions(&db, &c).await.len();

    let bytes = std::fs::read(data("csv-formats/synthea-csv/patients.csv")).unwrap();
    let report = c
        .import_bytes("patients.csv", &bytes, true, &[])
        .await
        .unwrap();

    assert!(report.dry_run);
    assert_eq!(counts(&report), (13, 0, 0, 0));
    assert!(report.imported.iter().all(|p| p.id.is_none()));
    assert!(c.patients().await.is_empty());
    assert_eq!(audit_actions(&db, &c).await.len(), before);
}

async fn staff_who_may_not_manage_patients_cannot_import(db: TestDb) {
    let c = clinic(&db).await;
    let bookkeeper = Staff {
        role: Role::Bookkeeper,
        permissions: knead_domain::permissions::PermissionSet::defaults(Role::Bookkeeper),
        ..c.staff.clone()
    };
    let input = PatientImport {
        file_name: "list.csv",
        bytes: b"First,Last\nAna,Roy\n",
        format: None,
        map: &[],
        dry_run: false,
    };

    let refused = c.app.import_patients(&bookkeeper, &input, &Silent).await;

    assert!(matches!(refused, Err(AppError::Forbidden)), "{refused:?}");
    assert!(c.patients().await.is_empty());
}

on_both_backends!(
    the_synthea_export_becomes_thirteen_patients_without_its_swedish_postcodes,
    each_new_patient_is_audited_and_the_import_names_no_one,
    every_vcard_sample_is_read_with_its_counts,
    vcard_fields_are_read_from_phone_and_mail_exports,
    every_fhir_sample_is_read_and_other_resources_are_counted,
    phones_of_each_kind_fill_their_own_fields_and_the_preferred_one_is_kept,
    a_shared_family_phone_under_another_name_is_skipped_with_the_reason,
    a_fhir_patient_keeps_its_given_names_usual_name_and_contacts,
    ndjson_reads_one_resource_a_line,
    a_windows_1252_french_spreadsheet_keeps_its_accents,
    importing_the_same_file_again_adds_no_one,
    a_duplicate_fills_only_empty_fields_of_the_patient_already_there,
    duplicates_inside_the_file_merge_into_the_first,
    rejected_rows_name_their_line_and_reason_and_the_rest_is_imported,
    a_map_names_columns_the_guesses_miss,
    a_malformed_file_is_refused_naming_its_line_and_nothing_is_written,
    a_dry_run_reports_and_writes_nothing,
    staff_who_may_not_manage_patients_cannot_import,
);
