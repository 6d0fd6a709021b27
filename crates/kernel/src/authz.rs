//! Who may do what: roles, actions and the one function every route and every
//! command goes through, [`authorize`].
//!
//! Actions are declared by the capabilities as constants with a declarative
//! [`Rule`]; routes are registered with the action they perform (see
//! [`crate::web::Routes`]), so the permission matrix can be listed and tested.
//! The default is deny: a rule that does not match refuses.

use serde::Serialize;

/// Roles of the platform (see the table in ARCHITECTURE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Institute (Infoem) platform administrator.
    PlatformAdmin,
    /// Institute staff who review and evaluate.
    InstituteReviewer,
    /// Administrator of a public body (sujeto obligado).
    BodyAdmin,
    /// Editor of a public body.
    BodyEditor,
    /// Member of a jury of a call.
    JuryMember,
    /// Member of a Local Technical Secretariat.
    StlMember,
    /// A registered person.
    Citizen,
    /// Nobody signed in.
    Anonymous,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::PlatformAdmin,
        Role::InstituteReviewer,
        Role::BodyAdmin,
        Role::BodyEditor,
        Role::JuryMember,
        Role::StlMember,
        Role::Citizen,
        Role::Anonymous,
    ];

    /// Global roles, which a user account carries itself (the others come from
    /// memberships of bodies, juries and secretariats).
    pub const GLOBAL: [Role; 3] = [Role::PlatformAdmin, Role::InstituteReviewer, Role::Citizen];

    pub fn code(self) -> &'static str {
        match self {
            Role::PlatformAdmin => "platform-admin",
            Role::InstituteReviewer => "institute-reviewer",
            Role::BodyAdmin => "body-admin",
            Role::BodyEditor => "body-editor",
            Role::JuryMember => "jury-member",
            Role::StlMember => "stl-member",
            Role::Citizen => "citizen",
            Role::Anonymous => "anonymous",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// The i18n key of the role's name.
    pub fn label_key(self) -> String {
        format!("role-{}", self.code())
    }
}

/// Who is acting, and from where (for the audit log).
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    /// Kind of actor: `user`, `anonymous`, `system` or `cli`.
    pub kind: &'static str,
    pub user_id: Option<i64>,
    /// The account's global role.
    pub role: Role,
    /// Body-scoped roles: `(body id, role)`.
    pub body_roles: Vec<(i64, Role)>,
    pub ip: Option<String>,
    pub request_id: Option<String>,
    /// The name to greet a signed-in person with.
    pub display_name: Option<String>,
    /// Acting through a read-only API token.
    pub read_only: bool,
}

impl Actor {
    pub fn anonymous() -> Actor {
        Actor {
            kind: "anonymous",
            user_id: None,
            role: Role::Anonymous,
            body_roles: vec![],
            ip: None,
            request_id: None,
            display_name: None,
            read_only: false,
        }
    }

    /// The platform itself (seeds, scheduled jobs).
    pub fn system() -> Actor {
        Actor {
            kind: "system",
            role: Role::PlatformAdmin,
            ..Actor::anonymous()
        }
    }

    /// An operator at the command line.
    pub fn cli() -> Actor {
        Actor {
            kind: "cli",
            role: Role::PlatformAdmin,
            ..Actor::anonymous()
        }
    }

    pub fn user(user_id: i64, role: Role) -> Actor {
        Actor {
            kind: "user",
            user_id: Some(user_id),
            role,
            ..Actor::anonymous()
        }
    }

    pub fn is_signed_in(&self) -> bool {
        self.user_id.is_some()
    }

    /// Does this actor hold `role`, globally or for any body?
    pub fn has_role(&self, role: Role) -> bool {
        self.role == role || self.body_roles.iter().any(|(_, r)| *r == role)
    }

    /// Does this actor hold one of `roles` for `body`?
    pub fn has_body_role(&self, body: i64, roles: &[Role]) -> bool {
        self.body_roles
            .iter()
            .any(|(b, r)| *b == body && roles.contains(r))
    }

    /// Institute staff: a signed-in platform administrator or reviewer.
    pub fn is_institute(&self) -> bool {
        self.is_signed_in() && matches!(self.role, Role::PlatformAdmin | Role::InstituteReviewer)
    }

    /// Edits for `body`: one of its editors or administrators, or a
    /// platform administrator.
    pub fn edits_for(&self, body: i64) -> bool {
        self.role == Role::PlatformAdmin
            || self.has_body_role(body, &[Role::BodyAdmin, Role::BodyEditor])
    }

    /// Sees what `body` has not made public: its editors and the institute.
    pub fn is_insider_of(&self, body: i64) -> bool {
        self.is_institute()
            || (self.is_signed_in()
                && self.has_body_role(body, &[Role::BodyAdmin, Role::BodyEditor]))
    }
}

/// When an action is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Everyone, signed in or not.
    Anyone,
    /// Any signed-in account.
    SignedIn,
    /// Only these global roles (platform administrators always may).
    Roles(&'static [Role]),
    /// Holders of these roles for the body the action concerns (institute staff
    /// with the listed global roles also may).
    BodyRoles(&'static [Role]),
}

/// Something a person can do, declared once by the capability that owns it.
#[derive(Debug, PartialEq, Eq)]
pub struct Action {
    /// Stable name, `capability.thing.verb`, e.g. `directory.municipalities.view`.
    pub name: &'static str,
    pub rule: Rule,
    /// Changes something (read-only API tokens may not).
    pub write: bool,
}

impl Action {
    /// An action that only reads.
    pub const fn read(name: &'static str, rule: Rule) -> Action {
        Action {
            name,
            rule,
            write: false,
        }
    }
    /// An action that changes something.
    pub const fn write(name: &'static str, rule: Rule) -> Action {
        Action {
            name,
            rule,
            write: true,
        }
    }
}

/// What the action is about, when that matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// Nothing in particular (route-level check).
    None,
    /// Something that belongs to this public body.
    Body(i64),
}

/// Why a check refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// Signing in might help.
    NeedsSignIn,
    /// Signing in will not help.
    Forbidden,
}

/// The one permission check. Every route goes through it (the router wraps
/// each handler) and so does every command acting on a subject.
pub fn authorize(actor: &Actor, action: &Action, subject: Subject) -> Result<(), Denied> {
    if action.write && actor.read_only {
        return Err(Denied::Forbidden);
    }
    let allowed = match action.rule {
        Rule::Anyone => true,
        Rule::SignedIn => actor.is_signed_in(),
        Rule::Roles(roles) => {
            actor.is_signed_in()
                && (actor.role == Role::PlatformAdmin || roles.iter().any(|r| actor.has_role(*r)))
        }
        Rule::BodyRoles(roles) => {
            actor.is_signed_in()
                && (actor.role == Role::PlatformAdmin
                    || roles.contains(&actor.role)
                    || match subject {
                        // At route level: may act on *some* body.
                        Subject::None => roles.iter().any(|r| actor.has_role(*r)),
                        Subject::Body(body) => actor.has_body_role(body, roles),
                    })
        }
    };
    match (allowed, actor.is_signed_in()) {
        (true, _) => Ok(()),
        (false, false) => Err(Denied::NeedsSignIn),
        (false, true) => Err(Denied::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW: Action = Action::read("t.view", Rule::Anyone);
    const ADMIN: Action = Action::write("t.admin", Rule::Roles(&[]));
    const EDIT: Action = Action::write(
        "t.edit",
        Rule::BodyRoles(&[Role::BodyAdmin, Role::BodyEditor]),
    );

    fn editor_of(body: i64) -> Actor {
        Actor {
            body_roles: vec![(body, Role::BodyEditor)],
            ..Actor::user(7, Role::Citizen)
        }
    }

    #[test]
    fn table() {
        let anon = Actor::anonymous();
        let admin = Actor::user(1, Role::PlatformAdmin);
        let citizen = Actor::user(2, Role::Citizen);
        let a = editor_of(10);
        let cases: &[(&Actor, &Action, Subject, Result<(), Denied>)] = &[
            (&anon, &VIEW, Subject::None, Ok(())),
            (&anon, &ADMIN, Subject::None, Err(Denied::NeedsSignIn)),
            (&citizen, &ADMIN, Subject::None, Err(Denied::Forbidden)),
            (&admin, &ADMIN, Subject::None, Ok(())),
            (&a, &EDIT, Subject::None, Ok(())),
            (&a, &EDIT, Subject::Body(10), Ok(())),
            (&a, &EDIT, Subject::Body(11), Err(Denied::Forbidden)),
            (&citizen, &EDIT, Subject::Body(10), Err(Denied::Forbidden)),
            (&admin, &EDIT, Subject::Body(11), Ok(())),
            (&anon, &EDIT, Subject::Body(10), Err(Denied::NeedsSignIn)),
        ];
        let read_only = Actor {
            read_only: true,
            ..Actor::user(1, Role::PlatformAdmin)
        };
        assert_eq!(
            authorize(&read_only, &ADMIN, Subject::None),
            Err(Denied::Forbidden)
        );
        assert_eq!(authorize(&read_only, &VIEW, Subject::None), Ok(()));
        for (actor, action, subject, expected) in cases {
            assert_eq!(
                authorize(actor, action, *subject),
                *expected,
                "{} {:?} {:?}",
                action.name,
                actor.role,
                subject
            );
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
