//! The text layer of a calendar file: bytes to iCalendar components, with every problem
//! reported against the line of the file as the person sees it in an editor.
//!
//! The `icalendar` crate parses unfolded text, so its positions count unfolded lines; this
//! module keeps the map back to the file's own lines.

use icalendar::parser::{Component, Property, read_components, unfold};
use std::fmt;

/// A problem with the file, at a line of it (1-based; 0 when no line can be named).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileError {
    pub line: usize,
    pub message: String,
}

impl FileError {
    pub(crate) fn at(line: usize, message: impl Into<String>) -> FileError {
        FileError {
            line,
            message: message.into(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            0 => f.write_str(&self.message),
            line => write!(f, "line {line}: {}", self.message),
        }
    }
}

/// The unfolded text of a file and, for each unfolded line, the file line it began on.
pub(crate) struct Source {
    text: String,
    /// Byte offset of each unfolded line's start.
    starts: Vec<usize>,
    /// File line (1-based) of each unfolded line.
    file_lines: Vec<usize>,
}

impl Source {
    /// Decodes the bytes (UTF-8, with or without a byte-order mark) and unfolds them.
    pub(crate) fn read(bytes: &[u8]) -> Result<Source, FileError> {
        let text = decode(bytes)?;
        let normalized = text.replace("\r\n", "\n");
        let unfolded = unfold(&normalized);
        let starts = std::iter::once(0)
            .chain(unfolded.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Ok(Source {
            file_lines: file_lines(&normalized),
            starts,
            text: unfolded,
        })
    }

    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The file line of an unfolded line (1-based), or 0 when there is no such line.
    fn file_line(&self, unfolded_line: usize) -> usize {
        let index = unfolded_line.saturating_sub(1);
        self.file_lines.get(index).copied().unwrap_or(0)
    }

    /// The file line on which `slice` (a part of [`Source::text`]) begins; 0 when `slice`
    /// was copied out of the text (an unescaped value) and so has no position.
    pub(crate) fn line_of(&self, slice: &str) -> usize {
        let base = self.text.as_ptr() as usize;
        let at = slice.as_ptr() as usize;
        if at < base || at > base + self.text.len() {
            return 0;
        }
        let unfolded = self.starts.partition_point(|start| *start <= at - base);
        self.file_line(unfolded)
    }

    /// The file line of a property (its name always points into the text).
    pub(crate) fn line_of_property(&self, property: &Property<'_>) -> usize {
        self.line_of(property.name.as_str())
    }

    /// The file line of a component's `BEGIN:` line.
    pub(crate) fn line_of_component(&self, component: &Component<'_>) -> usize {
        self.line_of(component.name.as_str())
    }

    /// Parses the text into its top-level components, naming the line of a syntax error.
    /// Each top-level component is parsed on its own, because the parser refuses a file
    /// with several (some exports hold one `VCALENDAR` per calendar); lines outside any
    /// component are left out, and the notes say so.
    pub(crate) fn components(&self) -> Result<(Vec<Component<'_>>, Vec<String>), FileError> {
        let (chunks, stray) = self.top_level();
        if chunks.is_empty() {
            let line = stray.first().map_or(0, |l| self.file_line(*l));
            return Err(FileError::at(
                line,
                "this is not an iCalendar file: it has no BEGIN:VCALENDAR",
            ));
        }
        let mut all = Vec::new();
        for (first_line, text) in chunks {
            let parsed = std::panic::catch_unwind(|| read_components(text));
            match parsed {
                Ok(Ok(components)) => all.extend(components),
                Ok(Err(report)) => return Err(self.syntax_error(&report, first_line)),
                Err(_) => {
                    let line = self.file_line(first_line);
                    return Err(FileError::at(
                        line,
                        "the iCalendar parser could not read this part",
                    ));
                }
            }
        }
        let notes = stray
            .first()
            .map(|l| {
                let count = stray.len();
                format!(
                    "{count} line(s) outside any BEGIN/END block were left out, the first at line {}",
                    self.file_line(*l)
                )
            })
            .into_iter()
            .collect();
        Ok((all, notes))
    }

    /// The top-level `BEGIN:`...`END:` blocks as `(first unfolded line, text)`, and the
    /// unfolded lines (1-based) that are outside every block and not blank.
    fn top_level(&self) -> (Vec<(usize, &str)>, Vec<usize>) {
        let mut chunks = Vec::new();
        let mut stray = Vec::new();
        let mut depth = 0usize;
        let mut open: Option<(usize, usize)> = None;
        for (index, start) in self.starts.iter().enumerate() {
            let end = self
                .starts
                .get(index + 1)
                .copied()
                .unwrap_or(self.text.len());
            let line = self.text[*start..end].trim();
            let upper = line.get(..6).unwrap_or(line).to_ascii_uppercase();
            if upper.starts_with("BEGIN:") {
                if depth == 0 {
                    open = Some((index + 1, *start));
                }
                depth += 1;
            } else if upper.starts_with("END:") && depth > 0 {
                depth -= 1;
                if let (0, Some((first, from))) = (depth, open) {
                    chunks.push((first, &self.text[from..end]));
                    open = None;
                }
            } else if depth == 0 && !line.is_empty() {
                stray.push(index + 1);
            }
        }
        if let Some((first, from)) = open {
            chunks.push((first, &self.text[from..]));
        }
        (chunks, stray)
    }

    /// Turns the parser's report on the block starting at unfolded line `base` into one
    /// line: where, and the text found there.
    fn syntax_error(&self, report: &str, base: usize) -> FileError {
        let reported = first_line_number(report).map_or(0, |n| n + base - 1);
        // The parser names the start of the block it gave up on; a line inside it whose
        // name is not a property name is the better answer.
        let unfolded = (reported.max(1)..=self.starts.len())
            .take_while(|l| {
                *l == reported || !self.unfolded(*l).to_ascii_uppercase().starts_with("BEGIN:")
            })
            .find(|l| !looks_like_property(self.unfolded(*l)))
            .unwrap_or(reported);
        let found: String = self.unfolded(unfolded).chars().take(60).collect();
        if found.trim().is_empty() {
            // The parser ran off the end: the block that began at `base` never closed.
            let begin: String = self.unfolded(base).trim().chars().take(60).collect();
            let message = format!("'{begin}' has no matching END: the file is cut short");
            return FileError::at(self.file_line(base), message);
        }
        let line = self.file_line(unfolded);
        let message = format!("this is not a valid iCalendar line: '{found}'");
        FileError::at(line, message)
    }
}

impl Source {
    /// The text of one unfolded line (1-based), without its line break.
    fn unfolded(&self, line: usize) -> &str {
        let Some(start) = self.starts.get(line.saturating_sub(1)) else {
            return "";
        };
        self.text[*start..].lines().next().unwrap_or("")
    }
}

/// Whether a line starts as a content line does: a name of letters, digits and dashes,
/// then `;` or `:` (or nothing, for a property without a value). Blank lines pass.
fn looks_like_property(line: &str) -> bool {
    let line = line.trim_end();
    let name_end = line.find([';', ':']).unwrap_or(line.len());
    let name = &line[..name_end];
    line.is_empty()
        || (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
}

/// The text of the file: UTF-8, with a leading byte-order mark dropped.
fn decode(bytes: &[u8]) -> Result<String, FileError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_owned()),
        Err(error) => {
            let valid = &bytes[..error.valid_up_to()];
            let line = 1 + valid.iter().filter(|b| **b == b'\n').count();
            Err(FileError::at(line, "the file is not UTF-8 text"))
        }
    }
}

/// For each unfolded line, the file line it starts on: a line that begins with a space or
/// a tab continues the one before it (RFC 5545 section 3.1), as `unfold` treats it.
fn file_lines(normalized: &str) -> Vec<usize> {
    normalized
        .split('\n')
        .enumerate()
        .filter(|(index, line)| *index == 0 || !line.starts_with([' ', '\t']))
        .map(|(index, _)| index + 1)
        .collect()
}

/// The first "line N" the parser's report names (the innermost place it failed).
fn first_line_number(report: &str) -> Option<usize> {
    let (_, after) = report.split_once("at line ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The value of a parameter, without the quotes a parameter value may carry.
pub(crate) fn param<'p>(property: &'p Property<'_>, key: &str) -> Option<&'p str> {
    property
        .params
        .iter()
        .find(|p| p.key.as_str().eq_ignore_ascii_case(key))
        .and_then(|p| p.val.as_ref())
        .map(|v| v.as_str().trim().trim_matches('"'))
}

/// The first property of `component` named `name` (names are case-insensitive).
pub(crate) fn property<'c, 'a>(
    component: &'c Component<'a>,
    name: &'c str,
) -> Option<&'c Property<'a>> {
    properties(component, name).next()
}

/// Every property of `component` named `name`, in file order.
pub(crate) fn properties<'c, 'a>(
    component: &'c Component<'a>,
    name: &'c str,
) -> impl Iterator<Item = &'c Property<'a>> {
    component
        .properties
        .iter()
        .filter(move |p| p.name.as_str().eq_ignore_ascii_case(name))
}

/// Whether a component has the given name (case-insensitive).
pub(crate) fn is(component: &Component<'_>, name: &str) -> bool {
    component.name.as_str().eq_ignore_ascii_case(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_lines_map_back_to_the_line_they_start_on() {
        let source = Source::read(b"A:1\r\nB:long\r\n  value\r\nC:3\r\n").unwrap();

        let c = source.text().find("C:").unwrap();

        assert_eq!(source.line_of(&source.text()[c..]), 4);
        assert!(source.text().contains("B:long value"));
    }

    #[test]
    fn a_byte_order_mark_is_dropped_and_bad_bytes_name_their_line() {
        let source = Source::read(b"\xEF\xBB\xBFBEGIN:VCALENDAR\n").unwrap();
        let error = Source::read(b"A:1\nB:\xFF\n").err().unwrap();

        assert!(source.text().starts_with("BEGIN"));
        assert_eq!(error.to_string(), "line 2: the file is not UTF-8 text");
    }
}
