//! Raw serde types of a rule file (stub: being written).
