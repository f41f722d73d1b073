//! The data model at the bottom of sunset: what a scan finds ([`Finding`]),
//! the run around it ([`Report`], [`Summary`]) and what the gate made of it.
//! Everything above (printers, the gate, the migration report, `fix`) reads
//! these types; the model depends on nothing but [`crate::rules`].

/// The schema tag of sunset's JSON report; bumped on any incompatible change.
pub const SCHEMA: &str = "sunset/1";

pub mod assess;
pub mod finding;
pub mod report;
pub mod request;

pub use assess::{assess, assess_finding, Assessment};
pub use finding::{
    assign_fingerprints, Applicability, Confidence, Edit, Finding, FindingKind, Fix, LibraryUse,
    NextDeadline, Origin, OriginRole, Severity, SuppressedBy, Suppression, Verdict,
};
pub use report::{
    BaselineEntry, BaselineOutcome, ExpiredWaiver, Gate, Inline, NearestDeadline, Notice, Report,
    Scan, SkipReason, Summary, Unresolved,
};
