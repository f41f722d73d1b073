//! The bundled rule files, embedded at build time (stub: being written).
pub const FILES: &[(&str, &str)] = &[];
