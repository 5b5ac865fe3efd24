//! The patient list as CSV for people allowed to export it: UTF-8 with a byte-order mark so
//! spreadsheet programs read accents right, and every cell that a spreadsheet would take for
//! a formula neutralised. The export is audited with its count, never with the names.

use crate::{App, AppError, Staff, page_request, record};
use knead_domain::Permission;
use knead_domain::setup::Patient;
use knead_store::StoreError;
use serde_json::json;

/// A finished export: the file's bytes and how many patients it holds.
#[derive(Clone)]
pub struct PatientExport {
    pub csv: Vec<u8>,
    pub count: usize,
}

/// Hand-written so the patients in the file never reach a log.
impl std::fmt::Debug for PatientExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatientExport")
            .field("count", &self.count)
            .finish_non_exhaustive()
    }
}

const HEADER: [&str; 12] = [
    "id",
    "legal_first_name",
    "legal_last_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "address_line1",
    "address_line2",
    "city",
    "province",
    "postal_code",
];

impl App {
    /// Every patient matching `query` (all when blank), as CSV.
    pub async fn export_patients(
        &self,
        staff: &Staff,
        query: &str,
    ) -> Result<PatientExport, AppError> {
        staff.require(Permission::ExportPatients)?;
        let mut patients = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .patients(staff, query, &page_request(Some(500), cursor)?)
                .await?;
            patients.extend(page.items);
            cursor = page.next_cursor;
            if cursor.is_none() {
                break;
            }
        }
        let now = self.clock.epoch();
        let mut tx = self.store.write().await?;
        let detail = json!({ "count": patients.len(), "searched": !query.trim().is_empty() });
        let entity = ("patient_list", staff.clinic_id.as_str());
        let actor = staff.actor();
        record(
            &mut tx,
            &staff.clinic_id,
            &actor,
            "patients.exported",
            entity,
            detail,
            now,
        )
        .await?;
        tx.commit().await.map_err(StoreError::from)?;
        tracing::info!(clinic_id = %staff.clinic_id, count = patients.len(), "patients exported");
        Ok(PatientExport {
            csv: patients_csv(&patients),
            count: patients.len(),
        })
    }
}

/// The CSV file of `patients`, BOM first, lines ending in CRLF as RFC 4180 says.
pub fn patients_csv(patients: &[Patient]) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    push_line(&mut out, HEADER.iter().map(|h| h.to_string()));
    for patient in patients {
        push_line(&mut out, cells(patient).into_iter());
    }
    out.into_bytes()
}

fn cells(patient: &Patient) -> Vec<String> {
    let f = &patient.fields;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        patient.id.to_string(),
        f.legal_first_name.clone(),
        f.legal_last_name.clone(),
        text(&f.preferred_name),
        f.date_of_birth.map(|d| d.to_string()).unwrap_or_default(),
        f.email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
        text(&f.phone),
        text(&f.address.address_line1),
        text(&f.address.address_line2),
        text(&f.address.city),
        f.province.map(|p| p.code().to_owned()).unwrap_or_default(),
        text(&f.address.postal_code),
    ]
}

fn push_line(out: &mut String, cells: impl Iterator<Item = String>) {
    let line: Vec<String> = cells.map(|c| quoted(&neutralised(&c))).collect();
    out.push_str(&line.join(","));
    out.push_str("\r\n");
}

/// A cell a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading apostrophe, so it shows as the text it is.
fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

fn quoted(cell: &str) -> String {
    format!("\"{}\"", cell.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        assert_eq!(neutralised("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralised("+1 416 555 0100"), "'+1 416 555 0100");
        assert_eq!(neutralised("-2"), "'-2");
        assert_eq!(neutralised("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralised("Zoé"), "Zoé");
        assert_eq!(neutralised("a=b"), "a=b");
    }

    #[test]
    fn cells_are_quoted_with_doubled_quotes() {
        assert_eq!(quoted("say \"hi\", ok"), "\"say \"\"hi\"\", ok\"");
    }
}
