//! Setup of the clinic's health-history forms: the list, and an editor where each save makes
//! a new version (completed intakes keep the version they answered).
//!
//! Known shortcoming: the page edits existing forms only; a second form is added, and a form
//! retired, through the API (`POST /api/v1/intake-forms`), and no menu links here yet (the
//! clinic settings page would hold the link).

use super::errors::PageResult;
use super::form::{Form, Labels};
use super::view::{Chrome, Section, chrome, render, see_other};
use crate::AppState;
use crate::auth::Signed;
use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use knead_app::patient_record::FormRecord;
use knead_domain::intake::{FlagWhen, FormInput, QuestionInput, QuestionKind};

const LABELS: Labels = &[
    ("name", "Form name"),
    ("questions", "Questions"),
    ("questions[]", "Question"),
    ("questions.label", "Question"),
    ("questions.kind", "Kind"),
    ("questions.choices", "Choices"),
    ("questions.required", "Required"),
    ("questions.flag_when", "Flag when"),
    ("questions.flag_value", "Flag choice"),
    ("questions.flag_label", "Flag"),
];

/// Blank rows offered under the questions, to add new ones.
const BLANK_ROWS: usize = 3;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/settings/intake-forms", get(list))
        .route("/settings/intake-forms/{id}", get(edit).post(save))
}

#[derive(Template)]
#[template(path = "intake_forms.html")]
struct ListPage {
    chrome: Chrome,
    forms: Vec<FormRecord>,
}

#[derive(Template)]
#[template(path = "intake_form.html")]
struct EditPage {
    chrome: Chrome,
    id: String,
    version: i64,
    form: Form,
    rows: Vec<usize>,
    saved: bool,
}

impl EditPage {
    fn kinds(&self, row: &usize) -> Vec<super::form::Choice> {
        let options: Vec<(&str, &str)> = QuestionKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect();
        self.form
            .choices(&format!("questions[{row}].kind"), &options)
    }

    fn flag_whens(&self, row: &usize) -> Vec<super::form::Choice> {
        let options: Vec<(&str, &str)> = FlagWhen::ALL
            .iter()
            .map(|k| (k.as_str(), k.label()))
            .collect();
        self.form
            .choices(&format!("questions[{row}].flag_when"), &options)
    }

    fn key(&self, row: &usize, part: &str) -> String {
        format!("questions[{row}].{part}")
    }
}

#[derive(Debug, Default, serde::Deserialize)]
struct SavedQuery {
    saved: Option<String>,
}

async fn list(State(state): State<AppState>, signed: Signed) -> PageResult {
    let forms = state.app.intake_forms(&signed.staff).await?;
    let chrome = chrome(&state, &signed, Section::Clinic).await?;
    render(StatusCode::OK, &ListPage { chrome, forms })
}

fn form_of(record: &FormRecord) -> Form {
    let mut form = Form::new(LABELS).with("name", &record.content.name);
    for (i, q) in record.content.questions.iter().enumerate() {
        let key = |part: &str| format!("questions[{i}].{part}");
        form = form
            .with(&key("label"), &q.label)
            .with(&key("kind"), q.kind.as_str())
            .with(&key("choices"), q.choices.join("\n"))
            .with_some(&key("required"), q.required.then_some("true"));
        if let Some(flag) = &q.flag {
            form = form
                .with(&key("flag_when"), flag.when.as_str())
                .with_some(&key("flag_value"), flag.value.as_ref())
                .with(&key("flag_label"), &flag.label);
        }
    }
    form
}

fn rows(count: usize) -> Vec<usize> {
    (0..count + BLANK_ROWS).collect()
}

async fn edit(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    Query(q): Query<SavedQuery>,
) -> PageResult {
    let record = state.app.intake_form(&signed.staff, &id).await?;
    let form = form_of(&record);
    let rows = rows(record.content.questions.len());
    let chrome = chrome(&state, &signed, Section::Clinic).await?;
    let page = EditPage {
        chrome,
        id,
        version: record.version,
        form,
        rows,
        saved: q.saved.is_some(),
    };
    render(StatusCode::OK, &page)
}

fn input(form: &Form, count: usize) -> FormInput {
    let questions = (0..count)
        .map(|i| {
            let key = |part: &str| format!("questions[{i}].{part}");
            QuestionInput {
                label: form.text(&key("label")),
                kind: form.text(&key("kind")),
                choices: form.text(&key("choices")),
                required: form.flag(&key("required")),
                flag_when: form.text(&key("flag_when")),
                flag_value: form.text(&key("flag_value")),
                flag_label: form.text(&key("flag_label")),
            }
        })
        .collect();
    FormInput {
        name: form.text("name"),
        questions,
    }
}

async fn save(
    State(state): State<AppState>,
    signed: Signed,
    Path(id): Path<String>,
    body: Bytes,
) -> PageResult {
    let form = Form::posted(LABELS, &body);
    let count: usize = form.value("rows").parse().unwrap_or(0).min(100);
    let result = state
        .app
        .save_intake_form(&signed.staff, Some(&id), &input(&form, count), true)
        .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/settings/intake-forms/{id}?saved=1"))),
        Err(error) => {
            let record = state.app.intake_form(&signed.staff, &id).await?;
            let form = form.rejected(error)?;
            let chrome = chrome(&state, &signed, Section::Clinic).await?;
            let rows = (0..count).collect();
            let page = EditPage {
                chrome,
                id,
                version: record.version,
                form,
                rows,
                saved: false,
            };
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
