//! Statutory and optional holidays of each province and territory, computed from the rules of
//! the Canada Holidays API (`data/holidays/`, embedded in the binary; see its `SOURCES.md`).
//!
//! [`holidays`] lists every day the file names for a province, **optional ones included** and
//! flagged: a day is optional when the province's law does not oblige employers to give it
//! (Easter Monday in Ontario, Boxing Day in Alberta, ...). A clinic's default closed days are
//! usually the others, `holidays(p, y).into_iter().filter(|h| !h.optional)`; the clinic then
//! adds or removes days of its own, which is why this is a plain list to filter.
//!
//! The dates are the holidays themselves, not their observed days: when Canada Day falls on
//! a Sunday, the Monday off that some employers give is not in the list.

mod rule;

#[cfg(test)]
mod oracle;

use crate::values::Province;
use jiff::civil::Date;
use rule::Rule;
use std::sync::OnceLock;

const RULES_CSV: &str = include_str!("../../../data/holidays/holidays-by-province.derived.csv");

/// First and last years computed: Easter needs the Gregorian calendar, and jiff's dates end
/// with 9999.
const YEARS: std::ops::RangeInclusive<i16> = 1583..=9999;

/// One holiday of one province in one year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holiday {
    pub date: Date,
    pub name_en: &'static str,
    pub name_fr: &'static str,
    /// Listed for the province but not obliged by its law; a clinic opts in.
    pub optional: bool,
}

/// The holidays of `province` in `year`, sorted by date, optional ones included and flagged.
/// Days that began or ended in a known year (National Day for Truth and Reconciliation from
/// 2021, the 2022 Day of Mourning) appear only in their years. Empty outside 1583 to 9999.
pub fn holidays(province: Province, year: i16) -> Vec<Holiday> {
    if !YEARS.contains(&year) {
        return Vec::new();
    }
    let mut list: Vec<Holiday> = rows()
        .iter()
        .filter(|row| row.province == province && row.in_force(year))
        .filter_map(|row| row.holiday(year))
        .collect();
    list.sort_by_key(|holiday| (holiday.date, holiday.name_en));
    list
}

/// One line of the rules file: a holiday as one province keeps it.
#[derive(Debug)]
struct Row {
    name_en: String,
    name_fr: String,
    rule: Rule,
    first_year: Option<i16>,
    last_year: Option<i16>,
    province: Province,
    optional: bool,
}

impl Row {
    fn in_force(&self, year: i16) -> bool {
        self.first_year.is_none_or(|first| first <= year)
            && self.last_year.is_none_or(|last| year <= last)
    }

    fn holiday(&'static self, year: i16) -> Option<Holiday> {
        Some(Holiday {
            date: self.rule.date(year)?,
            name_en: &self.name_en,
            name_fr: &self.name_fr,
            optional: self.optional,
        })
    }
}

/// The rows of the embedded file, parsed once. A row that does not parse is left out; the
/// tests prove that every row of the shipped file parses.
fn rows() -> &'static [Row] {
    static ROWS: OnceLock<Vec<Row>> = OnceLock::new();
    ROWS.get_or_init(|| parse_rows(RULES_CSV).0)
}

/// Every row that parses, and a message for each that does not. The first line is the
/// header; fields are as `holidays-by-province.derived.csv` writes them.
fn parse_rows(csv: &str) -> (Vec<Row>, Vec<String>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in csv.lines().enumerate().skip(1) {
        match parse_row(line) {
            Ok(row) => rows.push(row),
            Err(error) => errors.push(format!("line {}: {error}", index + 1)),
        }
    }
    (rows, errors)
}

fn parse_row(line: &str) -> Result<Row, String> {
    let fields = csv_fields(line);
    let [
        name_en,
        name_fr,
        rule,
        _federal,
        first,
        last,
        province,
        optional,
    ] = fields.as_slice()
    else {
        return Err(format!("expected 8 fields, found {}", fields.len()));
    };

    Ok(Row {
        name_en: name_en.trim().to_owned(),
        name_fr: name_fr.trim().to_owned(),
        rule: Rule::parse(rule)?,
        first_year: year_field(first)?,
        last_year: year_field(last)?,
        province: Province::parse(province).map_err(|invalid| invalid.0)?,
        optional: flag_field(optional)?,
    })
}

fn year_field(text: &str) -> Result<Option<i16>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    let year = text
        .parse()
        .map_err(|_| format!("'{text}' is not a year"))?;
    Ok(Some(year))
}

fn flag_field(text: &str) -> Result<bool, String> {
    match text {
        "0" => Ok(false),
        "1" => Ok(true),
        other => Err(format!("'{other}' is not 0 or 1")),
    }
}

/// Splits one CSV line into fields: commas separate, double quotes enclose a field that may
/// hold commas, and `""` inside quotes is one quote. The file has no line breaks in fields.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                push_char(&mut fields, '"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => push_char(&mut fields, c),
        }
    }
    fields
}

fn push_char(fields: &mut [String], c: char) {
    if let Some(field) = fields.last_mut() {
        field.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schedule::testing::day;

    #[test]
    fn every_row_of_the_embedded_file_parses() {
        let (rows, errors) = parse_rows(RULES_CSV);

        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(rows.len(), 150);
    }

    #[test]
    fn ontario_2026_lists_its_statutory_days_and_flags_the_optional_ones() {
        let list = holidays(Province::ON, 2026);

        let statutory: Vec<(String, &str)> = list
            .iter()
            .filter(|h| !h.optional)
            .map(|h| (h.date.to_string(), h.name_en))
            .collect();
        let optional: Vec<&str> = list
            .iter()
            .filter(|h| h.optional)
            .map(|h| h.name_en)
            .collect();
        let expected = [
            ("2026-01-01", "New Year’s Day"),
            ("2026-02-16", "Family Day"),
            ("2026-04-03", "Good Friday"),
            ("2026-05-18", "Victoria Day"),
            ("2026-07-01", "Canada Day"),
            ("2026-09-07", "Labour Day"),
            ("2026-10-12", "Thanksgiving"),
            ("2026-12-25", "Christmas Day"),
            ("2026-12-26", "Boxing Day"),
        ];
        let expected: Vec<(String, &str)> =
            expected.iter().map(|(d, n)| (d.to_string(), *n)).collect();
        assert_eq!(statutory, expected);
        assert_eq!(
            optional,
            ["Easter Monday", "Civic Holiday", "Remembrance Day"]
        );
    }

    #[test]
    fn days_with_first_and_last_years_appear_only_in_those_years() {
        let bc = |year| holidays(Province::BC, year);
        let named = |list: Vec<Holiday>, name: &str| list.iter().any(|h| h.name_en == name);

        assert!(!named(
            bc(2020),
            "National Day for Truth and Reconciliation"
        ));
        assert!(named(bc(2021), "National Day for Truth and Reconciliation"));
        assert!(named(bc(2022), "Day of Mourning for Queen Elizabeth II"));
        assert!(!named(bc(2023), "Day of Mourning for Queen Elizabeth II"));
    }

    #[test]
    fn french_names_come_trimmed() {
        let manitoba = holidays(Province::MB, 2026);

        let orange = manitoba
            .iter()
            .find(|h| h.date == day("2026-09-30"))
            .unwrap();

        assert_eq!(orange.name_fr, "Jour du chandail orange");
    }

    #[test]
    fn years_before_the_gregorian_calendar_or_past_9999_give_no_days() {
        assert!(holidays(Province::QC, 1582).is_empty());
        assert!(holidays(Province::QC, i16::MIN).is_empty());
        assert!(holidays(Province::QC, i16::MAX).is_empty());
        assert!(!holidays(Province::QC, 9999).is_empty());
    }

    #[test]
    fn quoted_fields_keep_commas_and_doubled_quotes() {
        let fields = csv_fields(r#"plain,"with, comma","say ""hi""",,end"#);

        assert_eq!(fields, ["plain", "with, comma", "say \"hi\"", "", "end"]);
    }
}
