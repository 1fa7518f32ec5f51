//! One fuzz target per parser of untrusted input, as seeded random drivers with a fixed number of
//! cases (cargo-fuzz needs nightly; these run in every `cargo test`, deterministic and a few seconds
//! long in a debug build).
//!
//! Each target mutates valid seeds — the shared vectors and the key and bill fixtures — with bit
//! flips, byte changes, insertions of syntax tokens, deletions, truncations, duplications and splices
//! of two seeds, plus some pure garbage, and checks: no panic, every error is the parser's typed error
//! (of the expected [`alipay_core::ErrorKind`]), and whatever parses keeps its invariants. A panicking
//! case is reported with its target, number and input (escaped), so it can be replayed.

mod amounts;
mod bill;
mod certs;
mod envelope;
mod keys;
mod notify;

use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

/// xorshift64*, seeded: the same cases on every run.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Bytes that mean something to one of the parsers: JSON, form, PEM, CSV and charset syntax.
const TOKENS: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"\"",
    b",",
    b":",
    b"\\",
    b"\\/",
    b"\\u0000",
    b"null",
    b"%",
    b"%2B",
    b"%FF",
    b"%E6%B5",
    b"+",
    b"&",
    b"=",
    b"\r\n",
    b"\n",
    b"\t",
    b" ",
    b"#",
    b"-",
    b".",
    b"0",
    b"9",
    b"=",
    b"-----BEGIN CERTIFICATE-----",
    b"-----END CERTIFICATE-----",
    b"-----BEGIN ",
    b"-----END ",
    b"-----",
    b"\xEF\xBB\xBF",
    b"\xFF",
    b"\x00",
    b"\xE6\xB5",
    b"\xB2\xE2",
    "测".as_bytes(),
    b"sign",
    b"charset=GBK",
    b"PK\x03\x04",
];

/// One mutant: which seed it came from (`None` for pure garbage) and its bytes.
pub fn mutate(seeds: &[Vec<u8>], rng: &mut Rng) -> (Option<usize>, Vec<u8>) {
    if rng.below(25) == 0 {
        let len = rng.below(300);
        return (None, (0..len).map(|_| rng.next() as u8).collect());
    }
    let from = rng.below(seeds.len());
    let mut out = seeds[from].clone();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(out.len() + 1);
        match rng.below(9) {
            0 if at < out.len() => out[at] ^= 1 << rng.below(8),
            1 if at < out.len() => out[at] = rng.next() as u8,
            2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                out.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + 1 + rng.below(16)).min(out.len());
                out.drain(at.min(end)..end);
            }
            4 => out.truncate(at),
            5 => {
                let end = (at + 1 + rng.below(64)).min(out.len());
                let piece = out[at.min(end)..end].to_vec();
                let to = rng.below(out.len() + 1);
                out.splice(to..to, piece);
            }
            6 => {
                let other = &seeds[rng.below(seeds.len())];
                let cut = rng.below(other.len() + 1);
                out.truncate(at);
                out.extend_from_slice(&other[cut..]);
            }
            7 => {
                let bytes: Vec<u8> = (0..1 + rng.below(8)).map(|_| rng.next() as u8).collect();
                out.splice(at..at, bytes);
            }
            _ if at < out.len() => out[at] = out[at].wrapping_add(1),
            _ => out.push(rng.next() as u8),
        }
    }
    (Some(from), out)
}

/// A seed per target name, so that adding a target does not change another's cases.
fn seed_of(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// How many cases ended in each outcome a target names (`"verified"`, `"decode error"`…), so a
/// target can assert that its mutants reach past the first check.
pub type Tally = BTreeMap<&'static str, usize>;

/// Runs `check` on `cases` mutants of `seeds` (the seeds themselves first), reporting the input of a
/// case that panics, and counting the outcomes `check` returns.
pub fn run(
    name: &str,
    cases: usize,
    seeds: &[Vec<u8>],
    mut check: impl FnMut(Option<usize>, &[u8]) -> &'static str,
) -> Tally {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let mut rng = Rng::new(seed_of(name));
    let mut tally = Tally::new();
    let originals = seeds.iter().enumerate().map(|(i, s)| (Some(i), s.clone()));
    let mutants = (0..cases).map(|_| mutate(seeds, &mut rng));
    for (case, (from, input)) in originals.chain(mutants).enumerate() {
        match catch_unwind(AssertUnwindSafe(|| check(from, &input))) {
            Ok(outcome) => *tally.entry(outcome).or_default() += 1,
            Err(panic) => {
                let shown: String = input.escape_ascii().to_string().chars().take(4000).collect();
                eprintln!(
                    "fuzz target `{name}`, case {case} (seed {from:?}) failed on {} bytes: b\"{shown}\"",
                    input.len()
                );
                resume_unwind(panic);
            }
        }
    }
    eprintln!("fuzz target `{name}`: {tally:?}");
    tally
}

/// Asserts that at least `minimum` cases ended in `outcome`: the mutants still reach that far.
pub fn reached(tally: &Tally, outcome: &str, minimum: usize) {
    let got = tally.get(outcome).copied().unwrap_or(0);
    assert!(got >= minimum, "only {got} cases reached `{outcome}` (want {minimum}): {tally:?}");
}

/// The mutant as text, for parsers that take `&str` (invalid UTF-8 becomes U+FFFD).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `true` for 32 lowercase hex digits (a certificate SN).
pub fn is_sn(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}
