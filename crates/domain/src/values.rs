//! Validated values parsed once at the edge: names, emails, phones, provinces, zones, minutes.

use crate::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest free-text field we accept (names, addresses, colleges).
pub const MAX_TEXT: usize = 200;

/// Required single-line text, trimmed, 1 to 200 characters.
pub fn required_text(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new("is required"));
    }
    optional_text(text).map(|t| t.unwrap_or_default())
}

/// Optional single-line text: blank becomes `None`.
pub fn optional_text(raw: &str) -> Result<Option<String>, Invalid> {
    let text = raw.trim();
    if text.chars().count() > MAX_TEXT {
        return Err(Invalid::new(format!(
            "must be at most {MAX_TEXT} characters"
        )));
    }
    if text.chars().any(|c| c.is_control()) {
        return Err(Invalid::new(
            "must be a single line without control characters",
        ));
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

/// An email address, lower-cased for comparison. The check is deliberately modest: one `@`,
/// a dot in the domain, no spaces; delivery is what proves an address.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, Invalid> {
        let text = raw.trim().to_lowercase();
        let bad = || Invalid::new(format!("'{}' is not an email address", raw.trim()));
        let (local, domain) = text.split_once('@').ok_or_else(bad)?;
        let well_formed = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !text.chars().any(|c| c.is_whitespace() || c.is_control())
            && text.len() <= 254;
        if well_formed {
            Ok(Email(text))
        } else {
            Err(bad())
        }
    }

    pub fn from_trusted(raw: impl Into<String>) -> Email {
        Email(raw.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number as typed, checked to hold 7 to 15 digits and only phone punctuation.
pub fn phone(raw: &str) -> Result<Option<String>, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let allowed = text
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().x".contains(c));
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if !allowed || !(7..=15).contains(&digits) {
        return Err(Invalid::new(format!("'{text}' is not a phone number")));
    }
    Ok(Some(text.to_owned()))
}

/// A Canadian province or territory, by its two-letter postal code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Province {
    AB,
    BC,
    MB,
    NB,
    NL,
    NS,
    NT,
    NU,
    ON,
    PE,
    QC,
    SK,
    YT,
}

impl Province {
    pub const ALL: [Province; 13] = [
        Province::AB,
        Province::BC,
        Province::MB,
        Province::NB,
        Province::NL,
        Province::NS,
        Province::NT,
        Province::NU,
        Province::ON,
        Province::PE,
        Province::QC,
        Province::SK,
        Province::YT,
    ];

    pub fn parse(raw: &str) -> Result<Province, Invalid> {
        let code = raw.trim().to_uppercase();
        if code.is_empty() {
            return Err(Invalid::new("is required"));
        }
        Province::ALL
            .into_iter()
            .find(|p| p.code() == code)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "'{}' is not a Canadian province or territory code",
                    raw.trim()
                ))
            })
    }

    pub fn code(self) -> &'static str {
        match self {
            Province::AB => "AB",
            Province::BC => "BC",
            Province::MB => "MB",
            Province::NB => "NB",
            Province::NL => "NL",
            Province::NS => "NS",
            Province::NT => "NT",
            Province::NU => "NU",
            Province::ON => "ON",
            Province::PE => "PE",
            Province::QC => "QC",
            Province::SK => "SK",
            Province::YT => "YT",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Province::AB => "Alberta",
            Province::BC => "British Columbia",
            Province::MB => "Manitoba",
            Province::NB => "New Brunswick",
            Province::NL => "Newfoundland and Labrador",
            Province::NS => "Nova Scotia",
            Province::NT => "Northwest Territories",
            Province::NU => "Nunavut",
            Province::ON => "Ontario",
            Province::PE => "Prince Edward Island",
            Province::QC => "Quebec",
            Province::SK => "Saskatchewan",
            Province::YT => "Yukon",
        }
    }
}

/// An IANA time zone name known to the bundled tz database (`America/Toronto`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Zone(String);

impl Zone {
    pub fn parse(raw: &str) -> Result<Zone, Invalid> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(Invalid::new("is required"));
        }
        match jiff::tz::TimeZone::get(name) {
            Ok(tz) => Ok(Zone(tz.iana_name().unwrap_or(name).to_owned())),
            Err(_) => Err(Invalid::new(format!(
                "'{name}' is not a known IANA time zone"
            ))),
        }
    }

    pub fn from_trusted(name: impl Into<String>) -> Zone {
        Zone(name.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A whole number of minutes within `min..=max`, for durations, buffers and grid steps.
pub fn minutes(raw: &str, min: i64, max: i64) -> Result<i64, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(Invalid::new("is required"));
    }
    let value: i64 = text
        .parse()
        .map_err(|_| Invalid::new(format!("'{text}' is not a whole number of minutes")))?;
    if value < min || value > max {
        return Err(Invalid::new(format!(
            "must be between {min} and {max} minutes"
        )));
    }
    Ok(value)
}

/// A yes/no field as forms and JSON send it.
pub fn flag(raw: &str) -> Result<bool, Invalid> {
    match raw.trim().to_lowercase().as_str() {
        "true" | "on" | "yes" | "1" => Ok(true),
        "false" | "off" | "no" | "0" | "" => Ok(false),
        other => Err(Invalid::new(format!("'{other}' is not true or false"))),
    }
}

/// A calendar date `YYYY-MM-DD`, not in the future relative to `today`.
pub fn birth_date(
    raw: &str,
    today: jiff::civil::Date,
) -> Result<Option<jiff::civil::Date>, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let date: jiff::civil::Date = text
        .parse()
        .map_err(|_| Invalid::new(format!("'{text}' is not a date in the form YYYY-MM-DD")))?;
    if date > today {
        return Err(Invalid::new("is in the future"));
    }
    if date.year() < 1900 {
        return Err(Invalid::new("is before 1900"));
    }
    Ok(Some(date))
}

/// A website address; `https://` is added when no scheme is given.
pub fn website(raw: &str) -> Result<Option<String>, Invalid> {
    let Some(text) = optional_text(raw)? else {
        return Ok(None);
    };
    let url = if text.contains("://") {
        text
    } else {
        format!("https://{text}")
    };
    let valid = (url.starts_with("https://") || url.starts_with("http://"))
        && url
            .split("://")
            .nth(1)
            .is_some_and(|rest| rest.contains('.'))
        && !url.contains(char::is_whitespace);
    if valid {
        Ok(Some(url))
    } else {
        Err(Invalid::new(format!("'{url}' is not a web address")))
    }
}

/// A URL-safe name for public pages, derived from a clinic or location name.
pub fn slugify(name: &str) -> String {
    let mut slug = String::new();
    for c in name.to_lowercase().chars() {
        let c = fold_accent(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-').to_owned();
    if slug.is_empty() {
        "clinic".to_owned()
    } else {
        slug
    }
}

fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ä' | 'ã' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'ö' | 'õ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ÿ' | 'ý' => 'y',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        assert_eq!(
            Email::parse("  Ana@Example.CA ").unwrap().as_str(),
            "ana@example.ca"
        );
        assert!(Email::parse("ana@example").is_err());
        assert!(Email::parse("ana example@x.ca").is_err());
        assert!(Email::parse("@x.ca").is_err());
    }

    #[test]
    fn provinces_parse_by_code_in_any_case() {
        assert_eq!(Province::parse("on").unwrap(), Province::ON);
        assert!(Province::parse("ZZ").unwrap_err().0.contains("'ZZ'"));
    }

    #[test]
    fn zones_come_from_the_tz_database() {
        assert_eq!(
            Zone::parse("America/St_Johns").unwrap().as_str(),
            "America/St_Johns"
        );
        assert!(
            Zone::parse("Mars/Olympus")
                .unwrap_err()
                .0
                .contains("Mars/Olympus")
        );
    }

    #[test]
    fn minutes_reject_text_and_out_of_range_values() {
        assert_eq!(minutes("60", 1, 600).unwrap(), 60);
        assert!(minutes("sixty", 1, 600).unwrap_err().0.contains("'sixty'"));
        assert!(minutes("-5", 0, 600).is_err());
    }

    #[test]
    fn slugs_fold_french_accents() {
        assert_eq!(slugify("Clinique Zoé & Frères"), "clinique-zoe-freres");
        assert_eq!(slugify("!!!"), "clinic");
    }

    #[test]
    fn phones_need_enough_digits() {
        assert_eq!(
            phone("(416) 555-0134").unwrap().as_deref(),
            Some("(416) 555-0134")
        );
        assert!(phone("call me").is_err());
        assert_eq!(phone("").unwrap(), None);
    }
}
