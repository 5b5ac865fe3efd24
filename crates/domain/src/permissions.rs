//! A clinic's permission policy: the roles' defaults (in [`crate::role`]) with the clinic's own
//! grants and withdrawals laid over them, and the few grants no clinic may remove.

use crate::role::{Permission, Role};

impl Permission {
    /// Every permission, in the order settings pages list them.
    pub const ALL: [Permission; 13] = [
        Permission::ViewSetup,
        Permission::ManageSetup,
        Permission::ViewPatients,
        Permission::ManagePatients,
        Permission::ExportPatients,
        Permission::ViewSchedule,
        Permission::ManageAppointments,
        Permission::ViewCharts,
        Permission::WriteCharts,
        Permission::ManageConsents,
        Permission::ViewAudit,
        Permission::ManageTokens,
        Permission::ManageStaff,
    ];

    /// The permission's stored and API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Permission::ManageSetup => "manage_setup",
            Permission::ViewSetup => "view_setup",
            Permission::ManagePatients => "manage_patients",
            Permission::ViewPatients => "view_patients",
            Permission::ManageTokens => "manage_tokens",
            Permission::ViewSchedule => "view_schedule",
            Permission::ManageAppointments => "manage_appointments",
            Permission::ViewCharts => "view_charts",
            Permission::WriteCharts => "write_charts",
            Permission::ManageConsents => "manage_consents",
            Permission::ViewAudit => "view_audit",
            Permission::ManageStaff => "manage_staff",
            Permission::ExportPatients => "export_patients",
        }
    }

    pub fn parse(raw: &str) -> Option<Permission> {
        Permission::ALL
            .into_iter()
            .find(|p| p.as_str() == raw.trim())
    }

    fn bit(self) -> u32 {
        let index = Permission::ALL
            .iter()
            .position(|p| *p == self)
            .expect("every permission is listed in Permission::ALL");
        1 << index
    }
}

/// Whether a clinic may change `role`'s grant of `permission`. Every role keeps reading the
/// setup (no page works without it), and the owner keeps managing staff, so a clinic can
/// never lock itself out of its own permission settings.
pub fn is_locked(role: Role, permission: Permission) -> bool {
    match permission {
        Permission::ViewSetup => true,
        Permission::ManageStaff => role == Role::Owner,
        _ => false,
    }
}

/// One change a clinic made to a role's default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub permission: Permission,
    pub granted: bool,
}

/// The permissions one role has in one clinic.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PermissionSet(u32);

impl PermissionSet {
    /// The role's default policy.
    pub fn defaults(role: Role) -> PermissionSet {
        let mut set = PermissionSet::default();
        for permission in Permission::ALL {
            if role.allows(permission) {
                set.insert(permission);
            }
        }
        set
    }

    /// The role's defaults with the clinic's `grants` for that role applied. Grants of
    /// locked permissions are ignored, whatever is stored.
    pub fn effective(role: Role, grants: &[Grant]) -> PermissionSet {
        let mut set = PermissionSet::defaults(role);
        for grant in grants.iter().filter(|g| g.role == role) {
            if is_locked(role, grant.permission) {
                continue;
            }
            if grant.granted {
                set.insert(grant.permission);
            } else {
                set.remove(grant.permission);
            }
        }
        set
    }

    pub fn contains(self, permission: Permission) -> bool {
        self.0 & permission.bit() != 0
    }

    pub fn insert(&mut self, permission: Permission) {
        self.0 |= permission.bit();
    }

    pub fn remove(&mut self, permission: Permission) {
        self.0 &= !permission.bit();
    }

    /// The permissions in the set, in [`Permission::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Permission> {
        Permission::ALL
            .into_iter()
            .filter(move |p| self.contains(*p))
    }
}

/// The browser family a `User-Agent` header names, so a person can tell their sessions
/// apart without Knead keeping the whole header.
pub fn browser_family(user_agent: &str) -> &'static str {
    let ua = user_agent;
    if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else if ua.trim().is_empty() {
        "Unknown"
    } else {
        "Other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_round_trip_through_their_names() {
        for permission in Permission::ALL {
            assert_eq!(Permission::parse(permission.as_str()), Some(permission));
        }
        assert_eq!(Permission::parse("fly"), None);
    }

    #[test]
    fn the_defaults_are_the_roles_policy() {
        for role in Role::ALL {
            let set = PermissionSet::defaults(role);
            for permission in Permission::ALL {
                assert_eq!(set.contains(permission), role.allows(permission));
            }
        }
    }

    #[test]
    fn a_clinic_grants_and_withdraws_per_role() {
        let grants = [
            Grant {
                role: Role::FrontDesk,
                permission: Permission::ExportPatients,
                granted: true,
            },
            Grant {
                role: Role::FrontDesk,
                permission: Permission::ManageConsents,
                granted: false,
            },
            Grant {
                role: Role::Manager,
                permission: Permission::ViewAudit,
                granted: false,
            },
        ];

        let desk = PermissionSet::effective(Role::FrontDesk, &grants);

        assert!(desk.contains(Permission::ExportPatients));
        assert!(!desk.contains(Permission::ManageConsents));
        assert!(desk.contains(Permission::ViewPatients));
        let manager = PermissionSet::effective(Role::Manager, &grants);
        assert!(!manager.contains(Permission::ViewAudit));
    }

    #[test]
    fn locked_grants_survive_whatever_is_stored() {
        let grants = [
            Grant {
                role: Role::Owner,
                permission: Permission::ManageStaff,
                granted: false,
            },
            Grant {
                role: Role::Bookkeeper,
                permission: Permission::ViewSetup,
                granted: false,
            },
        ];

        let owner = PermissionSet::effective(Role::Owner, &grants);
        let bookkeeper = PermissionSet::effective(Role::Bookkeeper, &grants);

        assert!(owner.contains(Permission::ManageStaff));
        assert!(bookkeeper.contains(Permission::ViewSetup));
        assert!(!is_locked(Role::Manager, Permission::ManageStaff));
    }

    #[test]
    fn browsers_are_told_apart_by_family() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                      Chrome/156.0.0.0 Safari/537.36";
        let edge = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 Safari/537.36 Edg/120.0";
        let safari = "Mozilla/5.0 (iPhone) AppleWebKit/605.1.15 Version/17.0 Safari/604.1";

        assert_eq!(browser_family(chrome), "Chrome");
        assert_eq!(browser_family(edge), "Edge");
        assert_eq!(browser_family(safari), "Safari");
        assert_eq!(browser_family("Mozilla/5.0 Firefox/130.0"), "Firefox");
        assert_eq!(browser_family(""), "Unknown");
    }
}
