//! Matching reconstructed text against endpoint identities.
pub mod normalize;
