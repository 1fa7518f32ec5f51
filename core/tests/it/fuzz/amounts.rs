//! Amounts: [`Money`] and [`Amount`] from text, checked against a plain reading of the rule (yuan,
//! at most two decimals, no sign but `-` for reported amounts, nothing else) and through Display and
//! serde.

use alipay_core::{Amount, Money};

use super::{Rng, reached, run};

const SEEDS: &[&str] = &[
    "0.01",
    "1",
    "12.3",
    "88.88",
    "-12.34",
    "-0.04",
    "0.00",
    "-0.00",
    "100000000.00",
    "100000000.01",
    "999999999999999.99",
    "-999999999999999.99",
    "00012.30",
    ".5",
    "1.",
    "1.005",
    "0.010",
    "1.1000",
    "+1",
    "1e3",
    " 1",
    "１２",
    "9223372036854775807",
    "--1",
];

/// The rule, read plainly: at most 40 bytes; `-`? digits (at most 15 significant) then optionally `.`
/// and digits, of which only the first two may be other than `0` (the amount is a whole number of fen).
fn reference_fen(s: &str, negative_ok: bool) -> Option<i128> {
    if s.len() > 40 {
        return None;
    }
    let (negative, body) = match s.strip_prefix('-') {
        Some(rest) if negative_ok => (true, rest),
        _ => (false, s),
    };
    let (whole, frac) = match body.split_once('.') {
        Some((_, "")) => return None,
        Some((whole, frac)) => (whole, frac),
        None => (body, ""),
    };
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.trim_start_matches('0').len() > 15 || !digits(whole) || !digits(frac) {
        return None;
    }
    if frac.len() > 2 && !frac.bytes().skip(2).all(|b| b == b'0') {
        return None;
    }
    let frac = &frac[..frac.len().min(2)];
    let fen = whole.parse::<i128>().ok()? * 100 + format!("{frac:0<2}").parse::<i128>().ok()?;
    Some(if negative { -fen } else { fen })
}

/// A random string over the characters amounts are made of, and a few they are not.
fn garbage(rng: &mut Rng) -> String {
    const ALPHABET: &[char] = &['0', '1', '5', '9', '.', '-', '+', 'e', ' ', ',', '_', '１', '٣', '\0'];
    (0..rng.below(22)).map(|_| ALPHABET[rng.below(ALPHABET.len())]).collect()
}

fn check(s: &str) -> &'static str {
    let amount = s.parse::<Amount>();
    match (reference_fen(s, true), &amount) {
        (Some(fen), Ok(a)) => assert_eq!(i128::from(a.fen()), fen, "{s:?}"),
        (None, Err(e)) => assert_eq!(e.field, "amount"),
        (expected, got) => panic!("Amount {s:?}: the rule says {expected:?}, the parser {got:?}"),
    }
    if let Ok(a) = amount {
        let shown = a.to_string();
        assert_eq!(shown.parse::<Amount>(), Ok(a), "{s:?} → {shown}");
        assert_eq!(serde_json::to_string(&a).ok(), Some(format!("\"{shown}\"")));
        assert!(shown.split_once('.').is_some_and(|(_, f)| f.len() == 2), "{shown}");
    }
    let from_json = serde_json::from_value::<Amount>(serde_json::Value::String(s.to_string())).ok();
    assert_eq!(from_json, amount.as_ref().ok().copied(), "serde and FromStr agree on {s:?}");

    let money = s.parse::<Money>();
    let expected = reference_fen(s, false).filter(|fen| (1..=10_000_000_000).contains(fen));
    match (expected, &money) {
        (Some(fen), Ok(m)) => assert_eq!(i128::from(m.fen()), fen, "{s:?}"),
        (None, Err(e)) => assert_eq!(e.field, "amount"),
        (expected, got) => panic!("Money {s:?}: the rule says {expected:?}, the parser {got:?}"),
    }
    if let Ok(m) = money {
        assert_eq!(m.to_string().parse::<Money>(), Ok(m));
        assert_eq!(Amount::from(m).fen(), m.fen());
        return "money";
    }
    if amount.is_ok() { "amount" } else { "refused" }
}

#[test]
fn fuzz_amounts() {
    let seeds: Vec<Vec<u8>> = SEEDS.iter().map(|s| s.as_bytes().to_vec()).collect();
    let mut rng = Rng::new(11);
    let tally = run("amounts", 5000, &seeds, |_, input| {
        check(&garbage(&mut rng));
        check(&String::from_utf8_lossy(input))
    });
    reached(&tally, "money", 300);
    reached(&tally, "amount", 100);
    reached(&tally, "refused", 1000);
}
