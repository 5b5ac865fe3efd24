//! The fixed choices forms offer: provinces, Canadian time zones, roles, and the like.

use knead_domain::Role;
use knead_domain::values::Province;

/// Provinces and territories by code, labelled with their names.
pub(crate) fn provinces() -> Vec<(&'static str, &'static str)> {
    Province::ALL.iter().map(|p| (p.code(), p.name())).collect()
}

/// The IANA zones in use in Canada, labelled so staff need not know the zone names.
pub(crate) const ZONES: &[(&str, &str)] = &[
    ("America/St_Johns", "Newfoundland (St. John's)"),
    ("America/Halifax", "Atlantic (Halifax)"),
    ("America/Glace_Bay", "Atlantic (Glace Bay)"),
    ("America/Moncton", "Atlantic (Moncton)"),
    ("America/Goose_Bay", "Atlantic (Goose Bay)"),
    ("America/Toronto", "Eastern (Toronto, Montréal)"),
    ("America/Iqaluit", "Eastern (Iqaluit)"),
    ("America/Atikokan", "Eastern, no daylight saving (Atikokan)"),
    ("America/Winnipeg", "Central (Winnipeg)"),
    ("America/Rankin_Inlet", "Central (Rankin Inlet)"),
    ("America/Regina", "Central, no daylight saving (Regina)"),
    (
        "America/Swift_Current",
        "Central, no daylight saving (Swift Current)",
    ),
    ("America/Edmonton", "Mountain (Edmonton, Calgary)"),
    ("America/Cambridge_Bay", "Mountain (Cambridge Bay)"),
    ("America/Inuvik", "Mountain (Inuvik)"),
    ("America/Creston", "Mountain, no daylight saving (Creston)"),
    (
        "America/Dawson_Creek",
        "Mountain, no daylight saving (Dawson Creek)",
    ),
    (
        "America/Fort_Nelson",
        "Mountain, no daylight saving (Fort Nelson)",
    ),
    ("America/Whitehorse", "Yukon (Whitehorse)"),
    ("America/Vancouver", "Pacific (Vancouver)"),
];

/// Standings of a registration with a college.
pub(crate) const REGISTRATION_STATUSES: &[(&str, &str)] = &[
    ("active", "Active"),
    ("inactive", "Inactive"),
    ("suspended", "Suspended"),
];

/// How a service is taxed.
pub(crate) const TAX_CODES: &[(&str, &str)] =
    &[("taxable", "Taxable (GST/HST)"), ("exempt", "Exempt")];

/// A role as staff read it.
pub(crate) fn role_label(role: Role) -> &'static str {
    match role {
        Role::Owner => "Owner",
        Role::Manager => "Manager",
        Role::FrontDesk => "Front desk",
        Role::Practitioner => "Practitioner",
        Role::Bookkeeper => "Bookkeeper",
    }
}

/// Every role, for the token form.
pub(crate) fn roles() -> Vec<(&'static str, &'static str)> {
    Role::ALL
        .iter()
        .map(|r| (r.as_str(), role_label(*r)))
        .collect()
}
