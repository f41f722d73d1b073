//! Walking, reading and scanning files (being written).
