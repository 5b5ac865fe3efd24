//! What a form shows: the values typed (or stored), the problems found with them, and the
//! labels that name each field in messages. Handlers build a [`Form`] from a record or a
//! posted body, hand it to the application as an `*Input`, and on rejection re-render it.

use axum::http::StatusCode;
use knead_app::AppError;
use knead_domain::FieldErrors;

/// A field's name in the form and the label a person reads.
pub(crate) type Labels = &'static [(&'static str, &'static str)];

/// One option of a select: what is sent, what is shown, and whether it is chosen.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A problem listed in the summary above a form, linking to its field.
pub(crate) struct Problem {
    pub anchor: String,
    pub message: String,
}

/// A form's state between the person and the application.
pub(crate) struct Form {
    labels: Labels,
    prefix: String,
    pairs: Vec<(String, String)>,
    errors: FieldErrors,
    notice: Option<String>,
    status: StatusCode,
}

impl Form {
    /// An empty form whose fields are named and labelled by `labels`.
    pub fn new(labels: Labels) -> Form {
        Form {
            labels,
            prefix: "field-".to_owned(),
            pairs: Vec::new(),
            errors: FieldErrors::new(),
            notice: None,
            status: StatusCode::OK,
        }
    }

    /// The form as posted; the CSRF token is left out.
    pub fn posted(labels: Labels, body: &[u8]) -> Form {
        let mut form = Form::new(labels);
        form.pairs = crate::auth::form_urlencoded_pairs(body)
            .into_iter()
            .filter(|(name, _)| name != crate::auth::CSRF_FIELD)
            .collect();
        form
    }

    /// Sets how the ids of this form's inputs begin, so that several forms can share a page.
    pub fn prefixed(mut self, prefix: impl Into<String>) -> Form {
        self.prefix = prefix.into();
        self
    }

    /// Adds a value, for forms filled from a stored record.
    pub fn with(mut self, name: &str, value: impl ToString) -> Form {
        self.pairs.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds a value when there is one.
    pub fn with_some(self, name: &str, value: Option<impl ToString>) -> Form {
        match value {
            Some(value) => self.with(name, value),
            None => self,
        }
    }

    /// Forgets the values of `name`, so secrets such as passwords are never sent back.
    pub fn without(mut self, name: &str) -> Form {
        self.pairs.retain(|(n, _)| n != name);
        self
    }

    /// The last value sent for `name`, or blank.
    pub fn value(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The value of `name`, or `fallback` when it is blank (for headings).
    pub fn value_or<'a>(&'a self, name: &str, fallback: &'a str) -> &'a str {
        match self.value(name).trim() {
            "" => fallback,
            value => value,
        }
    }

    /// The value of `name` as an input field: `None` when the form did not carry it.
    pub fn text(&self, name: &str) -> Option<String> {
        self.pairs
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    }

    /// A checkbox as an input field: an unticked box is not sent, which means "false".
    pub fn flag(&self, name: &str) -> Option<String> {
        Some(self.text(name).unwrap_or_else(|| "false".to_owned()))
    }

    /// Every value of a repeated field, such as a group of checkboxes.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Every (name, value) pair, in the order sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// Whether a single checkbox is ticked.
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.value(name).trim(), "true" | "on" | "yes" | "1")
    }

    /// Whether `value` is among the ticked boxes of group `name`.
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.pairs.iter().any(|(n, v)| n == name && v == value)
    }

    /// The options of a select, with the current value chosen. A current value that is not
    /// among `options` (mistyped, or set through the API) is kept as an extra option.
    pub fn choices(&self, name: &str, options: &[(&str, &str)]) -> Vec<Choice> {
        let current = self.value(name);
        let mut choices: Vec<Choice> = options
            .iter()
            .map(|(value, label)| Choice {
                value: (*value).to_owned(),
                label: (*label).to_owned(),
                selected: *value == current,
            })
            .collect();
        if !current.is_empty() && !choices.iter().any(|c| c.selected) {
            let label = format!("{current} (not recognised)");
            choices.push(Choice {
                value: current.to_owned(),
                label,
                selected: true,
            });
        }
        choices
    }

    /// The label of field `name`. Rows of a repeated group (`registrations[1].number`) are
    /// named by their position: "Registration 2 number".
    pub fn label(&self, name: &str) -> String {
        if let Some(label) = self.lookup(name) {
            return label.to_owned();
        }
        if let Some((group, index, part)) = split_row_key(name) {
            let row = self.lookup(&format!("{group}[]")).unwrap_or(group);
            let part = self
                .lookup(&format!("{group}.{part}"))
                .unwrap_or(part)
                .to_lowercase();
            return format!("{row} {} {part}", index + 1);
        }
        name.replace('_', " ")
    }

    fn lookup(&self, name: &str) -> Option<&'static str> {
        self.labels
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, label)| *label)
    }

    /// The id of field `name`'s input, which labels, messages and the summary point at.
    pub fn id(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    /// The ids of the hint and the message that describe field `name`, space-separated.
    pub fn described_by(&self, name: &str, has_hint: bool) -> String {
        let id = self.id(name);
        let hint = has_hint.then(|| format!("{id}-hint"));
        let error = self.errors.get(name).map(|_| format!("{id}-error"));
        [hint, error]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Options of a group of checkboxes, ticked where the form holds their value.
    pub fn group(&self, name: &str, options: Vec<(String, String)>) -> Vec<Choice> {
        options
            .into_iter()
            .map(|(value, label)| Choice {
                selected: self.has(name, &value),
                value,
                label,
            })
            .collect()
    }

    /// The problem with field `name` as a sentence, when there is one.
    pub fn error(&self, name: &str) -> Option<String> {
        self.errors
            .get(name)
            .map(|message| self.sentence(name, message))
    }

    fn sentence(&self, name: &str, message: &str) -> String {
        if names_itself(message) {
            message.to_owned()
        } else {
            format!("{} {message}", self.label(name))
        }
    }

    /// A problem as the summary lists it: away from its field, it names the field first.
    fn summary_line(&self, name: &str, message: &str) -> String {
        if names_itself(message) {
            format!("{}: {message}", self.label(name))
        } else {
            self.sentence(name, message)
        }
    }

    /// A problem with the form as a whole, such as a wrong password.
    pub fn notice(&self) -> Option<&str> {
        self.notice.as_deref()
    }

    /// Sets a problem with the form as a whole and the status to answer with.
    pub fn with_notice(mut self, status: StatusCode, notice: impl Into<String>) -> Form {
        self.notice = Some(notice.into());
        self.status = status;
        self
    }

    /// Every problem, fields in the order the form shows them.
    pub fn problems(&self) -> Vec<Problem> {
        let mut names: Vec<&str> = self
            .labels
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| self.errors.get(name).is_some())
            .collect();
        for (name, _) in self.errors.iter() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
            .into_iter()
            .filter_map(|name| {
                let message = self.errors.get(name)?;
                Some(Problem {
                    anchor: self.id(name),
                    message: self.summary_line(name, message),
                })
            })
            .collect()
    }

    /// Whether anything is wrong with the form.
    pub fn has_problems(&self) -> bool {
        self.notice.is_some() || !self.errors.is_empty()
    }

    /// The status a page showing this form answers with: 200, or why it was refused.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// Takes the application's refusal onto the form when it is about the input (invalid
    /// values, a conflict); hands back any other error for the error page.
    pub fn rejected(mut self, error: AppError) -> Result<Form, AppError> {
        match error {
            AppError::Invalid(errors) => {
                self.errors = errors;
                self.status = StatusCode::UNPROCESSABLE_ENTITY;
                Ok(self)
            }
            AppError::Conflict { message, .. } => {
                Ok(self.with_notice(StatusCode::CONFLICT, message))
            }
            other => Err(other),
        }
    }
}

/// Whether a problem opens with what was typed (quoted, or a date in words such as "30
/// February 2026 is not a date on the calendar"), so it reads as a sentence without the
/// field's label before it.
fn names_itself(message: &str) -> bool {
    message.starts_with(|c: char| c == '\'' || c.is_ascii_digit())
}

/// Splits `group[3].part` into its pieces.
pub(crate) fn split_row_key(name: &str) -> Option<(&str, usize, &str)> {
    let (group, rest) = name.split_once('[')?;
    let (index, rest) = rest.split_once(']')?;
    let part = rest.strip_prefix('.')?;
    Some((group, index.parse().ok()?, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LABELS: Labels = &[
        ("name", "Name"),
        ("registrations[]", "Registration"),
        ("registrations.number", "Number"),
    ];

    #[test]
    fn rows_of_a_group_are_named_by_position() {
        let form = Form::new(LABELS);

        assert_eq!(
            form.label("registrations[1].number"),
            "Registration 2 number"
        );
        assert_eq!(form.label("postal_code"), "postal code");
    }

    #[test]
    fn messages_quoting_the_value_stand_alone() {
        let mut errors = FieldErrors::new();
        errors.add("name", "is required");
        errors.add("registrations[0].number", "'x' is odd");

        let form = Form::new(LABELS)
            .rejected(AppError::Invalid(errors))
            .ok()
            .unwrap();

        assert_eq!(form.error("name").as_deref(), Some("Name is required"));
        assert_eq!(
            form.error("registrations[0].number").as_deref(),
            Some("'x' is odd")
        );
        assert_eq!(form.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let summary: Vec<String> = form.problems().into_iter().map(|p| p.message).collect();
        assert_eq!(
            summary,
            ["Name is required", "Registration 1 number: 'x' is odd"]
        );
    }

    #[test]
    fn a_message_opening_with_a_date_in_words_stands_alone_beside_its_field() {
        let errors = FieldErrors::single("name", "30 February 2026 is not a date on the calendar");

        let form = Form::new(LABELS)
            .rejected(AppError::Invalid(errors))
            .ok()
            .unwrap();

        let message = "30 February 2026 is not a date on the calendar";
        assert_eq!(form.error("name").as_deref(), Some(message));
        let summary: Vec<String> = form.problems().into_iter().map(|p| p.message).collect();
        assert_eq!(summary, [format!("Name: {message}")]);
    }

    #[test]
    fn an_unknown_current_value_stays_selected() {
        let form = Form::new(LABELS).with("name", "XX");

        let choices = form.choices("name", &[("ON", "Ontario")]);

        assert!(choices.iter().any(|c| c.value == "XX" && c.selected));
    }
}
