//! HL7 FHIR R4 `Patient` resources: one resource, a `Bundle` of entries, or NDJSON (one
//! resource a line, as bulk data exports write). Other resource types are counted and
//! passed over. Only the fields Knead keeps are read, through small structs of our own.

use super::record::{Incoming, Position};
use super::{FileError, Read};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, Default)]
#[serde(default)]
struct Patient {
    name: Vec<HumanName>,
    telecom: Vec<ContactPoint>,
    #[serde(rename = "birthDate")]
    birth_date: Option<String>,
    address: Vec<Address>,
    extension: Vec<Extension>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HumanName {
    #[serde(rename = "use")]
    use_: Option<String>,
    text: Option<String>,
    family: Option<String>,
    given: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ContactPoint {
    system: Option<String>,
    value: Option<String>,
    #[serde(rename = "use")]
    use_: Option<String>,
    rank: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Address {
    #[serde(rename = "use")]
    use_: Option<String>,
    line: Vec<String>,
    city: Option<String>,
    state: Option<String>,
    #[serde(rename = "postalCode")]
    postal_code: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Extension {
    url: String,
}

const ANIMAL: &str = "http://hl7.org/fhir/StructureDefinition/patient-animal";

/// Reads a resource, a Bundle, or NDJSON. Text that is not JSON refuses the file with the
/// line of the error.
pub(crate) fn read(text: &str) -> Result<Read, FileError> {
    let mut read = Read::default();
    match serde_json::from_str::<Value>(text) {
        Ok(value) => read_document(&value, &mut read)?,
        Err(_) if first_line_is_a_resource(text) => read_ndjson(text, &mut read)?,
        Err(error) => return Err(json_error(&error, 0)),
    }
    Ok(read)
}

/// NDJSON: the file is not one JSON document, but its first line is one.
fn first_line_is_a_resource(text: &str) -> bool {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object())
}

fn read_document(value: &Value, read: &mut Read) -> Result<(), FileError> {
    match resource_type(value) {
        "Bundle" => {
            let entries = value.get("entry").and_then(Value::as_array);
            for (index, entry) in entries.into_iter().flatten().enumerate() {
                let position = Position {
                    kind: "entry",
                    number: index + 1,
                    line: None,
                };
                match entry.get("resource") {
                    Some(resource) => take(resource, position, read)?,
                    None => count(read, "(no resource)"),
                }
            }
            Ok(())
        }
        "" => Err(FileError::at(
            0,
            "this JSON is not a FHIR resource: it has no resourceType",
        )),
        _ => {
            let position = Position {
                kind: "resource",
                number: 1,
                line: None,
            };
            take(value, position, read)
        }
    }
}

fn read_ndjson(text: &str, read: &mut Read) -> Result<(), FileError> {
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).map_err(|e| json_error(&e, index + 1))?;
        let position = Position {
            kind: "line",
            number: index + 1,
            line: None,
        };
        take(&value, position, read)?;
    }
    Ok(())
}

fn resource_type(value: &Value) -> &str {
    value
        .get("resourceType")
        .and_then(Value::as_str)
        .unwrap_or("")
}

fn count(read: &mut Read, kind: &str) {
    *read.other_resources.entry(kind.to_owned()).or_default() += 1;
}

/// A Patient becomes a person; any other resource is counted by its type.
fn take(resource: &Value, position: Position, read: &mut Read) -> Result<(), FileError> {
    if resource_type(resource) != "Patient" {
        let kind = match resource_type(resource) {
            "" => "(no resourceType)",
            other => other,
        };
        count(read, kind);
        return Ok(());
    }
    let patient = Patient::deserialize(resource)
        .map_err(|e| FileError::at(0, format!("{position}: this Patient cannot be read: {e}")))?;
    read.people.push((position, person(&patient)));
    Ok(())
}

fn person(patient: &Patient) -> Incoming {
    let mut incoming = Incoming::default();
    if patient.extension.iter().any(|e| e.url == ANIMAL) {
        incoming.not_a_person = Some("an animal, not a person");
    }
    let current =
        |u: &Option<String>| !matches!(u.as_deref(), Some("old" | "maiden" | "anonymous"));
    let official = patient
        .name
        .iter()
        .filter(|n| current(&n.use_))
        .min_by_key(|n| match n.use_.as_deref() {
            Some("official") => 0,
            None => 1,
            _ => 2,
        });
    if let Some(name) = official {
        incoming.last_name = name.family.clone();
        incoming.first_name = (!name.given.is_empty()).then(|| name.given.join(" "));
        incoming.full_name = name.text.clone();
    }
    incoming.preferred_name = patient
        .name
        .iter()
        .find(|n| n.use_.as_deref() == Some("usual") && n.family.is_none())
        .and_then(|n| n.given.first().cloned());
    incoming.date_of_birth = patient.birth_date.clone();
    incoming.email = telecoms(patient, "email")
        .into_iter()
        .next()
        .map(|(v, _)| v);
    for (number, use_) in telecoms(patient, "phone") {
        let list = match use_.as_deref() {
            Some("mobile") => &mut incoming.mobile_phones,
            Some("home") => &mut incoming.home_phones,
            Some("work") => &mut incoming.work_phones,
            _ => &mut incoming.phones,
        };
        list.push(number);
    }
    let address = patient
        .address
        .iter()
        .filter(|a| a.use_.as_deref() != Some("old"))
        .min_by_key(|a| a.use_.as_deref() != Some("home"));
    if let Some(address) = address {
        incoming.address_line1 = address.line.first().cloned();
        incoming.address_line2 = (address.line.len() > 1).then(|| address.line[1..].join(", "));
        incoming.city = address.city.clone();
        incoming.province = address.state.clone();
        incoming.postal_code = address.postal_code.clone();
    }
    incoming
}

/// The values of one telecom system with their use, best first: by rank, then mobile and
/// home before work; numbers marked old are left out.
fn telecoms(patient: &Patient, system: &str) -> Vec<(String, Option<String>)> {
    let mut found: Vec<&ContactPoint> = patient
        .telecom
        .iter()
        .filter(|t| t.system.as_deref() == Some(system) && t.use_.as_deref() != Some("old"))
        .filter(|t| t.value.as_deref().is_some_and(|v| !v.trim().is_empty()))
        .collect();
    found.sort_by_key(|t| {
        let use_rank = match t.use_.as_deref() {
            Some("mobile") => 0,
            Some("home") => 1,
            None => 2,
            _ => 3,
        };
        (t.rank.unwrap_or(u32::MAX), use_rank)
    });
    found
        .into_iter()
        .filter_map(|t| Some((t.value.clone()?, t.use_.clone())))
        .collect()
}

fn json_error(error: &serde_json::Error, line: usize) -> FileError {
    let line = if line == 0 { error.line() } else { line };
    FileError::at(line, format!("this is not valid JSON: {error}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_counts_other_resources_and_reads_patients() {
        let text = "{\"resourceType\":\"Patient\",\"name\":[{\"family\":\"Côté\",\"given\":[\"Zoé\"]}]}\n\
                    {\"resourceType\":\"Practitioner\"}\n";

        let read = read(text).unwrap();

        assert_eq!(read.people.len(), 1);
        assert_eq!(read.people[0].0.number, 1);
        assert_eq!(read.people[0].1.last_name.as_deref(), Some("Côté"));
        assert_eq!(read.other_resources.get("Practitioner"), Some(&1));
    }

    #[test]
    fn broken_json_is_refused_with_its_line() {
        let error = read("{\"resourceType\":\"Bundle\",\n\"entry\": [\n}").unwrap_err();

        assert_eq!(error.line, 3);
    }
}
