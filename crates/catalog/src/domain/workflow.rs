//! The publication workflow of a dataset: draft → (review by the institute,
//! for bodies hosted on the platform) → published → unpublished, and back.
//! Pure rules; the handlers ask [`transition`] before changing anything.

use serde::Serialize;

/// Where a dataset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Draft,
    InReview,
    Published,
    Unpublished,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::InReview => "review",
            Status::Published => "published",
            Status::Unpublished => "unpublished",
        }
    }
    pub fn from_code(s: &str) -> Option<Status> {
        [
            Status::Draft,
            Status::InReview,
            Status::Published,
            Status::Unpublished,
        ]
        .into_iter()
        .find(|st| st.code() == s)
    }
    /// The i18n key of its name.
    pub fn label_key(self) -> String {
        format!("catalog-status-{}", self.code())
    }
}

/// What someone asks to do with a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The body sends it to the institute for review.
    Submit,
    /// The body publishes it directly (bodies not under review).
    Publish,
    /// The institute approves a dataset under review.
    Approve,
    /// The institute sends it back to the body with comments.
    Return,
    /// Withdraw from public view, keeping every version.
    Unpublish,
}

impl Step {
    pub fn from_code(s: &str) -> Option<Step> {
        match s {
            "enviar-a-revision" => Some(Step::Submit),
            "publicar" => Some(Step::Publish),
            "aprobar" => Some(Step::Approve),
            "devolver" => Some(Step::Return),
            "despublicar" => Some(Step::Unpublish),
            _ => None,
        }
    }
}

/// Who is asking, as far as the workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Who {
    /// An editor or administrator of the dataset's body.
    pub body_member: bool,
    /// Institute staff (reviewer or platform administrator).
    pub institute: bool,
}

/// Why a step was refused (an i18n key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("catalog-workflow-not-allowed")]
    NotAllowed,
    #[error("catalog-workflow-needs-review")]
    NeedsReview,
    #[error("catalog-workflow-wrong-state")]
    WrongState,
    #[error("catalog-workflow-no-resources")]
    NoResources,
}

/// The new status after `step`, or why not. `needs_review` is true for bodies
/// whose datasets the institute reviews before publication (hosted bodies);
/// a dataset is published only with at least one resource.
pub fn transition(
    current: Status,
    step: Step,
    who: Who,
    needs_review: bool,
    has_resources: bool,
) -> Result<Status, WorkflowError> {
    use Status::*;
    use Step::*;
    match step {
        Submit => {
            if !who.body_member && !who.institute {
                return Err(WorkflowError::NotAllowed);
            }
            match current {
                Draft | Unpublished => Ok(InReview),
                _ => Err(WorkflowError::WrongState),
            }
        }
        Publish => {
            if !who.body_member && !who.institute {
                return Err(WorkflowError::NotAllowed);
            }
            if needs_review && !who.institute {
                return Err(WorkflowError::NeedsReview);
            }
            if !has_resources {
                return Err(WorkflowError::NoResources);
            }
            match current {
                Draft | Unpublished | InReview => Ok(Published),
                Published => Err(WorkflowError::WrongState),
            }
        }
        Approve | Return => {
            if !who.institute {
                return Err(WorkflowError::NotAllowed);
            }
            if current != InReview {
                return Err(WorkflowError::WrongState);
            }
            if step == Approve {
                if !has_resources {
                    return Err(WorkflowError::NoResources);
                }
                Ok(Published)
            } else {
                Ok(Draft)
            }
        }
        Unpublish => {
            if !who.body_member && !who.institute {
                return Err(WorkflowError::NotAllowed);
            }
            match current {
                Published => Ok(Unpublished),
                _ => Err(WorkflowError::WrongState),
            }
        }
    }
}

/// What "make it public" (CKAN's `state: active`) means now: publish if
/// allowed; for a body under review, send it to review instead; `None` if
/// there is nothing to do yet (already there, or no resource so far: it is
/// then published when its first resource arrives).
pub fn toward_public(
    current: Status,
    who: Who,
    needs_review: bool,
    has_resources: bool,
) -> Result<Option<Status>, WorkflowError> {
    if current == Status::Published || (current == Status::InReview && !who.institute) {
        return Ok(None);
    }
    match transition(current, Step::Publish, who, needs_review, has_resources) {
        Ok(to) => Ok(Some(to)),
        Err(WorkflowError::NoResources) => Ok(None),
        Err(WorkflowError::NeedsReview) if has_resources => {
            transition(current, Step::Submit, who, needs_review, has_resources).map(Some)
        }
        Err(WorkflowError::NeedsReview) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asking_to_be_public_publishes_reviews_or_waits_for_a_resource() {
        use Status::*;
        assert_eq!(
            toward_public(Draft, MEMBER, false, true),
            Ok(Some(Published))
        );
        assert_eq!(toward_public(Draft, MEMBER, true, true), Ok(Some(InReview)));
        assert_eq!(toward_public(Draft, MEMBER, false, false), Ok(None));
        assert_eq!(toward_public(Draft, MEMBER, true, false), Ok(None));
        assert_eq!(toward_public(Published, MEMBER, false, true), Ok(None));
        assert_eq!(toward_public(InReview, MEMBER, true, true), Ok(None));
        assert_eq!(
            toward_public(InReview, STAFF, true, true),
            Ok(Some(Published))
        );
        assert_eq!(
            toward_public(Unpublished, MEMBER, false, true),
            Ok(Some(Published))
        );
        assert_eq!(
            toward_public(Draft, NOBODY, false, true),
            Err(WorkflowError::NotAllowed)
        );
    }

    const MEMBER: Who = Who {
        body_member: true,
        institute: false,
    };
    const STAFF: Who = Who {
        body_member: false,
        institute: true,
    };
    const NOBODY: Who = Who {
        body_member: false,
        institute: false,
    };

    #[test]
    fn bodies_without_review_publish_directly() {
        assert_eq!(
            transition(Status::Draft, Step::Publish, MEMBER, false, true),
            Ok(Status::Published)
        );
        assert_eq!(
            transition(Status::Published, Step::Unpublish, MEMBER, false, true),
            Ok(Status::Unpublished)
        );
        assert_eq!(
            transition(Status::Unpublished, Step::Publish, MEMBER, false, true),
            Ok(Status::Published)
        );
    }

    #[test]
    fn hosted_bodies_go_through_review() {
        assert_eq!(
            transition(Status::Draft, Step::Publish, MEMBER, true, true),
            Err(WorkflowError::NeedsReview)
        );
        assert_eq!(
            transition(Status::Draft, Step::Submit, MEMBER, true, true),
            Ok(Status::InReview)
        );
        assert_eq!(
            transition(Status::InReview, Step::Approve, MEMBER, true, true),
            Err(WorkflowError::NotAllowed)
        );
        assert_eq!(
            transition(Status::InReview, Step::Approve, STAFF, true, true),
            Ok(Status::Published)
        );
        assert_eq!(
            transition(Status::InReview, Step::Return, STAFF, true, true),
            Ok(Status::Draft)
        );
    }

    #[test]
    fn nothing_empty_is_published_and_outsiders_change_nothing() {
        assert_eq!(
            transition(Status::Draft, Step::Publish, MEMBER, false, false),
            Err(WorkflowError::NoResources)
        );
        assert_eq!(
            transition(Status::InReview, Step::Approve, STAFF, true, false),
            Err(WorkflowError::NoResources)
        );
        for step in [
            Step::Submit,
            Step::Publish,
            Step::Approve,
            Step::Return,
            Step::Unpublish,
        ] {
            for st in [
                Status::Draft,
                Status::InReview,
                Status::Published,
                Status::Unpublished,
            ] {
                assert!(transition(st, step, NOBODY, false, true).is_err());
            }
        }
        assert_eq!(
            transition(Status::Draft, Step::Unpublish, MEMBER, false, true),
            Err(WorkflowError::WrongState)
        );
    }

    #[test]
    fn codes_round_trip() {
        for st in [
            Status::Draft,
            Status::InReview,
            Status::Published,
            Status::Unpublished,
        ] {
            assert_eq!(Status::from_code(st.code()), Some(st));
        }
        assert_eq!(Step::from_code("publicar"), Some(Step::Publish));
        assert_eq!(Step::from_code("borrar"), None);
    }
}
