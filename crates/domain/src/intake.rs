//! Health-history intake forms: the questions a clinic asks, which answers raise a flag
//! ("Pregnant", "Allergy: latex"), and the checking of a completed intake against the exact
//! version of the form it answers.
//!
//! Forms are versioned by the application: questions here are immutable once saved.

use crate::fields::loose;
use crate::patient_record::optional_note;
use crate::values;
use crate::{FieldErrors, Invalid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// Most questions a form may hold.
pub const MAX_QUESTIONS: usize = 60;

/// What kind of answer a question takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    ShortText,
    LongText,
    YesNo,
    Choice,
    Date,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 5] = [
        QuestionKind::ShortText,
        QuestionKind::LongText,
        QuestionKind::YesNo,
        QuestionKind::Choice,
        QuestionKind::Date,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::ShortText => "short_text",
            QuestionKind::LongText => "long_text",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::Choice => "choice",
            QuestionKind::Date => "date",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            QuestionKind::ShortText => "Short text",
            QuestionKind::LongText => "Long text",
            QuestionKind::YesNo => "Yes or no",
            QuestionKind::Choice => "One of a list",
            QuestionKind::Date => "Date",
        }
    }

    pub fn parse(raw: &str) -> Result<QuestionKind, Invalid> {
        let raw = raw.trim();
        QuestionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| Invalid::new(format!("'{raw}' is not a kind of question")))
    }
}

/// When an answer raises a flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlagWhen {
    /// A yes/no question answered yes.
    Yes,
    /// A yes/no question answered no.
    No,
    /// Any answer at all (an allergy written down); the flag then quotes the answer.
    Answered,
    /// A choice question answered with `value`.
    Equals,
}

impl FlagWhen {
    pub const ALL: [FlagWhen; 4] = [
        FlagWhen::Yes,
        FlagWhen::No,
        FlagWhen::Answered,
        FlagWhen::Equals,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlagWhen::Yes => "yes",
            FlagWhen::No => "no",
            FlagWhen::Answered => "answered",
            FlagWhen::Equals => "equals",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagWhen::Yes => "Answered yes",
            FlagWhen::No => "Answered no",
            FlagWhen::Answered => "Answered at all",
            FlagWhen::Equals => "Answered with the choice below",
        }
    }

    pub fn parse(raw: &str) -> Result<FlagWhen, Invalid> {
        let raw = raw.trim();
        FlagWhen::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| {
                Invalid::new(format!("'{raw}' is not one of yes, no, answered or equals"))
            })
    }
}

/// A flag a question raises, and on which answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FlagRule {
    pub when: FlagWhen,
    /// The choice that raises the flag, for `equals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What the flag says ("Pregnant").
    pub label: String,
}

/// One question of one version of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Question {
    /// Stable within a version: answers are stored by it.
    pub key: String,
    pub label: String,
    pub kind: QuestionKind,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<String>,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flag: Option<FlagRule>,
}

/// A form's name and questions as saved (one version).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct FormContent {
    pub name: String,
    pub questions: Vec<Question>,
}

/// One question as the setup page and the API send it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct QuestionInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub label: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(example = "yes_no")]
    pub kind: Option<String>,
    /// For `choice`: the options, one a line (or comma-separated).
    #[serde(deserialize_with = "loose::deserialize")]
    pub choices: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    #[schema(value_type = Option<bool>)]
    pub required: Option<String>,
    /// `yes`, `no`, `answered` or `equals`; blank for no flag.
    #[serde(deserialize_with = "loose::deserialize")]
    pub flag_when: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub flag_value: Option<String>,
    #[serde(deserialize_with = "loose::deserialize")]
    pub flag_label: Option<String>,
}

impl QuestionInput {
    /// A row of the setup page left entirely blank (to add a question) is skipped.
    pub fn is_blank(&self) -> bool {
        [
            &self.label,
            &self.choices,
            &self.flag_label,
            &self.flag_value,
        ]
        .iter()
        .all(|f| f.as_deref().unwrap_or("").trim().is_empty())
    }
}

/// A form as the setup page and the API send it.
#[derive(Clone, Debug, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FormInput {
    #[serde(deserialize_with = "loose::deserialize")]
    pub name: Option<String>,
    pub questions: Vec<QuestionInput>,
}

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

fn split_choices(raw: &str) -> Vec<String> {
    let separator = if raw.contains('\n') { '\n' } else { ',' };
    raw.split(separator)
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .collect()
}

impl QuestionInput {
    fn parse(&self, key: String) -> Result<Question, FieldErrors> {
        let mut errors = FieldErrors::new();
        let label = errors.check("label", values::required_text(text(&self.label)));
        let kind = errors.check("kind", QuestionKind::parse(text(&self.kind)));
        let required = errors.check("required", values::flag(text(&self.required)));
        let choices = split_choices(text(&self.choices));
        if kind == Some(QuestionKind::Choice) && choices.len() < 2 {
            errors.add("choices", "needs at least two choices");
        }
        if choices.iter().any(|c| c.chars().count() > values::MAX_TEXT) {
            errors.add("choices", "each must be at most 200 characters");
        }
        let flag = match text(&self.flag_when).trim() {
            "" => None,
            raw => self.flag(&mut errors, raw, kind, &choices),
        };
        match (label, kind, required) {
            (Some(label), Some(kind), Some(required)) if errors.is_empty() => Ok(Question {
                key,
                label,
                kind,
                choices: if kind == QuestionKind::Choice {
                    choices
                } else {
                    Vec::new()
                },
                required,
                flag,
            }),
            _ => Err(errors),
        }
    }

    fn flag(
        &self,
        errors: &mut FieldErrors,
        raw: &str,
        kind: Option<QuestionKind>,
        choices: &[String],
    ) -> Option<FlagRule> {
        let when = errors.check("flag_when", FlagWhen::parse(raw))?;
        let label = errors.check("flag_label", values::required_text(text(&self.flag_label)))?;
        let fits = match (when, kind) {
            (FlagWhen::Yes | FlagWhen::No, Some(kind)) => kind == QuestionKind::YesNo,
            (FlagWhen::Equals, Some(kind)) => kind == QuestionKind::Choice,
            _ => true,
        };
        if !fits {
            errors.add("flag_when", "does not fit this kind of question");
            return None;
        }
        let value = match when {
            FlagWhen::Equals => {
                let value = text(&self.flag_value).trim().to_owned();
                if !choices.contains(&value) {
                    errors.add("flag_value", "must be one of the choices");
                }
                Some(value)
            }
            _ => None,
        };
        Some(FlagRule { when, value, label })
    }
}

impl FormInput {
    /// Checks a form; question errors are named `questions[i].field`.
    pub fn parse(&self) -> Result<FormContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check("name", values::required_text(text(&self.name)));
        let rows: Vec<(usize, &QuestionInput)> = self
            .questions
            .iter()
            .enumerate()
            .filter(|(_, q)| !q.is_blank())
            .collect();
        if rows.is_empty() {
            errors.add("questions", "needs at least one question");
        }
        if rows.len() > MAX_QUESTIONS {
            errors.add(
                "questions",
                format!("may hold at most {MAX_QUESTIONS} questions"),
            );
        }
        let mut questions = Vec::new();
        for (n, (i, row)) in rows.into_iter().enumerate() {
            match row.parse(format!("q{}", n + 1)) {
                Ok(question) => questions.push(question),
                Err(row_errors) => errors.nest(&format!("questions[{i}]"), row_errors),
            }
        }
        match name {
            Some(name) if errors.is_empty() => Ok(FormContent { name, questions }),
            _ => Err(errors),
        }
    }
}

/// A completed intake's answers, checked: by question key, blank answers left out.
pub type Answers = BTreeMap<String, String>;

/// Checks `raw` answers (by question key) against `questions`, naming a bad one
/// `answers.{key}`, and returns the answers kept and the flags they raise.
pub fn check_answers(
    questions: &[Question],
    raw: &BTreeMap<String, String>,
    today: jiff::civil::Date,
) -> Result<(Answers, Vec<String>), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut answers = Answers::new();
    for key in raw.keys() {
        if !questions.iter().any(|q| &q.key == key) {
            errors.add(&format!("answers.{key}"), "is not a question of this form");
        }
    }
    for question in questions {
        let given = raw.get(&question.key).map(String::as_str).unwrap_or("");
        let field = format!("answers.{}", question.key);
        if let Some(Some(answer)) = errors.check(&field, answer(question, given, today)) {
            answers.insert(question.key.clone(), answer);
        } else if question.required && errors.get(&field).is_none() {
            errors.add(&field, "is required");
        }
    }
    let flags = flags(questions, &answers);
    errors.finish(|| (answers, flags))
}

fn answer(
    question: &Question,
    raw: &str,
    today: jiff::civil::Date,
) -> Result<Option<String>, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match question.kind {
        QuestionKind::ShortText => values::optional_text(raw),
        QuestionKind::LongText => optional_note(raw),
        QuestionKind::YesNo => match raw.to_lowercase().as_str() {
            "yes" | "true" => Ok(Some("yes".to_owned())),
            "no" | "false" => Ok(Some("no".to_owned())),
            _ => Err(Invalid::new(format!("'{raw}' is not yes or no"))),
        },
        QuestionKind::Choice => question
            .choices
            .iter()
            .find(|c| c.as_str() == raw)
            .map(|c| Some(c.clone()))
            .ok_or_else(|| Invalid::new(format!("'{raw}' is not one of the choices"))),
        QuestionKind::Date => values::birth_date(raw, today)
            .map(|d| d.map(|d| d.to_string()))
            .map_err(|e| {
                Invalid::new(e.0.replace("is in the future", "must not be in the future"))
            }),
    }
}

/// The flags `answers` raise. An `answered` flag quotes the answer, shortened.
pub fn flags(questions: &[Question], answers: &Answers) -> Vec<String> {
    let mut raised = Vec::new();
    for question in questions {
        let (Some(rule), Some(answer)) = (&question.flag, answers.get(&question.key)) else {
            continue;
        };
        let hit = match rule.when {
            FlagWhen::Yes => answer == "yes",
            FlagWhen::No => answer == "no",
            FlagWhen::Answered => true,
            FlagWhen::Equals => rule.value.as_deref() == Some(answer.as_str()),
        };
        if !hit {
            continue;
        }
        let flag = if rule.when == FlagWhen::Answered {
            let short: String = answer
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(60)
                .collect();
            format!("{}: {short}", rule.label)
        } else {
            rule.label.clone()
        };
        if !raised.contains(&flag) {
            raised.push(flag);
        }
    }
    raised
}

fn question(
    key: usize,
    label: &str,
    kind: QuestionKind,
    flag: Option<(FlagWhen, &str)>,
) -> Question {
    Question {
        key: format!("q{key}"),
        label: label.to_owned(),
        kind,
        choices: Vec::new(),
        required: false,
        flag: flag.map(|(when, label)| FlagRule {
            when,
            value: None,
            label: label.to_owned(),
        }),
    }
}

/// The massage-therapy health history Knead gives every clinic to start from; the clinic
/// edits it like any form of its own.
pub fn default_form() -> FormContent {
    use FlagWhen::{Answered, Yes};
    use QuestionKind::*;
    let mut questions = vec![
        question(1, "What brings you in today?", LongText, None),
        question(
            2,
            "Allergies or sensitivities (oils, lotions, latex, scents)",
            ShortText,
            Some((Answered, "Allergy")),
        ),
        question(3, "Are you pregnant?", YesNo, Some((Yes, "Pregnant"))),
        question(
            4,
            "Do you have a heart condition or high or low blood pressure?",
            YesNo,
            Some((Yes, "Heart or blood pressure")),
        ),
        question(
            5,
            "Do you take blood thinners?",
            YesNo,
            Some((Yes, "Blood thinners")),
        ),
        question(
            6,
            "Do you have a history of blood clots or varicose veins?",
            YesNo,
            Some((Yes, "Clots or varicose veins")),
        ),
        question(7, "Do you have diabetes?", YesNo, Some((Yes, "Diabetes"))),
        question(
            8,
            "Do you have epilepsy or seizures?",
            YesNo,
            Some((Yes, "Seizures")),
        ),
        question(
            9,
            "Any skin condition, rash or open wound?",
            ShortText,
            Some((Answered, "Skin")),
        ),
        question(10, "Current medications", LongText, None),
        question(
            11,
            "Injuries or surgeries in the past two years",
            LongText,
            None,
        ),
        question(12, "Preferred pressure", Choice, None),
        question(13, "Date of your last visit to a doctor", Date, None),
    ];
    questions[0].required = true;
    questions[11].choices = ["Light", "Medium", "Firm"].map(str::to_owned).to_vec();
    FormContent {
        name: "Health history".to_owned(),
        questions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> jiff::civil::Date {
        jiff::civil::date(2026, 12, 4)
    }

    fn raw(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_yes_and_a_written_allergy_raise_flags() {
        let form = default_form();
        let answers = raw(&[
            ("q1", "Neck pain"),
            ("q2", "Latex"),
            ("q3", "yes"),
            ("q4", "no"),
        ]);

        let (_, flags) = check_answers(&form.questions, &answers, today()).unwrap();

        assert_eq!(flags, vec!["Allergy: Latex", "Pregnant"]);
    }

    #[test]
    fn bad_answers_are_named_by_their_question() {
        let form = default_form();
        let answers = raw(&[("q3", "maybe"), ("q12", "Crushing"), ("q13", "2030-01-01")]);

        let errors = check_answers(&form.questions, &answers, today()).unwrap_err();

        assert_eq!(errors.get("answers.q1"), Some("is required"));
        assert!(errors.get("answers.q3").unwrap().contains("'maybe'"));
        assert!(errors.get("answers.q12").is_some());
        assert_eq!(errors.get("answers.q13"), Some("must not be in the future"));
    }

    #[test]
    fn a_flag_must_fit_its_question() {
        let input = FormInput {
            name: Some("Short".into()),
            questions: vec![QuestionInput {
                label: Some("Allergies".into()),
                kind: Some("short_text".into()),
                flag_when: Some("yes".into()),
                flag_label: Some("Allergy".into()),
                ..QuestionInput::default()
            }],
        };

        let errors = input.parse().unwrap_err();

        assert_eq!(
            errors.get("questions[0].flag_when"),
            Some("does not fit this kind of question")
        );
    }

    #[test]
    fn blank_rows_are_skipped_and_keys_follow_the_order() {
        let row = |label: &str| QuestionInput {
            label: Some(label.into()),
            kind: Some("short_text".into()),
            ..QuestionInput::default()
        };
        let input = FormInput {
            name: Some("Short".into()),
            questions: vec![row("First"), QuestionInput::default(), row("Second")],
        };

        let form = input.parse().unwrap();

        let keys: Vec<&str> = form.questions.iter().map(|q| q.key.as_str()).collect();
        assert_eq!(keys, vec!["q1", "q2"]);
    }
}
