//! The vocabularies of open government, each with a stable code (what CSV
//! files and URLs carry) and the i18n key of its label.

use serde::{Deserialize, Serialize};

/// A closed list of terms with stable codes.
pub trait Term: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    /// The term with this code (ignoring case and surrounding spaces).
    fn from_code(code: &str) -> Option<Self> {
        let code = code.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|t| t.code().eq_ignore_ascii_case(code))
    }
}

macro_rules! term {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }
        impl Term for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }
    };
}

term!(
    /// The sector a member of a secretariat speaks for.
    Sector {
        Government => "gobierno",
        CivilSociety => "sociedad-civil",
        Institute => "organo-garante",
        Academia => "academia",
    }
);

term!(
    /// A member's seat.
    Seat {
        Titular => "titular",
        Alternate => "suplente",
    }
);

term!(
    /// A session of a secretariat.
    SessionKind {
        Ordinary => "ordinaria",
        Extraordinary => "extraordinaria",
    }
);

term!(
    /// Where an agreement of a session stands.
    AgreementStatus {
        Pending => "pendiente",
        InProgress => "en-proceso",
        Done => "cumplido",
        Cancelled => "cancelado",
    }
);

term!(
    /// The stages of co-creating an action plan, in order.
    Stage {
        Diagnosis => "diagnostico",
        DialogueTables => "mesas-de-dialogo",
        Prioritisation => "priorizacion",
        Drafting => "redaccion",
        Approval => "aprobacion",
        Implementation => "implementacion",
        Evaluation => "evaluacion",
    }
);

term!(
    /// The Open Government Partnership's completion levels of a milestone.
    Completion {
        /// Nothing was reported, or nothing can be verified: shown as such,
        /// never averaged in as zero.
        NoEvidence => "sin-evidencia",
        NotStarted => "no-iniciado",
        Limited => "limitado",
        Substantial => "sustancial",
        Complete => "completo",
    }
);

impl Completion {
    /// The share of a milestone each level counts for in the roll-up, in
    /// percent — shown on the public pages beside the formula. `None` for
    /// "no evidence": such milestones are left out of the average and
    /// counted apart.
    pub fn percent(self) -> Option<f64> {
        match self {
            Completion::NoEvidence => None,
            Completion::NotStarted => Some(0.0),
            Completion::Limited => Some(25.0),
            Completion::Substantial => Some(75.0),
            Completion::Complete => Some(100.0),
        }
    }
}

term!(
    /// IRM: the potential for results of a commitment, at the start.
    Potential {
        Unclear => "poco-claro",
        Modest => "modesto",
        Substantial => "sustancial",
    }
);

term!(
    /// IRM: did it open government? At the end.
    OpenedGovernment {
        Worsened => "empeoro",
        DidNotChange => "no-cambio",
        Marginal => "marginal",
        Major => "significativo",
        Outstanding => "sobresaliente",
    }
);

term!(
    /// The OGP values a commitment advances.
    OgpValue {
        Transparency => "transparencia",
        Participation => "participacion",
        Accountability => "rendicion-de-cuentas",
    }
);

/// The i18n key of a term's label: `opengov-{kind}-{code}`.
pub fn label_key<T: Term>(kind: &str, term: T) -> String {
    format!("opengov-{kind}-{}", term.code())
}

impl Stage {
    /// The stage after this one, if any.
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(i + 1).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn unique<T: Term + std::fmt::Debug>() {
        let codes: HashSet<&str> = T::ALL.iter().map(|t| t.code()).collect();
        assert_eq!(codes.len(), T::ALL.len());
        for t in T::ALL {
            assert_eq!(T::from_code(t.code()).map(|x| x.code()), Some(t.code()));
            assert_eq!(
                T::from_code(&format!(" {} ", t.code().to_uppercase())).map(|x| x.code()),
                Some(t.code()),
                "{t:?}"
            );
        }
        assert!(T::from_code("no-existe").is_none());
    }

    #[test]
    fn codes_are_unique_and_read_back() {
        unique::<Sector>();
        unique::<Seat>();
        unique::<SessionKind>();
        unique::<AgreementStatus>();
        unique::<Stage>();
        unique::<Completion>();
        unique::<Potential>();
        unique::<OpenedGovernment>();
        unique::<OgpValue>();
    }

    #[test]
    fn stages_follow_each_other() {
        assert_eq!(Stage::Diagnosis.next(), Some(Stage::DialogueTables));
        assert_eq!(Stage::Evaluation.next(), None);
        assert_eq!(Stage::ALL.len(), 7);
    }

    #[test]
    fn completion_levels_count_as_published() {
        assert_eq!(Completion::NoEvidence.percent(), None);
        let values: Vec<f64> = Completion::ALL.iter().filter_map(|c| c.percent()).collect();
        assert_eq!(values, [0.0, 25.0, 75.0, 100.0]);
        assert_eq!(
            label_key("completion", Completion::Limited),
            "opengov-completion-limitado"
        );
    }
}
