//! Treatment notes: templates, note content (sections and body chart marks), the late-entry
//! rule and the chart-sharing policy. Pure values and rules; storage and permissions live
//! elsewhere.

use crate::fields::loose;
use crate::values;
use crate::{FieldErrors, Invalid};
use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! note_id {
    ($($(#[$doc:meta])* $name:ident),*) => {$(
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// A new, time-ordered id (UUIDv7 text).
            pub fn generate() -> Self {
                $name(uuid::Uuid::now_v7().to_string())
            }

            /// Wraps an id read from storage or a URL; ids are opaque.
            pub fn from_string(raw: impl Into<String>) -> Self {
                $name(raw.into())
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    )*};
}

note_id!(
    /// A treatment note.
    NoteId,
    /// A note template (all its versions share the id).
    TemplateId,
    /// An amendment to a signed note.
    AmendmentId
);

/// Longest section text kept in a note (about ten pages of typing).
pub const MAX_SECTION_CHARS: usize = 20_000;
/// Longest prompt of a template section.
pub const MAX_PROMPT_CHARS: usize = 500;
/// Most sections a template may hold.
pub const MAX_SECTIONS: usize = 20;
/// Longest label of a body chart mark.
pub const MAX_MARK_LABEL: usize = 60;

/// A note is a draft until signed; a signed note is locked and changes only by amendment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NoteStatus {
    Draft,
    Signed,
}

impl NoteStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            NoteStatus::Draft => "draft",
            NoteStatus::Signed => "signed",
        }
    }

    pub fn parse(raw: &str) -> Result<NoteStatus, Invalid> {
        match raw {
            "draft" => Ok(NoteStatus::Draft),
            "signed" => Ok(NoteStatus::Signed),
            other => Err(Invalid::new(format!("'{other}' is not a note status"))),
        }
    }
}

/// Who may read a patient's chart, a clinic setting. Staff always need `ViewCharts` too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharingPolicy {
    /// Every staff member whose role may read charts.
    AllClinical,
    /// A practitioner reads the charts of patients they have treated or are booked with.
    OwnPatients,
    /// As `OwnPatients`, plus the charts the owner has shared with a named staff member.
    ExplicitShares,
}

impl SharingPolicy {
    pub const ALL: [SharingPolicy; 3] = [
        SharingPolicy::AllClinical,
        SharingPolicy::OwnPatients,
        SharingPolicy::ExplicitShares,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SharingPolicy::AllClinical => "all_clinical",
            SharingPolicy::OwnPatients => "own_patients",
            SharingPolicy::ExplicitShares => "explicit_shares",
        }
    }

    pub fn parse(raw: &str) -> Result<SharingPolicy, Invalid> {
        SharingPolicy::ALL
            .into_iter()
            .find(|p| p.as_str() == raw.trim())
            .ok_or_else(|| Invalid::new(format!("'{}' is not a sharing policy", raw.trim())))
    }

    /// What the policy means, in words for the settings page.
    pub fn describe(self) -> &'static str {
        match self {
            SharingPolicy::AllClinical => "All clinical staff read every chart",
            SharingPolicy::OwnPatients => {
                "Practitioners read only the charts of patients they have treated or are booked with"
            }
            SharingPolicy::ExplicitShares => {
                "Practitioners read their own patients' charts and those the owner shares with them"
            }
        }
    }
}

/// The clinic's charting settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChartSettings {
    pub policy: SharingPolicy,
    /// A note signed more than this many hours after the visit starts is a late entry.
    pub late_entry_hours: i64,
}

impl Default for ChartSettings {
    fn default() -> Self {
        ChartSettings {
            policy: SharingPolicy::AllClinical,
            late_entry_hours: 24,
        }
    }
}

/// The settings as a form or the API gives them.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ChartSettingsInput {
    #[serde(default, deserialize_with = "loose::deserialize")]
    #[schema(example = "own_patients")]
    pub sharing_policy: Option<String>,
    #[serde(default, deserialize_with = "loose::deserialize")]
    #[schema(example = "24")]
    pub late_entry_hours: Option<String>,
}

impl ChartSettingsInput {
    pub fn parse(&self) -> Result<ChartSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let policy = errors.check(
            "sharing_policy",
            SharingPolicy::parse(self.sharing_policy.as_deref().unwrap_or_default()),
        );
        let hours = errors.check(
            "late_entry_hours",
            hours(self.late_entry_hours.as_deref().unwrap_or_default()),
        );
        errors.finish(|| ChartSettings {
            policy: policy.unwrap_or(SharingPolicy::AllClinical),
            late_entry_hours: hours.unwrap_or(24),
        })
    }
}

fn hours(raw: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new("must be a whole number of hours from 1 to 720");
    let hours: i64 = raw.trim().parse().map_err(|_| bad())?;
    if (1..=720).contains(&hours) {
        Ok(hours)
    } else {
        Err(bad())
    }
}

/// Whether a note signed at `signed_at` for a visit starting at `visit_at` (epoch seconds)
/// is a late entry: signed more than `threshold_hours` after the visit began.
pub fn is_late_entry(visit_at: i64, signed_at: i64, threshold_hours: i64) -> bool {
    signed_at - visit_at > threshold_hours * 3600
}

/// One section of a template: its heading and the prompt shown while writing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TemplateSection {
    pub heading: String,
    pub prompt: String,
}

/// The SOAP template Knead gives every clinic.
pub fn soap_sections() -> Vec<TemplateSection> {
    [
        (
            "Subjective",
            "What the patient reports: complaint, pain, history, goals",
        ),
        (
            "Objective",
            "What you observed and tested: posture, range of motion, palpation",
        ),
        (
            "Assessment",
            "Areas treated, techniques, pressure, and the patient's response",
        ),
        ("Plan", "Home care, advice, referrals and the next visit"),
    ]
    .into_iter()
    .map(|(heading, prompt)| TemplateSection {
        heading: heading.to_owned(),
        prompt: prompt.to_owned(),
    })
    .collect()
}

/// A template as a form or the API gives it.
#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TemplateInput {
    #[serde(default, deserialize_with = "loose::deserialize")]
    #[schema(example = "SOAP with home care")]
    pub name: Option<String>,
    #[serde(default)]
    pub sections: Vec<TemplateSectionInput>,
}

#[derive(Clone, Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TemplateSectionInput {
    #[serde(default, deserialize_with = "loose::deserialize")]
    pub heading: Option<String>,
    #[serde(default, deserialize_with = "loose::deserialize")]
    pub prompt: Option<String>,
}

/// A validated template: its name and ordered sections.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateFields {
    pub name: String,
    pub sections: Vec<TemplateSection>,
}

impl TemplateInput {
    /// Sections whose heading and prompt are both blank are dropped (the form's spare rows).
    pub fn parse(&self) -> Result<TemplateFields, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = errors.check(
            "name",
            values::required_text(self.name.as_deref().unwrap_or_default()),
        );
        let mut sections = Vec::new();
        for (i, s) in self.sections.iter().enumerate() {
            let heading = s.heading.as_deref().unwrap_or_default();
            let prompt = s.prompt.as_deref().unwrap_or_default();
            if heading.trim().is_empty() && prompt.trim().is_empty() {
                continue;
            }
            let heading = errors.check(
                &format!("sections[{i}].heading"),
                values::required_text(heading),
            );
            let prompt = errors.check(&format!("sections[{i}].prompt"), prompt_text(prompt));
            if let (Some(heading), Some(prompt)) = (heading, prompt) {
                sections.push(TemplateSection { heading, prompt });
            }
        }
        let section_failed = errors
            .iter()
            .any(|(field, _)| field.starts_with("sections"));
        if sections.is_empty() && !section_failed {
            errors.add("sections", "a template needs at least one section");
        }
        if sections.len() > MAX_SECTIONS {
            errors.add(
                "sections",
                format!("a template has at most {MAX_SECTIONS} sections"),
            );
        }
        errors.finish(|| TemplateFields {
            name: name.unwrap_or_default(),
            sections,
        })
    }
}

fn prompt_text(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.chars().count() > MAX_PROMPT_CHARS {
        return Err(Invalid::new(format!(
            "must be at most {MAX_PROMPT_CHARS} characters"
        )));
    }
    Ok(text.to_owned())
}

/// One written section of a note: the heading it was written under and the text.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoteSection {
    pub heading: String,
    pub text: String,
}

/// What a body chart mark means.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarkKind {
    Pain,
    Tension,
    TriggerPoint,
    Avoid,
}

impl MarkKind {
    pub const ALL: [MarkKind; 4] = [
        MarkKind::Pain,
        MarkKind::Tension,
        MarkKind::TriggerPoint,
        MarkKind::Avoid,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarkKind::Pain => "pain",
            MarkKind::Tension => "tension",
            MarkKind::TriggerPoint => "trigger_point",
            MarkKind::Avoid => "avoid",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MarkKind::Pain => "Pain",
            MarkKind::Tension => "Tension",
            MarkKind::TriggerPoint => "Trigger point",
            MarkKind::Avoid => "Avoid",
        }
    }

    pub fn parse(raw: &str) -> Result<MarkKind, Invalid> {
        MarkKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| Invalid::new(format!("'{}' is not a kind of mark", raw.trim())))
    }
}

/// Which figure of the body chart a region is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Front,
    Back,
}

/// A named area of the body chart. Marks are stored by region id, so the drawing can change
/// without touching stored notes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BodyRegion {
    pub id: &'static str,
    pub side: Side,
    pub label: &'static str,
}

const fn region(id: &'static str, side: Side, label: &'static str) -> BodyRegion {
    BodyRegion { id, side, label }
}

/// Every region of the chart, front figure first. Left and right are the patient's.
pub const REGIONS: [BodyRegion; 30] = [
    region("front_head", Side::Front, "Head and face"),
    region("front_neck", Side::Front, "Front of neck"),
    region(
        "front_shoulder_right",
        Side::Front,
        "Right shoulder (front)",
    ),
    region("front_shoulder_left", Side::Front, "Left shoulder (front)"),
    region("chest", Side::Front, "Chest"),
    region("abdomen", Side::Front, "Abdomen"),
    region("front_arm_right", Side::Front, "Right arm (front)"),
    region("front_arm_left", Side::Front, "Left arm (front)"),
    region("hand_right", Side::Front, "Right forearm and hand"),
    region("hand_left", Side::Front, "Left forearm and hand"),
    region("hip_right", Side::Front, "Right hip"),
    region("hip_left", Side::Front, "Left hip"),
    region("thigh_right", Side::Front, "Right thigh (front)"),
    region("thigh_left", Side::Front, "Left thigh (front)"),
    region("shin_right", Side::Front, "Right knee and shin"),
    region("shin_left", Side::Front, "Left knee and shin"),
    region("back_head", Side::Back, "Back of head"),
    region("back_neck", Side::Back, "Back of neck"),
    region(
        "upper_back_right",
        Side::Back,
        "Right upper back and shoulder blade",
    ),
    region(
        "upper_back_left",
        Side::Back,
        "Left upper back and shoulder blade",
    ),
    region("mid_back", Side::Back, "Mid back"),
    region("lower_back", Side::Back, "Lower back"),
    region("back_arm_right", Side::Back, "Right arm (back)"),
    region("back_arm_left", Side::Back, "Left arm (back)"),
    region("glute_right", Side::Back, "Right gluteal"),
    region("glute_left", Side::Back, "Left gluteal"),
    region("hamstring_right", Side::Back, "Right hamstring"),
    region("hamstring_left", Side::Back, "Left hamstring"),
    region("calf_right", Side::Back, "Right calf"),
    region("calf_left", Side::Back, "Left calf"),
];

/// The region with this id, if the chart has one.
pub fn body_region(id: &str) -> Option<&'static BodyRegion> {
    REGIONS.iter().find(|r| r.id == id)
}

/// One mark on the body chart: a region, what it means and an optional short label.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BodyMark {
    pub region: String,
    pub kind: MarkKind,
    #[serde(default)]
    pub label: Option<String>,
}

/// What a note says: its sections in template order and its body chart marks.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct NoteContent {
    pub sections: Vec<NoteSection>,
    pub marks: Vec<BodyMark>,
}

// Notes hold health information: never print it, even in a debug log.
impl fmt::Debug for NoteContent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "NoteContent {{ {} sections, {} marks }}",
            self.sections.len(),
            self.marks.len()
        )
    }
}

impl fmt::Debug for NoteSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoteSection { .. }")
    }
}

impl fmt::Debug for BodyMark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyMark {{ region: {}, .. }}", self.region)
    }
}

/// A note's content as a form or the API gives it: section texts in the template's order.
#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NoteContentInput {
    /// One text per section of the note's template, in order.
    #[serde(default)]
    pub sections: Vec<String>,
    #[serde(default)]
    pub marks: Vec<BodyMarkInput>,
}

impl fmt::Debug for NoteContentInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NoteContentInput { .. }")
    }
}

#[derive(Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BodyMarkInput {
    #[serde(default, deserialize_with = "loose::deserialize")]
    #[schema(example = "lower_back")]
    pub region: Option<String>,
    #[serde(default, deserialize_with = "loose::deserialize")]
    #[schema(example = "pain")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "loose::deserialize")]
    pub label: Option<String>,
}

impl NoteContentInput {
    /// Validates the texts against the headings of the note's template version.
    pub fn parse(&self, headings: &[String]) -> Result<NoteContent, FieldErrors> {
        let mut errors = FieldErrors::new();
        if self.sections.len() != headings.len() {
            errors.add(
                "sections",
                format!(
                    "must hold {} texts, one per section of the template",
                    headings.len()
                ),
            );
        }
        let mut sections = Vec::new();
        for (i, (heading, text)) in headings.iter().zip(&self.sections).enumerate() {
            if let Some(text) = errors.check(&format!("sections[{i}]"), section_text(text)) {
                sections.push(NoteSection {
                    heading: heading.clone(),
                    text,
                });
            }
        }
        let marks = parse_marks(&mut errors, &self.marks);
        errors.finish(|| NoteContent { sections, marks })
    }
}

fn section_text(raw: &str) -> Result<String, Invalid> {
    let text = raw.trim_end().replace("\r\n", "\n");
    if text.chars().count() > MAX_SECTION_CHARS {
        return Err(Invalid::new(format!(
            "must be at most {MAX_SECTION_CHARS} characters"
        )));
    }
    if text
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::new("must not hold control characters"));
    }
    Ok(text)
}

fn parse_marks(errors: &mut FieldErrors, input: &[BodyMarkInput]) -> Vec<BodyMark> {
    let mut marks: Vec<BodyMark> = Vec::new();
    for (i, m) in input.iter().enumerate() {
        let raw_region = m.region.as_deref().unwrap_or_default().trim();
        let region = errors.check(
            &format!("marks[{i}].region"),
            body_region(raw_region)
                .map(|r| r.id.to_owned())
                .ok_or_else(|| Invalid::new(format!("'{raw_region}' is not a body region"))),
        );
        let kind = errors.check(
            &format!("marks[{i}].kind"),
            MarkKind::parse(m.kind.as_deref().unwrap_or_default()),
        );
        let label = errors.check(
            &format!("marks[{i}].label"),
            mark_label(m.label.as_deref().unwrap_or_default()),
        );
        let (Some(region), Some(kind), Some(label)) = (region, kind, label) else {
            continue;
        };
        if marks.iter().any(|old| old.region == region) {
            errors.add(&format!("marks[{i}].region"), "is marked twice");
            continue;
        }
        marks.push(BodyMark {
            region,
            kind,
            label,
        });
    }
    marks
}

fn mark_label(raw: &str) -> Result<Option<String>, Invalid> {
    let label = values::optional_text(raw)?;
    match label {
        Some(l) if l.chars().count() > MAX_MARK_LABEL => Err(Invalid::new(format!(
            "must be at most {MAX_MARK_LABEL} characters"
        ))),
        other => Ok(other),
    }
}

/// The reason given for an amendment: required, one line.
pub fn amendment_reason(raw: &str) -> Result<String, Invalid> {
    values::required_text(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn soap_headings() -> Vec<String> {
        soap_sections().into_iter().map(|s| s.heading).collect()
    }

    fn mark(region: &str, kind: &str) -> BodyMarkInput {
        BodyMarkInput {
            region: Some(region.into()),
            kind: Some(kind.into()),
            label: None,
        }
    }

    #[test]
    fn a_note_is_late_only_past_the_threshold() {
        let visit = 1_000_000;
        assert!(!is_late_entry(visit, visit + 24 * 3600, 24));
        assert!(is_late_entry(visit, visit + 24 * 3600 + 1, 24));
    }

    #[test]
    fn content_takes_one_text_per_section_and_known_regions() {
        let input = NoteContentInput {
            sections: vec![
                "sore".into(),
                "tight".into(),
                "better".into(),
                "stretch".into(),
            ],
            marks: vec![mark("lower_back", "pain")],
        };

        let content = input.parse(&soap_headings()).unwrap();

        assert_eq!(content.sections[3].heading, "Plan");
        assert_eq!(content.marks[0].kind, MarkKind::Pain);
    }

    #[test]
    fn bad_content_names_each_field() {
        let input = NoteContentInput {
            sections: vec!["only one".into()],
            marks: vec![mark("elbow_tip", "pain"), mark("calf_left", "itch")],
        };

        let errors = input.parse(&soap_headings()).unwrap_err();

        assert!(errors.get("sections").is_some());
        assert!(errors.get("marks[0].region").unwrap().contains("elbow_tip"));
        assert!(errors.get("marks[1].kind").is_some());
    }

    #[test]
    fn region_ids_are_distinct() {
        for (i, r) in REGIONS.iter().enumerate() {
            assert!(REGIONS[i + 1..].iter().all(|o| o.id != r.id), "{}", r.id);
        }
    }

    #[test]
    fn a_template_needs_a_name_and_a_section() {
        let errors = TemplateInput::default().parse().unwrap_err();

        assert!(errors.get("name").is_some());
        assert!(errors.get("sections").is_some());
    }
}
