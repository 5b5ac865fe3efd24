//! The invented clinic's set-up: its profile and booking rules, two locations in two zones with
//! their rooms, five therapists with their registrations and weekly hours, and the services
//! they give. Everything goes through the same use cases as the set-up pages.

use super::names::Town;
use super::shift;
use crate::scheduling::zone_of;
use crate::{App, AppError, Staff};
use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use knead_domain::appointment::BookingPolicyInput;
use knead_domain::booking::{BlockInput, ExceptionInput, HoursInput};
use knead_domain::ids::{PatientId, PractitionerId, RoomId};
use knead_domain::setup::{
    ClinicInput, Location, LocationInput, PractitionerInput, RegistrationInput, RoomInput, Service,
    ServiceInput,
};

pub(crate) const CLINIC_NAME: &str = "Larkspur & Pine Massage Therapy";

/// The index of the prenatal massage among the services, whose patients are chosen apart.
pub(crate) const PRENATAL: usize = 5;

struct SitePlan {
    name: &'static str,
    street: &'static str,
    postal_code: &'static str,
    zone: &'static str,
    phone: &'static str,
    rooms: &'static [&'static str],
    town: Town,
}

const SITES: [SitePlan; 2] = [
    SitePlan {
        name: "Leslieville, Toronto",
        street: "388 Larkspur Avenue",
        postal_code: "M4M 1H2",
        zone: "America/Toronto",
        phone: "(416) 555-0101",
        rooms: &["Cedar room", "Willow room", "Birch room"],
        town: Town {
            city: "Toronto",
            province: "ON",
            area_codes: &["416", "647", "437"],
            weight: 65,
        },
    },
    SitePlan {
        name: "Kitsilano, Vancouver",
        street: "2150 Alder Crescent",
        postal_code: "V6K 2G4",
        zone: "America/Vancouver",
        phone: "(604) 555-0102",
        rooms: &["Fir room", "Arbutus room"],
        town: Town {
            city: "Vancouver",
            province: "BC",
            area_codes: &["604", "778", "236"],
            weight: 35,
        },
    },
];

/// The zone of the first location, where the clinic's "today" is read.
pub(crate) const HOME_ZONE: &str = SITES[0].zone;

/// Where patients live, one town per location, in the order of the locations.
pub(crate) fn towns() -> [Town; 2] {
    SITES.map(|site| site.town)
}

/// One weekly block: location index, weekday, start and end in that location's civil time.
type Block = (usize, Weekday, &'static str, &'static str);

struct TherapistPlan {
    name: &'static str,
    mailbox: &'static str,
    /// Province, college and an invented registration number.
    registrations: &'static [(&'static str, &'static str, &'static str)],
    hours: &'static [Block],
    hot_stone: bool,
    prenatal: bool,
    /// Takes a week off, starting the Monday after next.
    week_off: bool,
}

use Weekday::{Friday as FRI, Monday as MON, Saturday as SAT, Thursday as THU};
use Weekday::{Tuesday as TUE, Wednesday as WED};

const ON: (&str, &str) = ("ON", "CMTO");
const BC: (&str, &str) = ("BC", "CHCPBC");

const THERAPISTS: [TherapistPlan; 5] = [
    TherapistPlan {
        name: "Amélie Gagnon",
        mailbox: "amelie.gagnon",
        registrations: &[(ON.0, ON.1, "41827")],
        hours: &[
            (0, MON, "09:00", "12:30"),
            (0, MON, "13:30", "17:00"),
            (0, TUE, "09:00", "12:30"),
            (0, TUE, "13:30", "17:00"),
            (0, WED, "09:00", "12:30"),
            (0, WED, "13:30", "17:00"),
            (0, THU, "09:00", "12:30"),
            (0, THU, "13:30", "17:00"),
            (0, FRI, "09:00", "12:30"),
            (0, FRI, "13:30", "17:00"),
        ],
        hot_stone: true,
        prenatal: true,
        week_off: false,
    },
    TherapistPlan {
        name: "Marcus Chen",
        mailbox: "marcus.chen",
        registrations: &[(ON.0, ON.1, "38214"), (BC.0, BC.1, "20931")],
        hours: &[
            (0, WED, "12:00", "16:00"),
            (0, WED, "16:30", "20:00"),
            (0, THU, "12:00", "16:00"),
            (0, THU, "16:30", "20:00"),
            (1, SAT, "10:00", "16:00"),
        ],
        hot_stone: true,
        prenatal: false,
        week_off: false,
    },
    TherapistPlan {
        name: "Priya Raman",
        mailbox: "priya.raman",
        registrations: &[(ON.0, ON.1, "52760")],
        hours: &[(0, MON, "10:00", "15:00"), (0, SAT, "09:00", "14:00")],
        hot_stone: false,
        prenatal: true,
        week_off: false,
    },
    TherapistPlan {
        name: "Jonah Whitfield",
        mailbox: "jonah.whitfield",
        registrations: &[(BC.0, BC.1, "17458")],
        hours: &[
            (1, MON, "08:00", "12:00"),
            (1, MON, "12:45", "16:00"),
            (1, TUE, "08:00", "12:00"),
            (1, TUE, "12:45", "16:00"),
            (1, WED, "08:00", "12:00"),
            (1, WED, "12:45", "16:00"),
            (1, THU, "08:00", "12:00"),
            (1, THU, "12:45", "16:00"),
            (1, FRI, "08:00", "12:00"),
        ],
        hot_stone: false,
        prenatal: true,
        week_off: true,
    },
    TherapistPlan {
        name: "Sofia Marchetti",
        mailbox: "sofia.marchetti",
        registrations: &[(ON.0, ON.1, "46093"), (BC.0, BC.1, "23377")],
        hours: &[
            (0, MON, "10:00", "14:00"),
            (0, MON, "14:30", "18:00"),
            (0, TUE, "10:00", "14:00"),
            (0, TUE, "14:30", "18:00"),
            (1, THU, "11:00", "15:00"),
            (1, THU, "15:30", "19:00"),
            (1, FRI, "11:00", "15:00"),
            (1, FRI, "15:30", "19:00"),
        ],
        hot_stone: true,
        prenatal: false,
        week_off: false,
    },
];

/// Who gives a service.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Givers {
    Everyone,
    HotStone,
    Prenatal,
}

struct ServicePlan {
    name: &'static str,
    minutes: i64,
    price: &'static str,
    buffer_before: i64,
    buffer_after: i64,
    givers: Givers,
    /// How often the desk books it, relative to the others.
    weight: u32,
}

const SERVICES: [ServicePlan; 6] = [
    ServicePlan {
        name: "Massage therapy, 30 minutes",
        minutes: 30,
        price: "75.00",
        buffer_before: 0,
        buffer_after: 15,
        givers: Givers::Everyone,
        weight: 10,
    },
    ServicePlan {
        name: "Massage therapy, 45 minutes",
        minutes: 45,
        price: "95.00",
        buffer_before: 0,
        buffer_after: 15,
        givers: Givers::Everyone,
        weight: 14,
    },
    ServicePlan {
        name: "Massage therapy, 60 minutes",
        minutes: 60,
        price: "120.00",
        buffer_before: 0,
        buffer_after: 15,
        givers: Givers::Everyone,
        weight: 40,
    },
    ServicePlan {
        name: "Massage therapy, 90 minutes",
        minutes: 90,
        price: "160.00",
        buffer_before: 0,
        buffer_after: 15,
        givers: Givers::Everyone,
        weight: 14,
    },
    ServicePlan {
        name: "Hot stone massage, 90 minutes",
        minutes: 90,
        price: "175.00",
        // The stones are heated and laid out before the patient comes in.
        buffer_before: 15,
        buffer_after: 15,
        givers: Givers::HotStone,
        weight: 8,
    },
    ServicePlan {
        name: "Prenatal massage, 60 minutes",
        minutes: 60,
        price: "125.00",
        buffer_before: 0,
        buffer_after: 15,
        givers: Givers::Prenatal,
        weight: 14,
    },
];

impl TherapistPlan {
    fn gives(&self, givers: Givers) -> bool {
        match givers {
            Givers::Everyone => true,
            Givers::HotStone => self.hot_stone,
            Givers::Prenatal => self.prenatal,
        }
    }

    fn sites(&self) -> Vec<usize> {
        let mut sites: Vec<usize> = self.hours.iter().map(|block| block.0).collect();
        sites.sort_unstable();
        sites.dedup();
        sites
    }
}

/// A location as the demo uses it: the record, its zone, rooms and the patients near it.
pub(crate) struct Site {
    pub location: Location,
    pub tz: TimeZone,
    pub rooms: Vec<RoomId>,
    pub patients: Vec<PatientId>,
    /// Those of its patients who might come for a prenatal massage.
    pub expecting: Vec<PatientId>,
}

/// A therapist as the demo books them.
pub(crate) struct Therapist {
    pub id: PractitionerId,
    /// Indexes of the services they give, into [`Setup::services`].
    pub services: Vec<usize>,
    pub sites: Vec<usize>,
    /// The room they use first at each location, by position among its rooms.
    pub usual_room: usize,
    plan: &'static TherapistPlan,
}

impl Therapist {
    /// Minutes of weekly hours at a site on a weekday.
    pub(crate) fn minutes_on(&self, site: usize, weekday: Weekday) -> i64 {
        let minutes = |text: &str| {
            text.parse::<Time>()
                .map_or(0, |t| i64::from(t.hour()) * 60 + i64::from(t.minute()))
        };
        self.plan
            .hours
            .iter()
            .filter(|(s, day, _, _)| *s == site && *day == weekday)
            .map(|(_, _, start, end)| minutes(end) - minutes(start))
            .sum()
    }
}

/// Everything the bookings need from the set-up.
pub(crate) struct Setup {
    pub sites: Vec<Site>,
    pub therapists: Vec<Therapist>,
    pub services: Vec<Service>,
}

impl Setup {
    /// How often each of `service_indexes` is booked, relative to the others.
    pub(crate) fn weights(&self, service_indexes: &[usize]) -> Vec<u32> {
        service_indexes
            .iter()
            .map(|i| SERVICES[*i].weight)
            .collect()
    }

    pub(crate) fn room_count(&self) -> usize {
        self.sites.iter().map(|s| s.rooms.len()).sum()
    }
}

/// The owner's sign-up: the clinic's name, and the account the demo prints once.
pub(crate) fn owner_signup(email: &str, password: &str) -> crate::auth::OwnerSignup {
    crate::auth::OwnerSignup {
        clinic_name: CLINIC_NAME.to_owned(),
        owner_name: THERAPISTS[0].name.to_owned(),
        email: email.to_owned(),
        password: password.to_owned(),
        password_confirm: None,
    }
}

/// Creates the profile, the booking rules, locations and rooms, therapists with their hours
/// and time off, and services. `today` is the clinic's local date.
pub(crate) async fn build(app: &App, staff: &Staff, today: Date) -> Result<Setup, AppError> {
    app.update_clinic(staff, &profile()).await?;
    app.update_booking_policy(staff, &policy()).await?;
    let mut sites = Vec::new();
    for plan in &SITES {
        sites.push(site(app, staff, plan).await?);
    }
    let mut therapists = Vec::new();
    for (i, plan) in THERAPISTS.iter().enumerate() {
        therapists.push(therapist(app, staff, &sites, plan, i, today).await?);
    }
    let mut services = Vec::new();
    for (i, plan) in SERVICES.iter().enumerate() {
        services.push(service(app, staff, &mut therapists, plan, i).await?);
    }
    Ok(Setup {
        sites,
        therapists,
        services,
    })
}

fn some(text: &str) -> Option<String> {
    Some(text.to_owned())
}

fn profile() -> ClinicInput {
    ClinicInput {
        legal_name: some("Larkspur and Pine Wellness Inc."),
        operating_name: some(CLINIC_NAME),
        address_line1: some(SITES[0].street),
        address_line2: some("Suite 200"),
        city: some(SITES[0].town.city),
        province: some(SITES[0].town.province),
        postal_code: some(SITES[0].postal_code),
        phone: some("(416) 555-0100"),
        email: some("hello@demo.knead.invalid"),
        website: some("https://larkspur-pine.demo.knead.invalid"),
    }
}

/// The defaults, saved once so that the settings page shows a first version.
fn policy() -> BookingPolicyInput {
    BookingPolicyInput {
        minimum_notice_minutes: some("120"),
        horizon_days: some("90"),
        late_cancel_window_minutes: some("1440"),
        reschedule_inside_window_is_late: some("false"),
        slot_step_minutes: None,
    }
}

async fn site(app: &App, staff: &Staff, plan: &SitePlan) -> Result<Site, AppError> {
    let input = LocationInput {
        name: some(plan.name),
        address_line1: some(plan.street),
        city: some(plan.town.city),
        province: some(plan.town.province),
        postal_code: some(plan.postal_code),
        time_zone: some(plan.zone),
        phone: some(plan.phone),
        ..LocationInput::default()
    };
    let location = app.create_location(staff, &input).await?;
    let mut rooms = Vec::new();
    for name in plan.rooms {
        let input = RoomInput {
            name: some(name),
            active: None,
        };
        rooms.push(app.create_room(staff, &location.id, &input).await?.id);
    }
    Ok(Site {
        tz: zone_of(&location)?,
        location,
        rooms,
        patients: Vec::new(),
        expecting: Vec::new(),
    })
}

async fn therapist(
    app: &App,
    staff: &Staff,
    sites: &[Site],
    plan: &'static TherapistPlan,
    position: usize,
    today: Date,
) -> Result<Therapist, AppError> {
    let site_indexes = plan.sites();
    let input = PractitionerInput {
        name: some(plan.name),
        profession: None,
        email: Some(format!("{}@demo.knead.invalid", plan.mailbox)),
        registrations: plan.registrations.iter().map(registration).collect(),
        location_ids: site_indexes
            .iter()
            .map(|s| sites[*s].location.id.to_string())
            .collect(),
        active: None,
    };
    let practitioner = app.create_practitioner(staff, &input).await?;
    for site in &site_indexes {
        let hours = weekly_hours(plan, *site);
        app.set_hours(staff, &practitioner.id, &sites[*site].location.id, &hours)
            .await?;
    }
    if plan.week_off {
        app.add_exception(staff, &week_off(&practitioner.id, today)?)
            .await?;
    }
    Ok(Therapist {
        id: practitioner.id,
        services: Vec::new(),
        sites: site_indexes,
        usual_room: position,
        plan,
    })
}

fn registration(row: &(&str, &str, &str)) -> RegistrationInput {
    let (province, college, number) = *row;
    RegistrationInput {
        province: some(province),
        college: some(college),
        number: some(number),
        status: None,
    }
}

fn weekly_hours(plan: &TherapistPlan, site: usize) -> HoursInput {
    let blocks = plan
        .hours
        .iter()
        .filter(|block| block.0 == site)
        .map(|(_, day, start, end)| BlockInput {
            weekday: some(knead_domain::booking::weekday_name(*day)),
            start: some(start),
            end: some(end),
        })
        .collect();
    HoursInput { blocks }
}

/// A whole week away, Monday to Sunday, starting the Monday after next.
fn week_off(practitioner: &PractitionerId, today: Date) -> Result<ExceptionInput, AppError> {
    let to_monday = 7 - i64::from(today.weekday().to_monday_zero_offset());
    let first = shift(today, to_monday + 7)?;
    let last = shift(first, 6)?;
    Ok(ExceptionInput {
        practitioner_id: Some(practitioner.to_string()),
        location_id: None,
        kind: some("time_off"),
        start: Some(first.to_string()),
        end: Some(last.to_string()),
        reason: some("Vacation"),
    })
}

async fn service(
    app: &App,
    staff: &Staff,
    therapists: &mut [Therapist],
    plan: &ServicePlan,
    index: usize,
) -> Result<Service, AppError> {
    let givers: Vec<&mut Therapist> = therapists
        .iter_mut()
        .filter(|t| t.plan.gives(plan.givers))
        .collect();
    let input = ServiceInput {
        name: some(plan.name),
        duration_minutes: Some(plan.minutes.to_string()),
        price: some(plan.price),
        tax_code: some("taxable"),
        buffer_before_minutes: Some(plan.buffer_before.to_string()),
        buffer_after_minutes: Some(plan.buffer_after.to_string()),
        online_bookable: some("true"),
        practitioner_ids: givers.iter().map(|t| t.id.to_string()).collect(),
        active: None,
    };
    let service = app.create_service(staff, &input).await?;
    for therapist in givers {
        therapist.services.push(index);
    }
    Ok(service)
}
