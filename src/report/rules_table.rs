//! `sunset rules` listing (stub: being written).
