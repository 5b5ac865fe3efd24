//! Staff roles and what each may do. The matrix is the default policy; issue-level work on
//! per-clinic permission settings will make it editable.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Manager,
    FrontDesk,
    Practitioner,
    Bookkeeper,
}

/// Something a staff member may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Change the clinic, its locations, rooms, practitioners and services.
    ManageSetup,
    /// Read the clinic's setup (every signed-in role needs this to work).
    ViewSetup,
    /// Create and change patients' demographic and contact data.
    ManagePatients,
    /// See patients' demographic and contact data.
    ViewPatients,
    /// Create and revoke API tokens and see the list.
    ManageTokens,
    /// See the schedule: appointments, hours and open slots.
    ViewSchedule,
    /// Book, move, cancel and change the status of appointments.
    ManageAppointments,
    /// Read clinical records: treatment notes, body charts, plans, attachments, health history
    /// answers. Which patients' records is further limited by the clinic's chart-sharing policy.
    ViewCharts,
    /// Write, sign and amend treatment notes and plans.
    WriteCharts,
    /// Record, read and withdraw a patient's consents (treatment, privacy, insurer, messages).
    ManageConsents,
    /// Read the audit trail: a patient's access log and the clinic-wide search.
    ViewAudit,
    /// Add staff, change their roles and the clinic's permission settings, deactivate them.
    ManageStaff,
    /// Export or print patient lists and contact details.
    ExportPatients,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Manager,
        Role::FrontDesk,
        Role::Practitioner,
        Role::Bookkeeper,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Manager => "manager",
            Role::FrontDesk => "front_desk",
            Role::Practitioner => "practitioner",
            Role::Bookkeeper => "bookkeeper",
        }
    }

    pub fn parse(raw: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == raw.trim())
    }

    /// Whether this role is granted `permission` under the default policy.
    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match permission {
            ViewSetup => true,
            ManageSetup | ManageTokens => matches!(self, Role::Owner | Role::Manager),
            ViewPatients | ViewSchedule => true,
            ManageAppointments => {
                matches!(
                    self,
                    Role::Owner | Role::Manager | Role::FrontDesk | Role::Practitioner
                )
            }
            ManagePatients => {
                matches!(
                    self,
                    Role::Owner | Role::Manager | Role::FrontDesk | Role::Practitioner
                )
            }
            // Clinical records belong to the clinicians; the owner of a small clinic is most
            // often one of them. Front desk and bookkeeper never see notes by default.
            ViewCharts | WriteCharts => matches!(self, Role::Owner | Role::Practitioner),
            ManageConsents => matches!(
                self,
                Role::Owner | Role::Manager | Role::FrontDesk | Role::Practitioner
            ),
            ViewAudit | ExportPatients => matches!(self, Role::Owner | Role::Manager),
            ManageStaff => matches!(self, Role::Owner),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("janitor"), None);
    }

    #[test]
    fn only_owner_and_manager_change_setup() {
        assert!(Role::Owner.allows(Permission::ManageSetup));
        assert!(Role::Manager.allows(Permission::ManageSetup));
        assert!(!Role::FrontDesk.allows(Permission::ManageSetup));
        assert!(!Role::Bookkeeper.allows(Permission::ManagePatients));
    }

    #[test]
    fn front_desk_and_bookkeeper_never_read_charts_by_default() {
        for role in [Role::FrontDesk, Role::Bookkeeper] {
            assert!(!role.allows(Permission::ViewCharts));
            assert!(!role.allows(Permission::WriteCharts));
        }
        assert!(Role::Practitioner.allows(Permission::WriteCharts));
    }
}
