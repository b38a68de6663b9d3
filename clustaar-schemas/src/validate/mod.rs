//! Validation of the platform's constraints (clustaar.schemas 1.10.0 `v1.py` and
//! `constants.py`): lengths and counts, ObjectIDs, URLs and their schemes, patterns, allowed
//! values, numeric ranges, the types accepted by each polymorphic field, and the custom rule on
//! the section titles of a choices list.
//!
//! Every broken rule of a document is reported, each with its JSON path
//! (`actions[2].alternatives[0]`) and the [`Rule`].
//!
//! ```
//! use clustaar_schemas::{SendTextAction, StepReachedResponse};
//! use clustaar_schemas::validate::Validate;
//!
//! let response = StepReachedResponse::new().action(SendTextAction::new(["", "ok"]));
//! let errors = response.validate().unwrap_err();
//! assert_eq!(errors.to_string(), "actions[0].alternatives[0]: the length must be between 1 and 1000 characters, not 0");
//! ```
//!
//! Loaded documents cannot tell a missing key from a `null` one (both are `None`): a `None` is
//! refused only where the reference refuses both (a required field that may not be `null`).
//! Objects of a type this crate does not know ([`UnknownObject`](crate::UnknownObject))
//! are not validated: the platform may know them.

pub mod limits;
mod models;
pub(crate) mod pyre;
mod rules;

use std::fmt;

pub(crate) use rules::Checker;
pub use rules::Rule;

/// A model whose constraints can be checked.
pub trait Validate {
    /// Checks every constraint, appending the broken ones to `checker`.
    #[doc(hidden)]
    fn check(&self, checker: &mut Checker);

    /// Checks every constraint; the error lists all the broken ones.
    fn validate(&self) -> Result<(), ValidationErrors> {
        self.validate_at("")
    }

    /// Checks every constraint, the paths of the errors starting with `prefix` (`"data"`).
    fn validate_at(&self, prefix: &str) -> Result<(), ValidationErrors> {
        let mut checker = Checker::new(prefix);
        self.check(&mut checker);
        checker.finish()
    }
}

/// One broken rule, at a JSON path.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{path}: {rule}")]
pub struct ValidationError {
    /// Where (`data.step.actions[2].alternatives[0]`).
    pub path: String,
    /// The rule broken.
    pub rule: Rule,
}

/// Every broken rule of a document (never empty).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (index, error) in self.0.iter().enumerate() {
            if index > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
