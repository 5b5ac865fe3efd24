//! Address-book exports (`.vcf`) from phones and mail clients: vCard 2.1, 3.0 and 4.0.
//!
//! A small reader of our own, because the person needs the line of each card and of any
//! problem: lines are unfolded (a leading space or tab continues the line before), a
//! quoted-printable value of vCard 2.1 continues over lines ending in `=`, values are
//! decoded by their `CHARSET` (UTF-8 when none is named), and `\,`, `\;` and `\n` escapes
//! are undone after structured values (N, ADR) are split on their unescaped `;`.
//! Only N/FN, NICKNAME, BDAY, EMAIL, TEL and ADR are read; photos, keys, notes and the
//! rest are passed over.

use super::record::{Incoming, Position};
use super::source::decode_charset;
use super::{FileError, Read};

/// One unfolded content line and the file line it starts on.
struct Line {
    number: usize,
    text: String,
}

/// A property: its name (without any `item1.` group), parameters and raw value.
struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

impl Property {
    fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether a `TYPE` (or a bare 2.1 parameter) says `kind`.
    fn is(&self, kind: &str) -> bool {
        self.params.iter().any(|(n, v)| {
            let named = n.eq_ignore_ascii_case("TYPE") || v.is_empty();
            let value = if v.is_empty() { n } else { v };
            named
                && value
                    .split(',')
                    .any(|t| t.trim().trim_matches('"').eq_ignore_ascii_case(kind))
        })
    }

    fn preferred(&self) -> bool {
        self.is("pref") || self.param("PREF").is_some_and(|v| !v.is_empty())
    }

    /// The value decoded: quoted-printable undone and the charset applied.
    fn decoded(&self) -> String {
        let qp = self
            .param("ENCODING")
            .is_some_and(|e| e.eq_ignore_ascii_case("QUOTED-PRINTABLE"))
            || self.is("QUOTED-PRINTABLE");
        if qp {
            decode_charset(&quoted_printable(&self.value), self.param("CHARSET"))
        } else {
            self.value.clone()
        }
    }

    /// The value's parts split on unescaped `;`, each unescaped.
    fn parts(&self) -> Vec<String> {
        split_unescaped(&self.decoded(), ';')
            .into_iter()
            .map(|p| unescape(&p))
            .collect()
    }

    fn text(&self) -> String {
        unescape(&self.decoded())
    }
}

/// Reads every card. A card left open at the end of the file, or a line that is not a
/// property, refuses the file with its line.
pub(crate) fn read(text: &str) -> Result<Read, FileError> {
    let mut read = Read::default();
    let mut card: Option<(usize, Vec<Property>)> = None;
    for line in unfold(text) {
        if line.text.trim().is_empty() {
            continue;
        }
        let property = parse_line(&line)?;
        let name = property.name.to_ascii_uppercase();
        let value = property.value.trim().to_ascii_uppercase();
        match (name.as_str(), value.as_str(), &mut card) {
            ("BEGIN", "VCARD", None) => card = Some((line.number, Vec::new())),
            ("BEGIN", "VCARD", Some(_)) => {
                return Err(FileError::at(
                    line.number,
                    "a card begins before the card above it ends (END:VCARD is missing)",
                ));
            }
            ("END", "VCARD", Some(_)) => {
                let (start, properties) = card.take().unwrap_or_default();
                let position = Position {
                    kind: "card",
                    number: read.people.len() + 1,
                    line: Some(start),
                };
                read.people.push((position, person(&properties)));
            }
            (_, _, Some((_, properties))) => properties.push(property),
            (_, _, None) => {
                return Err(FileError::at(
                    line.number,
                    "this line is outside any BEGIN:VCARD ... END:VCARD card",
                ));
            }
        }
    }
    match card {
        Some((start, _)) => Err(FileError::at(
            start,
            "this card never ends (END:VCARD is missing)",
        )),
        None => Ok(read),
    }
}

/// Joins continuation lines: a line starting with a space or tab, and the line after a
/// quoted-printable line that ends in `=`.
fn unfold(text: &str) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    let mut soft_break = false;
    for (index, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let folded = raw.starts_with(' ') || raw.starts_with('\t');
        match lines.last_mut() {
            Some(last) if soft_break => last.text.push_str(raw.trim_start()),
            Some(last) if folded => last.text.push_str(&raw[1..]),
            _ => lines.push(Line {
                number: index + 1,
                text: raw.to_owned(),
            }),
        }
        soft_break = lines.last().is_some_and(|l| {
            l.text.ends_with('=') && l.text.to_ascii_uppercase().contains("QUOTED-PRINTABLE")
        });
        if soft_break && let Some(last) = lines.last_mut() {
            last.text.pop();
        }
    }
    lines
}

/// `[group.]NAME[;PARAM[=VALUE]]*:VALUE`, with `:` and `;` inside quoted parameter values
/// kept.
fn parse_line(line: &Line) -> Result<Property, FileError> {
    let mut in_quotes = false;
    let colon = line.text.char_indices().find(|(_, c)| {
        if *c == '"' {
            in_quotes = !in_quotes;
        }
        *c == ':' && !in_quotes
    });
    let Some((colon, _)) = colon else {
        return Err(FileError::at(
            line.number,
            "this line is not a vCard property (it has no ':')",
        ));
    };
    let (head, value) = (&line.text[..colon], &line.text[colon + 1..]);
    let mut pieces = split_unescaped_quoted(head).into_iter();
    let name = pieces.next().unwrap_or_default();
    let name = name.rsplit('.').next().unwrap_or(&name).trim().to_owned();
    let params = pieces
        .map(|p| match p.split_once('=') {
            Some((n, v)) => (n.trim().to_owned(), v.trim().trim_matches('"').to_owned()),
            None => (p.trim().to_owned(), String::new()),
        })
        .collect();
    Ok(Property {
        name,
        params,
        value: value.to_owned(),
    })
}

/// Splits parameters on `;` outside double quotes.
fn split_unescaped_quoted(head: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut in_quotes = false;
    for c in head.chars() {
        if c == ';' && !in_quotes {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        if c == '"' {
            in_quotes = !in_quotes;
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// Splits on `separator` where it is not escaped by a backslash; escapes are kept.
fn split_unescaped(value: &str, separator: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in value.chars() {
        if c == separator && !escaped {
            parts.push(std::mem::take(&mut current));
            continue;
        }
        escaped = c == '\\' && !escaped;
        current.push(c);
    }
    parts.push(current);
    parts
}

/// Undoes `\n`, `\,`, `\;`, `\:` and `\\`.
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Quoted-printable to bytes: `=XX` is a byte; a malformed escape is kept as it is.
fn quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'=', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// The first property named `name`, preferring those marked `pref`, then those of `kinds`
/// in that order.
fn ranked<'a>(properties: &'a [Property], name: &str, kinds: &[&str]) -> Vec<&'a Property> {
    let mut found: Vec<&Property> = properties
        .iter()
        .filter(|p| p.name.eq_ignore_ascii_case(name))
        .collect();
    found.sort_by_key(|p| {
        let kind = kinds.iter().position(|k| p.is(k)).unwrap_or(kinds.len());
        (!p.preferred(), kind)
    });
    found
}

fn person(properties: &[Property]) -> Incoming {
    let mut incoming = Incoming::default();
    if let Some(n) = ranked(properties, "N", &[]).first() {
        let parts = n.parts();
        let part = |i: usize| {
            parts
                .get(i)
                .map(|p| p.trim().to_owned())
                .filter(|p| !p.is_empty())
        };
        incoming.last_name = part(0);
        incoming.first_name = part(1);
    }
    incoming.full_name = ranked(properties, "FN", &[]).first().map(|p| p.text());
    incoming.preferred_name = ranked(properties, "NICKNAME", &[])
        .first()
        .and_then(|p| split_unescaped(&p.decoded(), ',').into_iter().next())
        .map(|n| unescape(&n));
    incoming.date_of_birth = ranked(properties, "BDAY", &[]).first().map(|p| p.text());
    incoming.email = ranked(properties, "EMAIL", &["home", "internet"])
        .iter()
        .map(|p| p.text().trim().to_owned())
        .find(|e| knead_domain::values::Email::parse(e).is_ok())
        .or_else(|| ranked(properties, "EMAIL", &[]).first().map(|p| p.text()));
    let numbers: Vec<&Property> = ranked(properties, "TEL", &[])
        .into_iter()
        .filter(|p| !p.is("fax") && !p.is("pager"))
        .collect();
    for tel in &numbers {
        let number = tel.text().trim_start_matches("tel:").to_owned();
        let list = match phone_kind(tel) {
            Some("mobile") => &mut incoming.mobile_phones,
            Some("home") => &mut incoming.home_phones,
            Some(_) => &mut incoming.work_phones,
            None => &mut incoming.phones,
        };
        list.push(number);
    }
    incoming.preferred_phone = numbers
        .iter()
        .find(|p| p.preferred())
        .and_then(|p| phone_kind(p));
    if let Some(adr) = ranked(properties, "ADR", &["home"]).first() {
        address(&mut incoming, &adr.parts());
    }
    incoming
}

/// `mobile`, `home` or `work`, from the TEL's types.
fn phone_kind(tel: &Property) -> Option<&'static str> {
    if tel.is("cell") {
        Some("mobile")
    } else if tel.is("home") {
        Some("home")
    } else if tel.is("work") {
        Some("work")
    } else {
        None
    }
}

/// ADR: post office box; extended address; street; locality; region; postal code; country.
fn address(incoming: &mut Incoming, parts: &[String]) {
    let part = |i: usize| {
        parts
            .get(i)
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
    };
    incoming.address_line1 = part(2).or_else(|| part(1)).or_else(|| part(0));
    incoming.address_line2 = part(2).and(part(1).or_else(|| part(0)));
    incoming.city = part(3);
    incoming.province = part(4);
    incoming.postal_code = part(5);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Incoming {
        let mut read = read(text).unwrap();
        assert_eq!(read.people.len(), 1);
        read.people.remove(0).1
    }

    #[test]
    fn quoted_printable_names_over_several_lines_are_decoded() {
        let card = "BEGIN:VCARD\r\nVERSION:2.1\r\n\
                    N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:C=C3=B4t=C3=A9;Zo=\r\n\
                    =C3=A9;;;\r\nEND:VCARD\r\n";

        let person = one(card);

        assert_eq!(person.last_name.as_deref(), Some("Côté"));
        assert_eq!(person.first_name.as_deref(), Some("Zoé"));
    }

    #[test]
    fn folded_lines_and_escapes_are_undone() {
        let card = "BEGIN:VCARD\nVERSION:3.0\nN:Roy;Ana;;;\nADR;TYPE=HOME:;;12 rue\n  \
                    Principale\\, app. 3;Montr\u{e9}al;QC;H2X 1Y4;Canada\nEND:VCARD\n";

        let person = one(card);

        assert_eq!(
            person.address_line1.as_deref(),
            Some("12 rue Principale, app. 3")
        );
        assert_eq!(person.city.as_deref(), Some("Montréal"));
        assert_eq!(person.province.as_deref(), Some("QC"));
    }

    #[test]
    fn the_preferred_email_and_a_cell_phone_come_first() {
        let card = "BEGIN:VCARD\nVERSION:4.0\nFN:Ana Roy\nEMAIL;TYPE=work:ana@work.example\n\
                    EMAIL;PREF=1:ana@home.example\nTEL;TYPE=work,fax:555-555-0100\n\
                    TEL;TYPE=cell:555-555-0101\nEND:VCARD\n";

        let person = one(card);

        assert_eq!(person.email.as_deref(), Some("ana@home.example"));
        assert_eq!(person.mobile_phones, ["555-555-0101"]);
        assert!(person.work_phones.is_empty(), "a fax is not a phone");
    }

    #[test]
    fn a_card_left_open_is_refused_at_its_first_line() {
        let error = read("BEGIN:VCARD\nVERSION:3.0\nFN:Ana Roy\n").unwrap_err();

        assert_eq!(error.line, 1);
    }
}
