//! What the fuzz targets share: structure-aware generators of JSON documents and notifications
//! (from the test fixtures), encoders for valid compressed bodies, the echo bot's server and the
//! checks of its answers, and an allocation meter.

pub mod alloc;
pub mod codings;
pub mod json;
pub mod server;

/// Every allocation of a fuzz target goes through the meter (see [`alloc`]).
#[global_allocator]
static METER: alloc::Meter = alloc::Meter;

/// The fixtures the generators start from (written by `build.rs`).
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
