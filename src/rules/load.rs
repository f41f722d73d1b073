//! Loading and validating rule files (stub: being written).
use super::RuleSet;
use std::path::Path;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("rule error")]
pub struct RuleError;

pub fn load_bundled() -> Result<RuleSet, RuleError> {
    Ok(RuleSet::default())
}

pub fn load_with_extra(_extra: &[&Path]) -> Result<RuleSet, RuleError> {
    Ok(RuleSet::default())
}
