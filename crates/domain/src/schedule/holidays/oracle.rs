//! The computed holidays checked against the dated snapshots of the Python `holidays` package
//! for every province and every year 2000-2040.
//!
//! Each holiday we compute must appear on its date in the snapshot under its own name, under
//! a name listed in [`OTHER_NAMES`], or be listed in [`ABSENT`] with the reason the snapshot
//! differs. Every listed difference must still be needed, so the lists cannot go stale.

use super::{Holiday, holidays};
use crate::values::Province;
use std::collections::{BTreeMap, BTreeSet};
use std::ops::RangeInclusive;

const YEARS: RangeInclusive<i16> = 2000..=2040;

const SNAPSHOTS: [(Province, &str); 13] = [
    (
        Province::AB,
        include_str!("../../../data/holidays/snapshots/CA_AB.json"),
    ),
    (
        Province::BC,
        include_str!("../../../data/holidays/snapshots/CA_BC.json"),
    ),
    (
        Province::MB,
        include_str!("../../../data/holidays/snapshots/CA_MB.json"),
    ),
    (
        Province::NB,
        include_str!("../../../data/holidays/snapshots/CA_NB.json"),
    ),
    (
        Province::NL,
        include_str!("../../../data/holidays/snapshots/CA_NL.json"),
    ),
    (
        Province::NS,
        include_str!("../../../data/holidays/snapshots/CA_NS.json"),
    ),
    (
        Province::NT,
        include_str!("../../../data/holidays/snapshots/CA_NT.json"),
    ),
    (
        Province::NU,
        include_str!("../../../data/holidays/snapshots/CA_NU.json"),
    ),
    (
        Province::ON,
        include_str!("../../../data/holidays/snapshots/CA_ON.json"),
    ),
    (
        Province::PE,
        include_str!("../../../data/holidays/snapshots/CA_PE.json"),
    ),
    (
        Province::QC,
        include_str!("../../../data/holidays/snapshots/CA_QC.json"),
    ),
    (
        Province::SK,
        include_str!("../../../data/holidays/snapshots/CA_SK.json"),
    ),
    (
        Province::YT,
        include_str!("../../../data/holidays/snapshots/CA_YT.json"),
    ),
];

/// A holiday the snapshot has on the same date under another name.
struct OtherName {
    provinces: &'static [Province],
    ours: &'static str,
    theirs: &'static str,
    years: RangeInclusive<i16>,
    reason: &'static str,
}

/// A holiday the snapshot does not have on our date under our name.
struct Absent {
    province: Province,
    ours: &'static str,
    years: RangeInclusive<i16>,
    reason: &'static str,
}

const ALL: &[Province] = &Province::ALL;
const OTHER_NAMES: &[OtherName] = &[
    OtherName {
        provinces: ALL,
        ours: "Labour Day",
        theirs: "Labor Day",
        years: 2000..=2040,
        reason: "the snapshot's labels are in American English",
    },
    OtherName {
        provinces: ALL,
        ours: "Thanksgiving",
        theirs: "Thanksgiving Day",
        years: 2000..=2040,
        reason: "the snapshot adds 'Day'",
    },
    OtherName {
        provinces: ALL,
        ours: "Day of Mourning for Queen Elizabeth II",
        theirs: "Funeral of Her Majesty the Queen Elizabeth II",
        years: 2022..=2022,
        reason: "the snapshot names the day after the state funeral it marked",
    },
    OtherName {
        provinces: &[Province::NT, Province::YT],
        ours: "National Indigenous Peoples Day",
        theirs: "National Aboriginal Day",
        years: 2000..=2040,
        reason: "the snapshot keeps the name the day had until 2017",
    },
    OtherName {
        provinces: &[Province::MB],
        ours: "Orange Shirt Day",
        theirs: "National Day for Truth and Reconciliation",
        years: 2021..=2040,
        reason: "Manitoba's name for the day; the snapshot uses the federal one",
    },
    OtherName {
        provinces: &[Province::MB],
        ours: "Terry Fox Day",
        theirs: "Civic Holiday",
        years: 2000..=2014,
        reason: "Manitoba named its August holiday Terry Fox Day in 2015",
    },
    OtherName {
        provinces: &[Province::QC],
        ours: "Saint-Jean-Baptiste Day",
        theirs: "Saint John the Baptist Day",
        years: 2000..=2040,
        reason: "the snapshot translates the name",
    },
    OtherName {
        provinces: &[Province::QC],
        ours: "National Patriots’ Day",
        theirs: "Victoria Day",
        years: 2000..=2002,
        reason: "National Patriots' Day was created in 2003; the same Monday was Victoria Day",
    },
];

const OPTIONAL_NOT_IN_SNAPSHOT: &str =
    "optional in the rules file, and the snapshot does not list it for this province";

const ABSENT: &[Absent] = &[
    Absent {
        province: Province::BC,
        ours: "Easter Monday",
        years: 2000..=2040,
        reason: OPTIONAL_NOT_IN_SNAPSHOT,
    },
    Absent {
        province: Province::MB,
        ours: "Easter Monday",
        years: 2000..=2040,
        reason: OPTIONAL_NOT_IN_SNAPSHOT,
    },
    Absent {
        province: Province::NS,
        ours: "Easter Monday",
        years: 2000..=2040,
        reason: OPTIONAL_NOT_IN_SNAPSHOT,
    },
    Absent {
        province: Province::MB,
        ours: "Day of Mourning for Queen Elizabeth II",
        years: 2022..=2022,
        reason: OPTIONAL_NOT_IN_SNAPSHOT,
    },
    Absent {
        province: Province::QC,
        ours: "Day after New Year’s",
        years: 2000..=2040,
        reason: "optional in the rules file; the snapshot has January 2 only as New Year's \
                 Day (observed), in years when January 1 is a Sunday",
    },
    Absent {
        province: Province::NL,
        ours: "Regatta Day",
        years: 2000..=2040,
        reason: "a St. John's civic holiday, weather-dependent (moved to July 30 in 2025); \
                 the snapshot does not list it",
    },
    Absent {
        province: Province::NL,
        ours: "Saint George’s Day",
        years: 2010..=2010,
        reason: "the snapshot has April 19, 2010, not the Monday nearest April 23 (April 26) \
                 that the rule gives",
    },
    Absent {
        province: Province::BC,
        ours: "Family Day",
        years: 2000..=2018,
        reason: "the rules file has no first year: BC's Family Day began in 2013, on the \
                 second Monday of February until 2018",
    },
    Absent {
        province: Province::MB,
        ours: "Louis Riel Day",
        years: 2000..=2007,
        reason: "the rules file has no first year: the day began in 2008",
    },
    Absent {
        province: Province::NB,
        ours: "Family Day",
        years: 2000..=2017,
        reason: "the rules file has no first year: the day began in 2018",
    },
    Absent {
        province: Province::NS,
        ours: "Heritage Day",
        years: 2000..=2014,
        reason: "the rules file has no first year: the day began in 2015",
    },
    Absent {
        province: Province::ON,
        ours: "Family Day",
        years: 2000..=2007,
        reason: "the rules file has no first year: the day began in 2008",
    },
    Absent {
        province: Province::PE,
        ours: "Islander Day",
        years: 2000..=2009,
        reason: "the rules file has no first year: the day began in 2009, on the second \
                 Monday of February that year",
    },
    Absent {
        province: Province::SK,
        ours: "Family Day",
        years: 2000..=2006,
        reason: "the rules file has no first year: the day began in 2007",
    },
    Absent {
        province: Province::NT,
        ours: "National Indigenous Peoples Day",
        years: 2000..=2000,
        reason: "the rules file has no first year: a territorial holiday from 2001",
    },
    Absent {
        province: Province::YT,
        ours: "National Indigenous Peoples Day",
        years: 2000..=2016,
        reason: "the rules file has no first year: a territorial holiday from 2017",
    },
    Absent {
        province: Province::NU,
        ours: "Nunavut Day",
        years: 2000..=2000,
        reason: "the snapshot has Nunavut Day on April 1 in 2000; July 9 from 2001",
    },
];

/// Snapshot names by date, with typographic apostrophes made plain.
fn snapshot(json: &str) -> BTreeMap<String, Vec<String>> {
    let raw: BTreeMap<String, String> = serde_json::from_str(json).expect("snapshot is JSON");
    raw.into_iter()
        .map(|(date, names)| (date, names.split("; ").map(plain).collect()))
        .collect()
}

fn plain(name: &str) -> String {
    name.replace('’', "'")
}

/// The listed difference, if any, that explains `holiday` given the snapshot's names that day.
fn explanation(province: Province, holiday: &Holiday, names: &[String]) -> Option<String> {
    let year = holiday.date.year();
    let other = OTHER_NAMES.iter().find(|o| {
        o.provinces.contains(&province)
            && o.ours == holiday.name_en
            && o.years.contains(&year)
            && names.contains(&plain(o.theirs))
    });
    if let Some(other) = other {
        return Some(format!(
            "{} is {}: {}",
            other.ours, other.theirs, other.reason
        ));
    }
    ABSENT
        .iter()
        .find(|a| a.province == province && a.ours == holiday.name_en && a.years.contains(&year))
        .map(|a| format!("{:?} {}: {}", a.province, a.ours, a.reason))
}

#[test]
fn every_computed_holiday_from_2000_to_2040_is_on_its_snapshot_date_or_explained() {
    let mut unexplained = Vec::new();
    let mut used = BTreeSet::new();

    for (province, json) in SNAPSHOTS {
        let dated = snapshot(json);
        for holiday in YEARS.flat_map(|year| holidays(province, year)) {
            let names = dated
                .get(&holiday.date.to_string())
                .cloned()
                .unwrap_or_default();
            if names.contains(&plain(holiday.name_en)) {
                continue;
            }
            match explanation(province, &holiday, &names) {
                Some(key) => {
                    used.insert(key);
                }
                None => unexplained.push(format!("{province:?} {holiday:?}: {names:?}")),
            }
        }
    }

    assert_eq!(unexplained, Vec::<String>::new());
    assert_eq!(
        used.len(),
        OTHER_NAMES.len() + ABSENT.len(),
        "a listed difference is unused"
    );
}

#[test]
fn easter_agrees_with_the_snapshot_every_year() {
    let (_, json) = SNAPSHOTS
        .iter()
        .find(|(p, _)| *p == Province::ON)
        .expect("listed");
    let ontario = snapshot(json);

    for year in YEARS {
        let easter = super::rule::easter_sunday(year).expect("Gregorian year");
        let good_friday = easter
            .yesterday()
            .and_then(|d| d.yesterday())
            .expect("in range");
        let names = ontario
            .get(&good_friday.to_string())
            .cloned()
            .unwrap_or_default();
        assert!(
            names.contains(&"Good Friday".to_owned()),
            "{year}: {names:?}"
        );
    }
}
