//! The body chart drawn as inline SVG: a front and a back figure made of the named regions
//! of `knead_domain::notes::REGIONS`, each marked region filled by kind and lettered, so the
//! kind never rests on colour alone. No script: the marks are chosen in the form's fields.

use knead_domain::notes::{BodyMark, MarkKind, REGIONS, Side};

/// Where each region sits on its figure (x, y, width, height), in a 160 by 390 box. The
/// front figure faces the reader, so the patient's right is on the left.
const SHAPES: [(&str, i32, i32, i32, i32); 30] = [
    ("front_head", 60, 5, 40, 45),
    ("front_neck", 70, 50, 20, 15),
    ("front_shoulder_right", 30, 65, 30, 25),
    ("front_shoulder_left", 100, 65, 30, 25),
    ("chest", 60, 65, 40, 45),
    ("abdomen", 60, 110, 40, 45),
    ("front_arm_right", 15, 90, 25, 70),
    ("front_arm_left", 120, 90, 25, 70),
    ("hand_right", 8, 160, 25, 70),
    ("hand_left", 127, 160, 25, 70),
    ("hip_right", 45, 155, 35, 35),
    ("hip_left", 80, 155, 35, 35),
    ("thigh_right", 45, 190, 33, 80),
    ("thigh_left", 82, 190, 33, 80),
    ("shin_right", 47, 270, 30, 110),
    ("shin_left", 83, 270, 30, 110),
    ("back_head", 60, 5, 40, 45),
    ("back_neck", 70, 50, 20, 15),
    ("upper_back_left", 40, 65, 40, 50),
    ("upper_back_right", 80, 65, 40, 50),
    ("mid_back", 50, 115, 60, 30),
    ("lower_back", 50, 145, 60, 30),
    ("back_arm_left", 15, 80, 25, 90),
    ("back_arm_right", 120, 80, 25, 90),
    ("glute_left", 45, 175, 35, 35),
    ("glute_right", 80, 175, 35, 35),
    ("hamstring_left", 45, 210, 33, 70),
    ("hamstring_right", 82, 210, 33, 70),
    ("calf_left", 47, 280, 30, 100),
    ("calf_right", 83, 280, 30, 100),
];

/// One region as drawn.
pub(crate) struct Shape {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
    pub cx: i32,
    pub cy: i32,
    pub class: &'static str,
    pub letter: &'static str,
    /// The region's name and, when marked, the mark in words (the shape's tooltip).
    pub title: String,
}

/// A figure's regions, ready to draw.
pub(crate) struct Figure {
    pub label: &'static str,
    pub shapes: Vec<Shape>,
}

/// A mark in words, for the list under the drawing.
pub(crate) struct MarkLine {
    pub region: &'static str,
    pub kind: &'static str,
    pub letter: &'static str,
    pub label: Option<String>,
}

pub(crate) fn letter(kind: MarkKind) -> &'static str {
    match kind {
        MarkKind::Pain => "P",
        MarkKind::Tension => "T",
        MarkKind::TriggerPoint => "X",
        MarkKind::Avoid => "A",
    }
}

fn class(kind: Option<MarkKind>) -> &'static str {
    match kind {
        None => "region",
        Some(MarkKind::Pain) => "region mark-pain",
        Some(MarkKind::Tension) => "region mark-tension",
        Some(MarkKind::TriggerPoint) => "region mark-trigger",
        Some(MarkKind::Avoid) => "region mark-avoid",
    }
}

fn shape(id: &str, label: &str, mark: Option<&BodyMark>) -> Option<Shape> {
    let &(_, x, y, w, h) = SHAPES.iter().find(|s| s.0 == id)?;
    let kind = mark.map(|m| m.kind);
    let title = match mark {
        Some(m) => format!("{label}: {}", m.kind.label()),
        None => label.to_owned(),
    };
    Some(Shape {
        x,
        y,
        w,
        h,
        cx: x + w / 2,
        cy: y + h / 2 + 4,
        class: class(kind),
        letter: kind.map(letter).unwrap_or(""),
        title,
    })
}

/// The front and back figures with `marks` drawn on them.
pub(crate) fn figures(marks: &[BodyMark]) -> Vec<Figure> {
    [(Side::Front, "Front"), (Side::Back, "Back")]
        .into_iter()
        .map(|(side, label)| Figure {
            label,
            shapes: REGIONS
                .iter()
                .filter(|r| r.side == side)
                .filter_map(|r| shape(r.id, r.label, marks.iter().find(|m| m.region == r.id)))
                .collect(),
        })
        .collect()
}

/// The marks in words, in the chart's region order.
pub(crate) fn mark_lines(marks: &[BodyMark]) -> Vec<MarkLine> {
    REGIONS
        .iter()
        .filter_map(|r| {
            let mark = marks.iter().find(|m| m.region == r.id)?;
            Some(MarkLine {
                region: r.label,
                kind: mark.kind.label(),
                letter: letter(mark.kind),
                label: mark.label.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_a_shape() {
        for region in REGIONS {
            assert!(SHAPES.iter().any(|s| s.0 == region.id), "{}", region.id);
        }
    }
}
