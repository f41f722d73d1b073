//! Tokenizers per language family (being written).
