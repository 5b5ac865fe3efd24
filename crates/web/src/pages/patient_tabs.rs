//! The tabs across the top of one patient's pages: details, health history, consents, chart
//! and access log. A tab shows only to staff whose role may open it.

use knead_app::Staff;
use knead_domain::role::Permission;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PatientTab {
    Details,
    HealthHistory,
    Consents,
    Chart,
    Access,
}

pub(crate) struct PatientTabLink {
    pub href: String,
    pub label: &'static str,
    pub current: bool,
}

const TABS: [(PatientTab, &str, &str, Permission); 5] = [
    (PatientTab::Details, "", "Details", Permission::ViewPatients),
    (
        PatientTab::HealthHistory,
        "/intake",
        "Health history",
        Permission::ViewCharts,
    ),
    (
        PatientTab::Consents,
        "/consents",
        "Consents",
        Permission::ManageConsents,
    ),
    (PatientTab::Chart, "/chart", "Chart", Permission::ViewCharts),
    (
        PatientTab::Access,
        "/access",
        "Access log",
        Permission::ViewAudit,
    ),
];

/// The tabs `staff` may open for patient `id`, with `current` marked.
pub(crate) fn patient_tabs(staff: &Staff, id: &str, current: PatientTab) -> Vec<PatientTabLink> {
    TABS.into_iter()
        .filter(|(_, _, _, permission)| staff.can(*permission))
        .map(|(tab, suffix, label, _)| PatientTabLink {
            href: format!("/patients/{id}{suffix}"),
            label,
            current: tab == current,
        })
        .collect()
}
