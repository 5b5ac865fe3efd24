//! Invented patients: common Canadian first and last names (French ones with their accents),
//! addresses that cannot receive mail, and phone numbers in the 555-01xx block that North
//! American numbering keeps for fiction.

use super::rng::Rng;
use knead_domain::setup::PatientInput;
use knead_domain::values::slugify;
use std::collections::BTreeSet;

const FEMININE_NAMES: &[&str] = &[
    "Emma",
    "Olivia",
    "Charlotte",
    "Amelia",
    "Ava",
    "Sophia",
    "Mia",
    "Chloé",
    "Zoé",
    "Léa",
    "Hélène",
    "Émilie",
    "Geneviève",
    "Noémie",
    "Camille",
    "Josée",
    "Andrée",
    "Marie-Ève",
    "Isabelle",
    "Nathalie",
    "Sarah",
    "Jennifer",
    "Jessica",
    "Megan",
    "Ashley",
    "Hannah",
    "Grace",
    "Emily",
    "Maya",
    "Priya",
    "Ananya",
    "Aisha",
    "Fatima",
    "Mei",
    "Hana",
    "Ji-woo",
    "Elizabeth",
    "Katherine",
    "Margaret",
    "Patricia",
    "Susan",
    "Linda",
    "Karen",
    "Diane",
];

const MASCULINE_NAMES: &[&str] = &[
    "Liam",
    "Noah",
    "Lucas",
    "Ethan",
    "Owen",
    "Benjamin",
    "Jacob",
    "Nathan",
    "Samuel",
    "Matthew",
    "Ryan",
    "Daniel",
    "Michael",
    "David",
    "James",
    "Robert",
    "William",
    "Thomas",
    "François",
    "Gabriel",
    "Olivier",
    "Félix",
    "Raphaël",
    "Mathéo",
    "Benoît",
    "Jérôme",
    "Stéphane",
    "Sébastien",
    "Luc",
    "André",
    "Pierre",
    "Marc-André",
    "Arjun",
    "Raj",
    "Wei",
    "Jun",
    "Omar",
    "Mohammed",
    "Hamza",
    "Min-jun",
    "Diego",
    "Mateo",
    "Kwame",
    "Tariq",
    "Connor",
    "Ian",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Brown",
    "Tremblay",
    "Martin",
    "Roy",
    "Wilson",
    "MacDonald",
    "Gagnon",
    "Johnson",
    "Taylor",
    "Côté",
    "Campbell",
    "Anderson",
    "Leblanc",
    "Lee",
    "Jones",
    "White",
    "Williams",
    "Miller",
    "Thompson",
    "Gauthier",
    "Young",
    "Morin",
    "Bouchard",
    "Scott",
    "Stewart",
    "Bélanger",
    "Reid",
    "Pelletier",
    "Moore",
    "Lavoie",
    "King",
    "Robinson",
    "Lévesque",
    "Murphy",
    "Fortin",
    "Gagné",
    "Wong",
    "Clarke",
    "Chen",
    "Li",
    "Nguyen",
    "Patel",
    "Singh",
    "Kim",
    "Ali",
    "Khan",
    "Fraser",
    "Bergeron",
    "Girard",
    "Ouellet",
    "Paquette",
    "Thibault",
    "Poirier",
    "Caron",
    "Beaulieu",
    "Boucher",
    "Dubé",
    "Hébert",
    "Savard",
    "Desjardins",
    "McLean",
    "MacLeod",
    "O'Brien",
    "Sullivan",
    "Walsh",
    "Ross",
    "Graham",
    "Hamilton",
    "Grant",
    "Kaur",
    "Gill",
    "Sharma",
    "Zhang",
    "Wang",
    "Liu",
    "Huang",
    "Park",
    "Tran",
    "Santos",
    "Silva",
    "Rossi",
    "Ferreira",
    "Kowalski",
    "Novak",
    "Haddad",
    "Mensah",
    "Okafor",
    "Friesen",
    "Janzen",
    "Jensen",
];

/// Names some patients go by instead of their legal first name.
const NICKNAMES: &[(&str, &str)] = &[
    ("Elizabeth", "Liz"),
    ("Katherine", "Kate"),
    ("Margaret", "Maggie"),
    ("Patricia", "Trish"),
    ("Robert", "Bob"),
    ("William", "Will"),
    ("Matthew", "Matt"),
    ("Benjamin", "Ben"),
    ("Michael", "Mike"),
    ("Samuel", "Sam"),
    ("Jennifer", "Jen"),
    ("Marc-André", "Marco"),
];

/// Every address ends in `.invalid`, a top-level domain that can never deliver, so a demo
/// that sends a reminder by mistake reaches nobody.
const EMAIL_DOMAINS: &[&str] = &[
    "example.invalid",
    "inbox.example.invalid",
    "courriel.example.invalid",
];

/// Where a group of patients lives: the city of one of the clinic's locations.
pub(crate) struct Town {
    pub city: &'static str,
    pub province: &'static str,
    pub area_codes: &'static [&'static str],
    /// Relative share of the patients who live there.
    pub weight: u32,
}

/// An invented patient and the index of the town (and so the location) they go to.
pub(crate) struct InventedPatient {
    pub input: PatientInput,
    pub town: usize,
}

/// `count` invented patients, the same ones for the same generator state.
pub(crate) fn patients(rng: &mut Rng, count: usize, towns: &[Town]) -> Vec<InventedPatient> {
    let weights: Vec<u32> = towns.iter().map(|t| t.weight).collect();
    let mut emails = BTreeSet::new();
    (0..count)
        .map(|_| {
            let town = rng.weighted(&weights);
            let input = patient(rng, &towns[town], &mut emails);
            InventedPatient { input, town }
        })
        .collect()
}

fn patient(rng: &mut Rng, town: &Town, emails: &mut BTreeSet<String>) -> PatientInput {
    let names = if rng.chance(58) {
        FEMININE_NAMES
    } else {
        MASCULINE_NAMES
    };
    let first = *rng.pick(names);
    let last = *rng.pick(LAST_NAMES);
    let year = (rng.between(1940, 2010) + rng.between(1940, 2010)) / 2;
    let born = format!("{year}-{:02}-{:02}", rng.between(1, 12), rng.between(1, 28));
    let preferred = NICKNAMES
        .iter()
        .find(|(legal, _)| *legal == first)
        .filter(|_| rng.chance(40))
        .map(|(_, nickname)| (*nickname).to_owned());
    let email = (!rng.chance(12)).then(|| email(rng, first, last, year, emails));
    let phone = (!rng.chance(4)).then(|| phone(rng, town));
    PatientInput {
        legal_first_name: Some(first.to_owned()),
        legal_last_name: Some(last.to_owned()),
        preferred_name: preferred,
        date_of_birth: Some(born),
        email,
        phone,
        city: Some(town.city.to_owned()),
        province: Some(town.province.to_owned()),
        ..PatientInput::default()
    }
}

/// Whether an invented patient could plausibly book a prenatal massage: a feminine first name
/// and an age between 20 and 44 in `year`.
pub(crate) fn may_be_expecting(input: &PatientInput, year: i16) -> bool {
    let first = input.legal_first_name.as_deref().unwrap_or("");
    let born: Option<i16> = input
        .date_of_birth
        .as_deref()
        .and_then(|d| d.get(..4))
        .and_then(|y| y.parse().ok());
    FEMININE_NAMES.contains(&first) && born.is_some_and(|b| (20..45).contains(&(year - b)))
}

/// The letters of a name as an address may hold them: accents folded, apostrophes dropped.
fn mailbox_word(name: &str) -> String {
    slugify(&name.replace('\'', ""))
}

/// An address in one of the shapes people pick, unique within the clinic as the database
/// requires.
fn email(
    rng: &mut Rng,
    first: &str,
    last: &str,
    year: i64,
    taken: &mut BTreeSet<String>,
) -> String {
    let (first, last) = (mailbox_word(first), mailbox_word(last));
    let initial: String = first.chars().take(1).collect();
    let local = match rng.below(4) {
        0 => format!("{first}.{last}"),
        1 => format!("{initial}{last}"),
        2 => format!("{first}{}", year % 100),
        _ => format!("{first}.{last}{}", rng.between(1, 99)),
    };
    let domain = rng.pick(EMAIL_DOMAINS);
    let mut address = format!("{local}@{domain}");
    let mut n = 2;
    while taken.contains(&address) {
        address = format!("{local}{n}@{domain}");
        n += 1;
    }
    taken.insert(address.clone());
    address
}

/// A number in the town's area codes within 555-0100 to 555-0199.
fn phone(rng: &mut Rng, town: &Town) -> String {
    let area = rng.pick(town.area_codes);
    format!("({area}) 555-01{:02}", rng.below(100))
}

#[cfg(test)]
mod tests {
    use super::*;
    use knead_domain::setup::PatientInput;

    const TOWNS: &[Town] = &[
        Town {
            city: "Toronto",
            province: "ON",
            area_codes: &["416", "647"],
            weight: 2,
        },
        Town {
            city: "Vancouver",
            province: "BC",
            area_codes: &["604"],
            weight: 1,
        },
    ];

    fn parse(input: &PatientInput) {
        let today = jiff::civil::date(2026, 3, 2);
        if let Err(errors) = input.parse(today) {
            panic!("an invented patient is refused: {errors}");
        }
    }

    #[test]
    fn invented_patients_pass_the_clinics_own_checks() {
        let invented = patients(&mut Rng::new(3), 300, TOWNS);

        for patient in &invented {
            parse(&patient.input);
        }
        assert!(invented.iter().any(|p| p.town == 1));
    }

    #[test]
    fn emails_are_unique_and_undeliverable() {
        let invented = patients(&mut Rng::new(5), 300, TOWNS);

        let emails: Vec<&String> = invented
            .iter()
            .filter_map(|p| p.input.email.as_ref())
            .collect();
        let distinct: BTreeSet<&String> = emails.iter().copied().collect();

        assert_eq!(emails.len(), distinct.len());
        assert!(emails.iter().all(|e| e.ends_with(".invalid")));
        assert!(emails.len() < invented.len(), "some patients have no email");
    }

    #[test]
    fn phones_stay_in_the_fictional_block() {
        let invented = patients(&mut Rng::new(9), 100, TOWNS);

        for phone in invented.iter().filter_map(|p| p.input.phone.as_ref()) {
            assert!(phone.contains(") 555-01"), "{phone}");
        }
    }
}
