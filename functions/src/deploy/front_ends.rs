//! The front ends built into this binary (see `functions/build.rs`).

include!(concat!(env!("OUT_DIR"), "/front_ends.rs"));
