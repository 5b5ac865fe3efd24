//! Spreadsheet exports: a header row, then one person a row, separated by `,` or `;` (French
//! Excel) or tabs. Columns are matched to fields by their header, in English or French,
//! ignoring case, accents and punctuation; `--map COLUMN=FIELD` overrides a guess or names
//! a column the guesses miss.

use super::record::{Incoming, Position};
use super::{FileError, Read};
use knead_domain::values::slugify;

/// Fields a column can fill. `ignore` leaves a column out.
pub const FIELDS: [&str; 16] = [
    "legal_first_name",
    "legal_last_name",
    "full_name",
    "preferred_name",
    "date_of_birth",
    "email",
    "phone",
    "mobile_phone",
    "home_phone",
    "work_phone",
    "address_line1",
    "address_line2",
    "city",
    "province",
    "postal_code",
    "ignore",
];

/// Header names (folded by [`fold`]) that each field is guessed from.
///
/// Known shortcoming: the patient record's pronouns, emergency contact, family doctor and
/// desk notes are not imported from any format yet, and a date of death (Synthea's
/// `DEATHDATE`) is ignored, so a deceased person is imported like any other; each needs a
/// field here and in the vCard and FHIR readers.
const GUESSES: [(&str, &[&str]); 15] = [
    (
        "legal_first_name",
        &[
            "first",
            "firstname",
            "givenname",
            "given",
            "prenom",
            "legalfirstname",
            "fname",
            "prenomlegal",
        ],
    ),
    (
        "legal_last_name",
        &[
            "last",
            "lastname",
            "surname",
            "familyname",
            "family",
            "nom",
            "nomdefamille",
            "legallastname",
            "lname",
        ],
    ),
    (
        "full_name",
        &[
            "name",
            "fullname",
            "nomcomplet",
            "clientname",
            "patientname",
            "client",
            "patient",
            "label",
        ],
    ),
    (
        "preferred_name",
        &[
            "preferredname",
            "preferredfirstname",
            "nickname",
            "prenomusuel",
            "surnom",
            "knownas",
        ],
    ),
    (
        "date_of_birth",
        &[
            "birthdate",
            "dob",
            "dateofbirth",
            "birthday",
            "datedenaissance",
            "naissance",
            "ddn",
        ],
    ),
    (
        "email",
        &[
            "email",
            "emailaddress",
            "courriel",
            "adressecourriel",
            "mail",
            "adressemail",
            "adresseelectronique",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "phonenumber",
            "telephone",
            "tel",
            "primaryphonenumber",
            "numerodetelephone",
            "secondaryphonenumber",
        ],
    ),
    (
        "mobile_phone",
        &[
            "mobile",
            "mobilephone",
            "cell",
            "cellphone",
            "cellulaire",
            "mobilephonenumber",
            "telephonecellulaire",
        ],
    ),
    (
        "home_phone",
        &[
            "homephone",
            "telephonemaison",
            "telephonedomicile",
            "domicile",
        ],
    ),
    (
        "work_phone",
        &[
            "workphone",
            "businessphone",
            "telephonetravail",
            "travail",
            "bureau",
        ],
    ),
    (
        "address_line1",
        &[
            "address",
            "address1",
            "addressline1",
            "street",
            "streetaddress",
            "adresse",
            "adresse1",
            "rue",
        ],
    ),
    (
        "address_line2",
        &[
            "address2",
            "addressline2",
            "adresse2",
            "apt",
            "unit",
            "suite",
        ],
    ),
    ("city", &["city", "town", "ville", "municipalite"]),
    (
        "province",
        &[
            "province",
            "state",
            "provincestate",
            "provinceetat",
            "region",
        ],
    ),
    (
        "postal_code",
        &[
            "postalcode",
            "postcode",
            "zip",
            "zipcode",
            "codepostal",
            "zippc",
            "postal",
        ],
    ),
];

/// A header name folded for matching: lower case, no accents, letters and digits only.
fn fold(header: &str) -> String {
    slugify(header).replace('-', "")
}

/// The field a header is guessed to hold.
fn guess(header: &str) -> Option<&'static str> {
    let folded = fold(header);
    GUESSES
        .iter()
        .find(|(_, names)| names.contains(&folded.as_str()))
        .map(|(field, _)| *field)
}

/// The separator the header row uses most: `,`, `;` or a tab.
fn delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| header.bytes().filter(|b| b == d).count())
        .unwrap_or(b',')
}

/// Reads every row. A row that cannot be read at all (a quote never closed) refuses the
/// file, naming its line; a header no field is guessed for is reported, not refused.
pub(crate) fn read(text: &str, map: &[(String, String)]) -> Result<Read, FileError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_error(&e, "the header row cannot be read"))?
        .clone();
    let columns = columns(&headers, map)?;
    let mut read = Read {
        columns: headers
            .iter()
            .zip(&columns)
            .map(|(h, f)| (h.to_owned(), f.unwrap_or("ignore").to_owned()))
            .collect(),
        ..Read::default()
    };
    for row in reader.records() {
        let row = row.map_err(|e| csv_error(&e, "this row cannot be read"))?;
        let line = row.position().map_or(0, |p| p.line() as usize);
        if row.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let position = Position {
            kind: "line",
            number: line,
            line: None,
        };
        read.people.push((position, person(&row, &columns)));
    }
    Ok(read)
}

/// The field of each column: `--map` first, then the guesses; a name is needed.
fn columns(
    headers: &csv::StringRecord,
    map: &[(String, String)],
) -> Result<Vec<Option<&'static str>>, FileError> {
    for (column, field) in map {
        if !headers.iter().any(|h| fold(h) == fold(column)) {
            let known: Vec<&str> = headers.iter().collect();
            return Err(FileError::field(
                "map",
                format!(
                    "the file has no column '{column}' (its columns: {})",
                    known.join(", ")
                ),
            ));
        }
        if !FIELDS.contains(&field.as_str()) {
            return Err(FileError::field(
                "map",
                format!(
                    "'{field}' is not a patient field; use one of {}",
                    FIELDS.join(", ")
                ),
            ));
        }
    }
    let columns: Vec<Option<&'static str>> = headers
        .iter()
        .map(|header| {
            let mapped = map.iter().find(|(c, _)| fold(c) == fold(header));
            match mapped {
                Some((_, field)) => FIELDS
                    .iter()
                    .find(|f| **f == field.as_str())
                    .copied()
                    .filter(|f| *f != "ignore"),
                None => guess(header),
            }
        })
        .collect();
    let has = |field: &str| columns.contains(&Some(field));
    let named = has("full_name") || (has("legal_first_name") && has("legal_last_name"));
    if !named {
        let known: Vec<&str> = headers.iter().collect();
        return Err(FileError::field(
            "map",
            format!(
                "no column was recognised as the first and last name (or a full name); \
                 name them with --map COLUMN=legal_first_name and --map COLUMN=legal_last_name \
                 (the file's columns: {})",
                known.join(", ")
            ),
        ));
    }
    Ok(columns)
}

/// One row as a person: the first non-blank cell of each field's columns.
fn person(row: &csv::StringRecord, columns: &[Option<&'static str>]) -> Incoming {
    let cell = |field: &str| {
        row.iter()
            .zip(columns)
            .filter(|(_, f)| **f == Some(field))
            .map(|(c, _)| c.trim())
            .find(|c| !c.is_empty())
            .map(str::to_owned)
    };
    let phones = |field: &str| {
        row.iter()
            .zip(columns)
            .filter(|(_, f)| **f == Some(field))
            .map(|(c, _)| c.trim().to_owned())
            .collect()
    };
    Incoming {
        first_name: cell("legal_first_name"),
        last_name: cell("legal_last_name"),
        full_name: cell("full_name"),
        preferred_name: cell("preferred_name"),
        date_of_birth: cell("date_of_birth"),
        email: cell("email"),
        phones: phones("phone"),
        mobile_phones: phones("mobile_phone"),
        home_phones: phones("home_phone"),
        work_phones: phones("work_phone"),
        preferred_phone: None,
        address_line1: cell("address_line1"),
        address_line2: cell("address_line2"),
        city: cell("city"),
        province: cell("province"),
        postal_code: cell("postal_code"),
        not_a_person: None,
    }
}

fn csv_error(error: &csv::Error, what: &str) -> FileError {
    let line = error.position().map_or(0, |p| p.line() as usize);
    FileError::at(line, format!("{what}: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_headers_and_semicolons_are_understood() {
        let text = "Prénom;Nom;Date de naissance;Courriel;Téléphone\n\
                    Zoé;Côté;1990-04-01;zoe@example.ca;514 555 0101\n";

        let read = read(text, &[]).unwrap();

        let (position, person) = &read.people[0];
        assert_eq!(position.number, 2);
        assert_eq!(person.first_name.as_deref(), Some("Zoé"));
        assert_eq!(person.last_name.as_deref(), Some("Côté"));
        assert_eq!(person.date_of_birth.as_deref(), Some("1990-04-01"));
        assert_eq!(person.email.as_deref(), Some("zoe@example.ca"));
        assert_eq!(person.phones, ["514 555 0101"]);
    }

    #[test]
    fn a_map_overrides_the_guess() {
        let text = "Client,Surnom,Nom\nAna,Nana,Roy\n";
        let map = [("client".to_owned(), "legal_first_name".to_owned())];

        let read = read(text, &map).unwrap();

        let person = &read.people[0].1;
        assert_eq!(person.first_name.as_deref(), Some("Ana"));
        assert_eq!(person.preferred_name.as_deref(), Some("Nana"));
    }

    #[test]
    fn a_file_without_name_columns_is_refused_naming_its_columns() {
        let error = read("Id,START,STOP\n1,2,3\n", &[]).unwrap_err();

        assert_eq!(error.field, "map");
        assert!(error.message.contains("START"), "{}", error.message);
    }

    #[test]
    fn a_map_to_an_unknown_column_is_refused() {
        let map = [("Courriel".to_owned(), "email".to_owned())];

        let error = read("First,Last\nAna,Roy\n", &map).unwrap_err();

        assert!(error.message.contains("Courriel"), "{}", error.message);
    }
}
