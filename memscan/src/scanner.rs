//! The scanning global allocator and its fixed tables.
//!
//! Every heap block the program frees while the scanner is *armed* is searched for every
//! registered pattern (a 6- to 32-byte piece of one in-memory form of a secret) before it goes
//! back to the system allocator. A `realloc` is always done as a move (allocate, copy, free the
//! old block), so the block a growing `Vec` or `String` leaves behind is scanned as well.
//!
//! The allocator never allocates: patterns, labels' indices and hits live in fixed static
//! tables of atomics. The harness is single-threaded; the atomics make the tables `Sync`
//! without locks, and patterns are appended (count published with `Release`) only while the
//! harness itself runs, never from inside the allocator.
//!
//! Every block is handed out zeroed, so a secret found in a freed block was written there
//! during that block's lifetime (not left over from an earlier block, e.g. a harness-side
//! copy freed while disarmed).
//!
//! This is the only module with `unsafe` code: the `GlobalAlloc` implementation, which
//! forwards to [`System`], and the view of a freed block as bytes.
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::sync::atomic::Ordering::{Acquire, Relaxed, Release, SeqCst};
use core::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::alloc::System;
use std::sync::{Mutex, PoisonError};

/// Capacity of the pattern table.
pub const MAX_PATTERNS: usize = 512;
/// Longest pattern, in bytes.
pub const MAX_PATTERN_BYTES: usize = 32;
/// Shortest pattern, in bytes: anything shorter would match by chance. Six for the one
/// secret that short, a six-digit `EMAIL_OTP` code (the offline pool's); every other secret
/// has at least 8 bytes.
pub const MIN_PATTERN_BYTES: usize = 6;
/// Capacity of the hit table (hits beyond it are counted, not recorded).
pub const MAX_HITS: usize = 256;
/// Capacity of the label table (one label per form of a secret, shared by its chunks).
pub const MAX_LABELS: usize = 512;

const WORDS: usize = MAX_PATTERN_BYTES / 8;

/// What a pattern is a piece of: `secret#instance (form)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Label {
    /// The secret, e.g. `"a"` or `"device password"`.
    pub secret: &'static str,
    /// Which one of its kind in the scenario (1-based).
    pub instance: u32,
    /// The in-memory form, e.g. `"U3072 limbs (LE)"`.
    pub form: &'static str,
}

impl Label {
    const fn empty() -> Self {
        Self {
            secret: "",
            instance: 0,
            form: "",
        }
    }
}

impl core::fmt::Display for Label {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}#{} ({})", self.secret, self.instance, self.form)
    }
}

/// One pattern: its bytes as little-endian words (zero-padded), its length, its label.
struct Pattern {
    words: [AtomicU64; WORDS],
    len: AtomicUsize,
    label: AtomicUsize,
}

impl Pattern {
    const fn empty() -> Self {
        Self {
            words: [const { AtomicU64::new(0) }; WORDS],
            len: AtomicUsize::new(0),
            label: AtomicUsize::new(0),
        }
    }
}

/// One hit: which label was found in a freed block of which size.
struct Hit {
    label: AtomicUsize,
    size: AtomicUsize,
}

impl Hit {
    const fn empty() -> Self {
        Self {
            label: AtomicUsize::new(0),
            size: AtomicUsize::new(0),
        }
    }
}

static ARMED: AtomicBool = AtomicBool::new(false);
static PATTERNS: [Pattern; MAX_PATTERNS] = [const { Pattern::empty() }; MAX_PATTERNS];
static PATTERN_COUNT: AtomicUsize = AtomicUsize::new(0);
/// A 65,536-bit set of the first two bytes of every pattern: most offsets of a block are
/// rejected with one bit test.
static FIRST_TWO: [AtomicU64; 1024] = [const { AtomicU64::new(0) }; 1024];
static HITS: [Hit; MAX_HITS] = [const { Hit::empty() }; MAX_HITS];
static HIT_COUNT: AtomicUsize = AtomicUsize::new(0);
static SCANNED: AtomicUsize = AtomicUsize::new(0);
/// Labels are only read and written by the harness (outside the allocator), so a mutex is
/// fine here; `Mutex::new` is `const` and locking it does not allocate.
static LABELS: Mutex<Labels> = Mutex::new(Labels {
    count: 0,
    items: [const { Label::empty() }; MAX_LABELS],
});

struct Labels {
    count: usize,
    items: [Label; MAX_LABELS],
}

/// A table is full: the scenario registers too many patterns or labels.
#[derive(Debug)]
pub struct TableFull(pub &'static str);

impl core::fmt::Display for TableFull {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "the {} table is full", self.0)
    }
}

/// Start scanning freed blocks.
pub fn arm() {
    ARMED.store(true, SeqCst);
}

/// Stop scanning freed blocks.
pub fn disarm() {
    ARMED.store(false, SeqCst);
}

/// Run harness bookkeeping with the scanner disarmed (its own copies of secrets may be freed
/// there), then restore the previous state.
pub fn disarmed<T>(f: impl FnOnce() -> T) -> T {
    let was = ARMED.swap(false, SeqCst);
    let value = f();
    ARMED.store(was, SeqCst);
    value
}

/// Forget every pattern, label, hit and count (between scenarios). Disarms.
pub fn reset() {
    disarm();
    PATTERN_COUNT.store(0, SeqCst);
    for word in &FIRST_TWO {
        word.store(0, Relaxed);
    }
    HIT_COUNT.store(0, SeqCst);
    SCANNED.store(0, SeqCst);
    let mut labels = LABELS.lock().unwrap_or_else(PoisonError::into_inner);
    labels.count = 0;
}

/// A new label for the chunks of one form of a secret.
///
/// # Errors
/// [`TableFull`] when [`MAX_LABELS`] labels are registered.
pub fn new_label(label: Label) -> Result<usize, TableFull> {
    let mut labels = LABELS.lock().unwrap_or_else(PoisonError::into_inner);
    let index = labels.count;
    let slot = labels.items.get_mut(index).ok_or(TableFull("label"))?;
    *slot = label;
    labels.count += 1;
    Ok(index)
}

/// The label at `index`.
pub fn label(index: usize) -> Label {
    let labels = LABELS.lock().unwrap_or_else(PoisonError::into_inner);
    labels.items.get(index).copied().unwrap_or(Label::empty())
}

/// Whether `bytes` is worth a pattern: 6 to 32 bytes, not all one value (all-zero or a single
/// repeated byte would match padding and fills).
pub fn usable(bytes: &[u8]) -> bool {
    (MIN_PATTERN_BYTES..=MAX_PATTERN_BYTES).contains(&bytes.len())
        && bytes
            .first()
            .is_some_and(|&b0| bytes.iter().any(|&b| b != b0))
}

fn words_of(bytes: &[u8]) -> [u64; WORDS] {
    let mut words = [0u64; WORDS];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks(8)) {
        let mut buf = [0u8; 8];
        for (dst, src) in buf.iter_mut().zip(chunk) {
            *dst = *src;
        }
        *word = u64::from_le_bytes(buf);
    }
    words
}

/// Whether exactly these bytes are already a pattern.
pub fn is_registered(bytes: &[u8]) -> bool {
    let words = words_of(bytes);
    PATTERNS.iter().take(PATTERN_COUNT.load(Acquire)).any(|p| {
        p.len.load(Relaxed) == bytes.len()
            && p.words
                .iter()
                .zip(&words)
                .all(|(w, v)| w.load(Relaxed) == *v)
    })
}

/// Add one pattern under `label`. `Ok(false)` when it is unusable or already registered
/// (the first label is kept).
///
/// # Errors
/// [`TableFull`] when [`MAX_PATTERNS`] patterns are registered.
pub fn add_pattern(label: usize, bytes: &[u8]) -> Result<bool, TableFull> {
    if !usable(bytes) || is_registered(bytes) {
        return Ok(false);
    }
    let words = words_of(bytes);
    let count = PATTERN_COUNT.load(Acquire);
    let slot = PATTERNS.get(count).ok_or(TableFull("pattern"))?;
    for (w, v) in slot.words.iter().zip(words) {
        w.store(v, Relaxed);
    }
    slot.len.store(bytes.len(), Relaxed);
    slot.label.store(label, Relaxed);
    if let [b0, b1, ..] = *bytes {
        let key = usize::from(u16::from_le_bytes([b0, b1]));
        if let Some(word) = FIRST_TWO.get(key / 64) {
            word.fetch_or(1 << (key % 64), Relaxed);
        }
    }
    PATTERN_COUNT.store(count + 1, Release);
    Ok(true)
}

/// Number of registered patterns.
pub fn pattern_count() -> usize {
    PATTERN_COUNT.load(Acquire)
}

/// Number of registered labels.
pub fn label_count() -> usize {
    LABELS.lock().unwrap_or_else(PoisonError::into_inner).count
}

/// Number of freed blocks scanned since the last [`reset`].
pub fn scanned() -> usize {
    SCANNED.load(SeqCst)
}

/// Number of hits since the last [`reset`] (may exceed the recorded ones).
pub fn hit_count() -> usize {
    HIT_COUNT.load(SeqCst)
}

/// The recorded hits: `(label, size of the freed block)`, in order.
pub fn hits() -> Vec<(Label, usize)> {
    let count = HIT_COUNT.load(SeqCst).min(MAX_HITS);
    HITS.iter()
        .take(count)
        .map(|h| (label(h.label.load(Relaxed)), h.size.load(Relaxed)))
        .collect()
}

fn first_two_set(b0: u8, b1: u8) -> bool {
    let key = usize::from(u16::from_le_bytes([b0, b1]));
    FIRST_TWO
        .get(key / 64)
        .is_some_and(|w| w.load(Relaxed) & (1 << (key % 64)) != 0)
}

fn matches_at(block: &[u8], offset: usize, pattern: &Pattern) -> bool {
    let len = pattern.len.load(Relaxed);
    let Some(window) = block.get(offset..offset.saturating_add(len)) else {
        return false;
    };
    window
        .chunks(8)
        .zip(&pattern.words)
        .all(|(chunk, word)| words_of(chunk).first() == Some(&word.load(Relaxed)))
}

/// Record that `label` was found in the freed block of `size` bytes whose hits start at
/// `first`: once per label and block.
fn record(label: usize, size: usize, first: usize) {
    let recorded = HIT_COUNT.load(Relaxed);
    let seen = HITS
        .iter()
        .take(recorded.min(MAX_HITS))
        .skip(first)
        .any(|h| h.label.load(Relaxed) == label);
    if seen {
        return;
    }
    let index = HIT_COUNT.fetch_add(1, SeqCst);
    if let Some(hit) = HITS.get(index) {
        hit.label.store(label, Relaxed);
        hit.size.store(size, Relaxed);
    }
}

/// Search one freed block for every pattern. Allocates nothing, panics on nothing.
fn scan(block: &[u8]) {
    SCANNED.fetch_add(1, Relaxed);
    let count = PATTERN_COUNT.load(Acquire).min(MAX_PATTERNS);
    if count == 0 || block.len() < MIN_PATTERN_BYTES {
        return;
    }
    let first = HIT_COUNT.load(Relaxed);
    for offset in 0..=block.len() - MIN_PATTERN_BYTES {
        let Some(&[b0, b1]) = block.get(offset..offset + 2) else {
            continue;
        };
        if !first_two_set(b0, b1) {
            continue;
        }
        for pattern in PATTERNS.iter().take(count) {
            if matches_at(block, offset, pattern) {
                record(pattern.label.load(Relaxed), block.len(), first);
            }
        }
    }
}

/// The global allocator: [`System`], plus a scan of every block freed while armed.
pub struct ScanningAllocator;

// SAFETY: every method forwards to `System` with the layout and pointer it was given (the
// caller's contract is `System`'s); `alloc` hands out zeroed blocks, which `GlobalAlloc`
// permits; `realloc` keeps the contract (same alignment, contents preserved up to the smaller
// size, the old block untouched on failure). Nothing here allocates or unwinds.
unsafe impl GlobalAlloc for ScanningAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller guarantees a non-zero size, as `System` requires.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if ARMED.load(Relaxed) {
            // SAFETY: the caller guarantees that `ptr` is a live block of this allocator of
            // `layout.size()` bytes; it is only read here, before it is freed. Every byte was
            // initialised when the block was handed out (zeroed), so it holds plain bytes.
            let block = unsafe { core::slice::from_raw_parts(ptr.cast_const(), layout.size()) };
            scan(block);
        }
        // SAFETY: the caller's contract, passed on.
        unsafe { System.dealloc(ptr, layout) }
    }

    /// Always a move (allocate, copy, scan and free the old block), so that the block a
    /// growing buffer leaves behind is scanned.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return core::ptr::null_mut();
        };
        // SAFETY: `new_size` is non-zero (the caller's contract) and `new_layout` is valid.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are live, distinct, and at least this long.
            unsafe { core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size)) };
            // SAFETY: `ptr` is the caller's live block of `layout`; it is not used again.
            unsafe { self.dealloc(ptr, layout) };
        }
        new
    }
}
