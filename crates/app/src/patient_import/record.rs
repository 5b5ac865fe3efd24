//! One person read from a file, in any format, before it is checked: where it came from and
//! the text of each field. [`Incoming::into_input`] tidies what other software writes
//! differently (province names, foreign postal codes, phone labels) into a
//! [`PatientInput`], leaving out with a note what cannot be kept rather than refusing the
//! whole person for an address detail.

use knead_domain::setup::{PatientInput, postal_code};
use knead_domain::values::{self, Province};
use std::fmt;

/// Where a person is in the file, as the person running the import finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// `line` (a CSV row or an NDJSON line), `card` (vCard) or `entry` (FHIR Bundle).
    pub kind: &'static str,
    pub number: usize,
    /// The file line it starts on, when that differs from `number`.
    pub line: Option<usize>,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.number)?;
        match self.line {
            Some(line) => write!(f, " (line {line})"),
            None => Ok(()),
        }
    }
}

/// Field texts as read; every one may be missing.
#[derive(Clone, Default)]
pub(crate) struct Incoming {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    /// A whole name in one field, split when first and last are not given apart.
    pub full_name: Option<String>,
    pub preferred_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub email: Option<String>,
    /// Numbers of no known kind, best first; the first valid one is kept.
    pub phones: Vec<String>,
    /// Numbers known to be a mobile, a home or a work phone, best first.
    pub mobile_phones: Vec<String>,
    pub home_phones: Vec<String>,
    pub work_phones: Vec<String>,
    /// The kind of the number the person prefers, when the file says.
    pub preferred_phone: Option<&'static str>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    /// Set when the record is not a person at all (a FHIR animal patient).
    pub not_a_person: Option<&'static str>,
}

/// A field that was left out of an imported person, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LeftOut {
    pub field: &'static str,
    pub why: String,
}

impl Incoming {
    /// The input to validate, and the fields left out on the way.
    pub(crate) fn into_input(self) -> (PatientInput, Vec<LeftOut>) {
        let mut left_out = Vec::new();
        let (first, last) = self.names();
        let phones = self.phones(&mut left_out);
        let province = self.province(&mut left_out);
        let postal = self.postal_code(&mut left_out);
        let birth = self
            .date_of_birth
            .as_deref()
            .and_then(|raw| birth_date(raw, &mut left_out));
        let input = PatientInput {
            legal_first_name: first,
            legal_last_name: last,
            preferred_name: one_line(self.preferred_name),
            date_of_birth: birth,
            email: self.email.map(|e| e.trim().to_owned()),
            phone: phones.phone,
            mobile_phone: phones.mobile,
            home_phone: phones.home,
            work_phone: phones.work,
            preferred_phone: phones.preferred.map(str::to_owned),
            address_line1: one_line(self.address_line1),
            address_line2: one_line(self.address_line2),
            city: one_line(self.city),
            province,
            postal_code: postal,
            ..PatientInput::default()
        };
        (input, left_out)
    }

    /// First and last name: given apart, or taken from the full name. When one of them is
    /// known, the full name without it is the other; otherwise the full name is split at
    /// its last space.
    fn names(&self) -> (Option<String>, Option<String>) {
        let first = one_line(self.first_name.clone());
        let last = one_line(self.last_name.clone());
        let full = one_line(self.full_name.clone());
        match (first, last, full) {
            (Some(first), Some(last), _) => (Some(first), Some(last)),
            (None, Some(last), Some(full)) => {
                let given = non_blank(full.strip_suffix(last.as_str()))
                    .or_else(|| full.rsplit_once(' ').map(|(given, _)| given.trim()));
                (given.map(str::to_owned), Some(last))
            }
            (Some(first), None, Some(full)) => {
                let family = non_blank(full.strip_prefix(first.as_str()))
                    .or_else(|| full.rsplit_once(' ').map(|(_, family)| family));
                (Some(first), family.map(str::to_owned))
            }
            (None, None, Some(full)) => match full.rsplit_once(' ') {
                Some((given, family)) => (Some(given.trim().to_owned()), Some(family.to_owned())),
                None => (None, Some(full)),
            },
            (first, last, None) => (first, last),
        }
    }

    /// The first valid number of each kind. With numbers of a known kind, an untyped one
    /// fills the first empty kind (mobile, then home, then work); without, it stays the one
    /// `phone`. Invalid numbers are left out with a note when no valid one is found.
    fn phones(&self, left_out: &mut Vec<LeftOut>) -> Phones {
        let mut mobile = first_valid(&self.mobile_phones, left_out);
        let mut home = first_valid(&self.home_phones, left_out);
        let mut work = first_valid(&self.work_phones, left_out);
        let untyped = first_valid(&self.phones, left_out);
        if mobile.is_none() && home.is_none() && work.is_none() {
            return Phones {
                phone: untyped,
                ..Phones::default()
            };
        }
        if let Some(number) = untyped {
            let slot = [&mut mobile, &mut home, &mut work]
                .into_iter()
                .find(|slot| slot.is_none());
            if let Some(slot) = slot {
                *slot = Some(number);
            }
        }
        let has = |kind: &str| match kind {
            "mobile" => mobile.is_some(),
            "home" => home.is_some(),
            _ => work.is_some(),
        };
        let preferred = self.preferred_phone.filter(|kind| has(kind));
        Phones {
            phone: None,
            mobile,
            home,
            work,
            preferred,
        }
    }

    fn province(&self, left_out: &mut Vec<LeftOut>) -> Option<String> {
        let raw = self.province.as_deref()?.trim();
        if raw.is_empty() {
            return None;
        }
        match province_code(raw) {
            Some(province) => Some(province.code().to_owned()),
            None => {
                left_out.push(LeftOut {
                    field: "province",
                    why: format!("'{raw}' is not a Canadian province or territory"),
                });
                None
            }
        }
    }

    fn postal_code(&self, left_out: &mut Vec<LeftOut>) -> Option<String> {
        let raw = self.postal_code.as_deref()?.trim();
        match postal_code(raw) {
            Ok(code) => code,
            Err(_) => {
                left_out.push(LeftOut {
                    field: "postal_code",
                    why: format!("'{raw}' is not a Canadian postal code"),
                });
                None
            }
        }
    }
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The phone fields of a patient input.
#[derive(Default)]
struct Phones {
    phone: Option<String>,
    mobile: Option<String>,
    home: Option<String>,
    work: Option<String>,
    preferred: Option<&'static str>,
}

/// The first valid phone number among `candidates`; when none is valid, the first is
/// named in a note.
fn first_valid(candidates: &[String], left_out: &mut Vec<LeftOut>) -> Option<String> {
    let candidates: Vec<&str> = candidates
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .collect();
    let valid = candidates
        .iter()
        .find(|p| values::phone(p).is_ok_and(|v| v.is_some()));
    match (valid, candidates.first()) {
        (Some(phone), _) => Some((*phone).to_owned()),
        (None, Some(first)) => {
            left_out.push(LeftOut {
                field: "phone",
                why: format!("'{first}' is not a phone number"),
            });
            None
        }
        (None, None) => None,
    }
}

/// Text on one line: line breaks (a vCard street in several lines) become ", ".
fn one_line(text: Option<String>) -> Option<String> {
    let text = text?;
    let joined = text
        .split(['\n', '\r'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    (!joined.is_empty()).then_some(joined)
}

/// Known shortcoming: only year-first dates are read (`YYYY-MM-DD`, `YYYYMMDD`,
/// `YYYY/MM/DD`). Day-first and month-first dates (`12/04/1985`) are refused row by row,
/// since one row cannot tell which order the file uses; a `--date-order dmy|mdy` option
/// would let such files in.
///
/// A birth date as `YYYY-MM-DD` when it can be read as one; a date with no year or no day
/// (`--0322`, `1974-12`) is left out with a note, and anything else is passed on as it is
/// so that the check refuses it, naming the value.
fn birth_date(raw: &str, left_out: &mut Vec<LeftOut>) -> Option<String> {
    let text = raw.trim();
    let day = text.split(['T', ' ']).next().unwrap_or(text);
    if day.is_empty() {
        return None;
    }
    if day.starts_with("--") || (day.len() == 7 && day.as_bytes()[4] == b'-') || day.len() == 4 {
        left_out.push(LeftOut {
            field: "date_of_birth",
            why: format!("'{text}' is not a whole date"),
        });
        return None;
    }
    let digits = day.len() == 8 && day.chars().all(|c| c.is_ascii_digit());
    let normal = if digits {
        format!("{}-{}-{}", &day[..4], &day[4..6], &day[6..])
    } else {
        day.replace('/', "-")
    };
    Some(normal)
}

/// A province or territory from its code or its English or French name.
pub(crate) fn province_code(raw: &str) -> Option<Province> {
    if let Ok(province) = Province::parse(raw) {
        return Some(province);
    }
    let folded = values::slugify(raw);
    let names: [(&str, Province); 19] = [
        ("alberta", Province::AB),
        ("british-columbia", Province::BC),
        ("colombie-britannique", Province::BC),
        ("manitoba", Province::MB),
        ("new-brunswick", Province::NB),
        ("nouveau-brunswick", Province::NB),
        ("newfoundland-and-labrador", Province::NL),
        ("terre-neuve-et-labrador", Province::NL),
        ("nova-scotia", Province::NS),
        ("nouvelle-ecosse", Province::NS),
        ("northwest-territories", Province::NT),
        ("territoires-du-nord-ouest", Province::NT),
        ("nunavut", Province::NU),
        ("ontario", Province::ON),
        ("prince-edward-island", Province::PE),
        ("ile-du-prince-edouard", Province::PE),
        ("quebec", Province::QC),
        ("saskatchewan", Province::SK),
        ("yukon", Province::YT),
    ];
    names
        .iter()
        .find(|(name, _)| *name == folded)
        .map(|(_, p)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_name_is_split_at_its_last_space() {
        let incoming = Incoming {
            full_name: Some("Marie-Ève  Côté".into()),
            ..Incoming::default()
        };

        let (input, _) = incoming.into_input();

        assert_eq!(input.legal_first_name.as_deref(), Some("Marie-Ève"));
        assert_eq!(input.legal_last_name.as_deref(), Some("Côté"));
    }

    #[test]
    fn a_known_last_name_is_taken_off_the_full_name() {
        let incoming = Incoming {
            last_name: Some("van de Heuvel".into()),
            full_name: Some("Pieter van de Heuvel".into()),
            ..Incoming::default()
        };

        let (input, _) = incoming.into_input();

        assert_eq!(input.legal_first_name.as_deref(), Some("Pieter"));
        assert_eq!(input.legal_last_name.as_deref(), Some("van de Heuvel"));
    }

    #[test]
    fn foreign_address_parts_are_left_out_with_a_reason() {
        let incoming = Incoming {
            first_name: Some("Ana".into()),
            last_name: Some("Roy".into()),
            province: Some("Stockholm".into()),
            postal_code: Some("141 34".into()),
            city: Some("Huddinge".into()),
            ..Incoming::default()
        };

        let (input, left_out) = incoming.into_input();

        assert_eq!(input.province, None);
        assert_eq!(input.postal_code, None);
        assert_eq!(input.city.as_deref(), Some("Huddinge"));
        let fields: Vec<&str> = left_out.iter().map(|l| l.field).collect();
        assert_eq!(fields, ["province", "postal_code"]);
    }

    #[test]
    fn provinces_are_read_from_english_and_french_names() {
        assert_eq!(province_code("Québec"), Some(Province::QC));
        assert_eq!(province_code("Colombie-Britannique"), Some(Province::BC));
        assert_eq!(province_code("on"), Some(Province::ON));
        assert_eq!(province_code("New York"), None);
    }

    #[test]
    fn compact_and_timed_birth_dates_become_plain_dates() {
        let mut left_out = Vec::new();

        assert_eq!(
            birth_date("19800322", &mut left_out).as_deref(),
            Some("1980-03-22")
        );
        assert_eq!(
            birth_date("1980-03-22T00:00:00Z", &mut left_out).as_deref(),
            Some("1980-03-22")
        );
        assert_eq!(birth_date("--0322", &mut left_out), None);
        assert_eq!(left_out.len(), 1);
    }

    #[test]
    fn the_first_valid_phone_is_kept() {
        let incoming = Incoming {
            phones: vec!["BusinessPhone".into(), "(905) 555-1234".into()],
            ..Incoming::default()
        };

        let (input, left_out) = incoming.into_input();

        assert_eq!(input.phone.as_deref(), Some("(905) 555-1234"));
        assert!(left_out.is_empty());
    }

    #[test]
    fn numbers_of_a_known_kind_fill_their_own_fields() {
        let incoming = Incoming {
            mobile_phones: vec!["514 555 0101".into()],
            work_phones: vec!["call me".into(), "514 555 0199".into()],
            phones: vec!["450 555 0100".into()],
            preferred_phone: Some("work"),
            ..Incoming::default()
        };

        let (input, _) = incoming.into_input();

        assert_eq!(input.phone, None);
        assert_eq!(input.mobile_phone.as_deref(), Some("514 555 0101"));
        assert_eq!(input.home_phone.as_deref(), Some("450 555 0100"));
        assert_eq!(input.work_phone.as_deref(), Some("514 555 0199"));
        assert_eq!(input.preferred_phone.as_deref(), Some("work"));
    }
}
