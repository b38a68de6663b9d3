//! An allocation meter: the global allocator of the fuzz targets, counting the bytes live, their
//! peak and the largest single allocation during a [`measure`], so a target can check that
//! a request never took more memory than its body limit allows.
//!
//! The counters are process-wide; the targets run one input at a time on one thread.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, metered.
pub struct Meter;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

fn grew(by: usize, size: usize) {
    let live = LIVE.fetch_add(by, Relaxed) + by;
    PEAK.fetch_max(live, Relaxed);
    LARGEST.fetch_max(size, Relaxed);
}

fn shrank(by: usize) {
    LIVE.fetch_sub(by, Relaxed);
}

// SAFETY: every call is forwarded to `System` unchanged; the meter only counts.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc(layout);
        if !pointer.is_null() {
            grew(layout.size(), layout.size());
        }
        pointer
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let pointer = System.alloc_zeroed(layout);
        if !pointer.is_null() {
            grew(layout.size(), layout.size());
        }
        pointer
    }

    unsafe fn dealloc(&self, pointer: *mut u8, layout: Layout) {
        System.dealloc(pointer, layout);
        shrank(layout.size());
    }

    unsafe fn realloc(&self, pointer: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let moved = System.realloc(pointer, layout, new_size);
        if !moved.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size(), new_size);
            } else {
                shrank(layout.size() - new_size);
            }
        }
        moved
    }
}

/// What was allocated during a [`measure`].
#[derive(Debug, Clone, Copy)]
pub struct Usage {
    /// The most bytes live at once, above what was live when the measure started.
    pub peak: usize,
    /// The largest single allocation (or reallocation), in bytes.
    pub largest: usize,
}

/// Measures `run`: its result, and what it allocated.
pub fn measure<T>(run: impl FnOnce() -> T) -> (T, Usage) {
    let before = LIVE.load(Relaxed);
    PEAK.store(before, Relaxed);
    LARGEST.store(0, Relaxed);
    let result = run();
    let usage = Usage {
        peak: PEAK.load(Relaxed).saturating_sub(before),
        largest: LARGEST.load(Relaxed),
    };
    (result, usage)
}
