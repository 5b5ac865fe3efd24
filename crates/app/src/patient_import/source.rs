//! A patient file's bytes to text, and which format the text is in.
//!
//! Spreadsheets saved by Excel on Windows are often Windows-1252 rather than UTF-8, and
//! some tools write UTF-16 with a byte-order mark; French accents must survive either way.

use super::Format;
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// The decoded text, and a note when it was not UTF-8.
pub(crate) struct Decoded {
    pub text: String,
    pub note: Option<String>,
}

/// Decodes by the byte-order mark when there is one, as UTF-8 when the bytes are valid
/// UTF-8, and as Windows-1252 otherwise (every byte sequence is valid Windows-1252).
pub(crate) fn decode(bytes: &[u8]) -> Decoded {
    if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom..]);
        let note = (encoding != UTF_8).then(|| format!("read as {}", encoding.name()));
        return Decoded {
            text: text.into_owned(),
            note,
        };
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Decoded {
            text: text.to_owned(),
            note: None,
        },
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            Decoded {
                text: text.into_owned(),
                note: Some("the file is not UTF-8; read as Windows-1252".to_owned()),
            }
        }
    }
}

/// Guesses the format from the text: JSON is FHIR, `BEGIN:VCARD` is a vCard, the rest CSV.
pub(crate) fn guess(text: &str) -> Format {
    let start = text.trim_start();
    if start.starts_with('{') {
        Format::Fhir
    } else if start
        .get(..11)
        .is_some_and(|s| s.eq_ignore_ascii_case("BEGIN:VCARD"))
    {
        Format::Vcard
    } else {
        Format::Csv
    }
}

/// Decodes a run of bytes in the named character set (a vCard `CHARSET` parameter);
/// an unknown name falls back to UTF-8, and invalid UTF-8 to Windows-1252.
pub(crate) fn decode_charset(bytes: &[u8], charset: Option<&str>) -> String {
    let named = charset.and_then(|c| Encoding::for_label(c.trim().as_bytes()));
    match named {
        Some(encoding) if encoding != UTF_8 => {
            encoding.decode_without_bom_handling(bytes).0.into_owned()
        }
        _ => decode(bytes).text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_bytes_keep_their_accents() {
        let decoded = decode(b"Pr\xe9nom;Nom\nZo\xe9;C\xf4t\xe9\n");

        assert_eq!(decoded.text, "Prénom;Nom\nZoé;Côté\n");
        assert!(decoded.note.is_some());
    }

    #[test]
    fn a_utf8_byte_order_mark_is_dropped() {
        let decoded = decode("\u{feff}Prénom,Nom".as_bytes());

        assert_eq!(decoded.text, "Prénom,Nom");
        assert_eq!(decoded.note, None);
    }

    #[test]
    fn formats_are_told_apart_by_their_first_characters() {
        assert_eq!(guess("  {\"resourceType\":\"Patient\"}"), Format::Fhir);
        assert_eq!(guess("begin:vcard\nVERSION:3.0"), Format::Vcard);
        assert_eq!(guess("First,Last\nAna,Roy"), Format::Csv);
    }
}
