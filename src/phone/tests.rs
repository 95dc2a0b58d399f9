//! The number checks' verdicts, and their fast paths held equal to the
//! general reading and to the patterns one by one.

use regex::{Regex, RegexBuilder};

use super::*;

/// A small reproducible generator (xorshift64) for the generated numbers:
/// a failure names its number, and the next run makes the same ones.
fn xorshift(mut seed: u64) -> impl FnMut() -> u64 {
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}

fn sent(raw: &str, country: Option<&str>) -> Result<String, String> {
    let country = country.map(|c| super::country(c).unwrap());
    parse(raw, country, NumberCheck::Valid).map(|n| n.e164.into_owned())
}

#[test]
fn international_forms_are_sent_in_e164() {
    for raw in [
        "+33612345678",
        "+33 6 12 34 56 78",
        "0033612345678",
        "33612345678",
        "+33 (0)6 12 34 56 78",
        "+33\u{a0}6\u{a0}12\u{a0}34\u{a0}56\u{a0}78",
        "(+33) 6-12-34-56-78",
    ] {
        assert_eq!(sent(raw, None).as_deref(), Ok("+33612345678"), "{raw}");
    }
}

#[test]
fn national_forms_need_default_country() {
    let e = sent("06 12 34 56 78", None).unwrap_err();
    assert!(e.contains("set default_country"), "{e}");
    for raw in [
        "0612345678",
        "06.12.34.56.78",
        "06 12 34 56 78",
        "612345678",
    ] {
        assert_eq!(
            sent(raw, Some("fr")).as_deref(),
            Ok("+33612345678"),
            "{raw}"
        );
    }
    // With a default country, a whole international number is still one.
    assert_eq!(
        sent("33612345678", Some("FR")).as_deref(),
        Ok("+33612345678")
    );
    assert_eq!(
        sent("0044 7400 123456", Some("FR")).as_deref(),
        Ok("+447400123456")
    );
}

#[test]
fn each_countrys_example_mobile_is_accepted_and_its_landline_refused() {
    use phonenumber::metadata::DATABASE;
    for id in ["FR", "BE", "CH", "DE", "GB", "ES", "CN", "US", "IT", "NL"] {
        let meta = DATABASE.by_id(id).unwrap();
        let d = meta.descriptors();
        let code = meta.country_code();
        let mobile = d.mobile().unwrap().example().unwrap();
        assert_eq!(
            sent(&format!("+{code}{mobile}"), None),
            Ok(format!("+{code}{mobile}")),
            "{id} mobile"
        );
        let fixed = d.fixed_line().unwrap();
        if fixed.national_number().as_str() != d.mobile().unwrap().national_number().as_str() {
            let landline = format!("+{code}{}", fixed.example().unwrap());
            let e = sent(&landline, None).unwrap_err();
            assert!(e.contains("landline") && e.contains(id), "{id}: {e}");
            assert!(
                parse(&landline, None, NumberCheck::Possible).is_ok(),
                "{id}"
            );
        }
    }
}

#[test]
fn what_spreadsheets_and_typos_make_is_refused_with_the_reason() {
    for (raw, why) in [
        ("33612345678.0", "spreadsheet"),
        ("3.36123E+10", "scientific notation"),
        ("3,36123E+10", "scientific notation"),
        ("336123456,78", "decimal"),
        ("+0612345678", "no country code starts with 0"),
        ("000000", "no country code starts with 0"),
        ("+33a612345678", "'a' is not allowed"),
        ("33+612345678", "only allowed at the start"),
        ("12345", "at least 6"),
        ("+336123456789012345", "at most 15"),
        (
            "+33612345678901",
            "12 digits after +33, where FR numbers have 9",
        ),
        ("+3361234567", "not a valid number for FR"),
        ("+33 6 12 34 56 7", "not a valid number for FR"),
        ("+999 612345678", "does not start with a known country code"),
        ("", "must not be empty"),
    ] {
        let e = sent(raw, None).unwrap_err();
        assert!(e.contains(why), "{raw}: {e}");
    }
}

#[test]
fn a_landline_written_with_the_trunk_prefix_is_named() {
    let e = sent("+44 (0) 20 7946 0958", None).unwrap_err();
    assert!(e.contains("landline number for GB"), "{e}");
    let n = parse("+44 (0) 20 7946 0958", None, NumberCheck::Possible).unwrap();
    assert_eq!(n.e164, "+442079460958");
    assert_eq!(n.rewrite, Some(Rewrite::TrunkPrefix));
}

#[test]
fn rewrites_are_told_and_clean_numbers_are_borrowed() {
    let fr = super::country("FR");
    let n = parse("06 12 34 56 78", fr, NumberCheck::Valid).unwrap();
    assert_eq!(n.rewrite, Some(Rewrite::National));
    let n = parse("+33612345678", fr, NumberCheck::Valid).unwrap();
    assert!(matches!(n.e164, Cow::Borrowed(_)) && n.rewrite.is_none());
    assert_eq!(
        parse("0033612345678", None, NumberCheck::Valid)
            .unwrap()
            .rewrite,
        None
    );
}

/// What a verdict says, without its wording.
#[derive(Debug, PartialEq)]
enum Said {
    Accepted,
    Length,
    NotValid,
    Kind(String),
}

fn said(verdict: Result<(), String>) -> Said {
    match verdict {
        Ok(()) => Said::Accepted,
        Err(e) if e.contains("digits after") => Said::Length,
        Err(e) => match e.strip_prefix("is a ") {
            Some(rest) => Said::Kind(rest.split(" number").next().unwrap().to_owned()),
            None => Said::NotValid,
        },
    }
}

/// The metadata's verdicts the way they were reached before the table:
/// the `phonenumber` database's own patterns (whitespace and all),
/// compiled with Unicode.
struct Reference {
    lengths: Vec<u16>,
    general: Regex,
    /// Each kind's pattern, `sms` telling whether it can receive SMS.
    kinds: Vec<(&'static str, bool, Regex)>,
}

impl Reference {
    fn new(meta: &phonenumber::metadata::Metadata) -> Self {
        let anchored = |d: &phonenumber::metadata::Descriptor| {
            RegexBuilder::new(&format!("^(?:{})$", d.national_number().as_str()))
                .ignore_whitespace(true)
                .build()
                .unwrap()
        };
        let d = meta.descriptors();
        let source = |d: Option<&phonenumber::metadata::Descriptor>| {
            d.map(|d| d.national_number().as_str().to_owned())
        };
        let fixed_is_mobile = source(d.fixed_line()) == source(d.mobile());
        // In the order they are tried: those that can receive SMS first.
        let kinds = [
            ("mobile", true, d.mobile()),
            ("voip", true, d.voip()),
            ("personal", true, d.personal_number()),
            ("landline", fixed_is_mobile, d.fixed_line()),
            ("toll-free", false, d.toll_free()),
            ("premium-rate", false, d.premium_rate()),
            ("shared-cost", false, d.shared_cost()),
            ("pager", false, d.pager()),
            ("UAN", false, d.uan()),
            ("voicemail", false, d.voicemail()),
        ];
        let mut lengths: Vec<u16> = d.general().possible_length().to_vec();
        for (_, _, k) in &kinds {
            lengths.extend(k.map_or(&[][..], |k| k.possible_length()));
        }
        let mut kinds: Vec<_> = kinds
            .into_iter()
            .filter_map(|(kind, sms, d)| Some((kind, sms, anchored(d?))))
            .collect();
        kinds.sort_by_key(|(_, sms, _)| !sms);
        Reference {
            lengths,
            general: anchored(d.general()),
            kinds,
        }
    }

    fn said(&self, national: &str, check: NumberCheck) -> Said {
        if !self.lengths.is_empty() && !self.lengths.contains(&(national.len() as u16)) {
            return Said::Length;
        }
        if check == NumberCheck::Possible {
            return Said::Accepted;
        }
        if !self.general.is_match(national) {
            return Said::NotValid;
        }
        match self.kinds.iter().find(|(_, _, r)| r.is_match(national)) {
            Some((_, true, _)) => Said::Accepted,
            Some((kind, false, _)) => Said::Kind((*kind).to_owned()),
            None => Said::NotValid,
        }
    }
}

#[test]
fn the_compiled_in_table_gives_the_metadatas_verdicts_for_generated_numbers() {
    use phonenumber::metadata::DATABASE;
    let metas: Vec<_> = (0..1000u16)
        .flat_map(|c| DATABASE.by_code(&c).unwrap_or_default())
        .collect();
    assert_eq!(metas.len(), COUNTRIES.len());
    let mut random = xorshift(0x2545_f491_4f6c_dd1d_u64);
    let mut checked = 0;
    let mut references = HashMap::new();
    for (meta, country) in metas.iter().zip(COUNTRIES) {
        assert_eq!((meta.id(), meta.country_code()), (country.id, country.code));
        let reference = Reference::new(meta);
        let d = meta.descriptors();
        let examples: Vec<&str> = [
            d.mobile(),
            d.fixed_line(),
            d.voip(),
            d.toll_free(),
            d.premium_rate(),
            d.uan(),
        ]
        .into_iter()
        .flatten()
        .filter_map(|d| d.example())
        .collect();
        let (shortest, longest) = country
            .lengths
            .iter()
            .fold((5, 5), |(lo, hi), &l| (lo.min(l), hi.max(l)));
        let mut numbers: Vec<String> = examples.iter().map(|e| e.to_string()).collect();
        for len in shortest.saturating_sub(1).max(1)..=longest + 1 {
            for i in 0..8 {
                // Half of them begin like an example, to land in real ranges.
                let start = examples.get(i % 2 * (i / 2) % examples.len().max(1));
                let mut n: String = start
                    .filter(|_| i % 2 == 1)
                    .map(|e| e.chars().take(3).collect())
                    .unwrap_or_default();
                while n.len() < usize::from(len) {
                    n.push(char::from(b'0' + (random() % 10) as u8));
                }
                n.truncate(usize::from(len));
                numbers.push(n);
            }
        }
        for n in &numbers {
            for check in NumberCheck::ALL {
                assert_eq!(
                    said(national_number(country, n, check)),
                    reference.said(n, check),
                    "{} {n} {check:?}",
                    country.id
                );
                checked += 1;
            }
            let shared = by_code(country.code);
            if shared.len() > 1 {
                let theirs = DATABASE.by_code(&country.code).unwrap();
                let picked = theirs
                    .iter()
                    .find(|m| {
                        m.leading_digits()
                            .is_some_and(|l| l.find(n).is_some_and(|m| m.start() == 0))
                            || references
                                .entry(m.id().to_owned())
                                .or_insert_with(|| Reference::new(m))
                                .general
                                .is_match(n)
                    })
                    .or_else(|| theirs.iter().find(|m| m.is_main_country_for_code()))
                    .unwrap_or(&theirs[0]);
                assert_eq!(pick(shared, n).id, picked.id(), "+{} {n}", country.code);
            }
        }
    }
    assert!(checked > 10_000, "{checked}");
}

/// The combined automaton's verdicts are the patterns' one by one, for
/// numbers generated in every country (half of them beginning as one of
/// its example numbers, to land in its real ranges).
#[test]
fn the_combined_automaton_agrees_with_the_patterns_one_by_one() {
    use phonenumber::metadata::DATABASE;
    let mut random = xorshift(0x9e37_79b9_7f4a_7c15_u64);
    let (mut compared, mut accepted, mut without) = (0, 0, 0);
    for country in COUNTRIES {
        let p = patterns(country);
        let examples: Vec<String> = DATABASE
            .by_id(country.id)
            .map(|meta| {
                let d = meta.descriptors();
                [d.mobile(), d.fixed_line(), d.voip(), d.toll_free()]
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.example().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let longest = country.lengths.iter().copied().max().unwrap_or(10);
        for i in 0..400 {
            let len = 4 + (random() % u64::from(longest - 2)) as usize;
            let mut n: String = match examples.get(i % 4) {
                Some(e) if i % 2 == 1 => e.chars().take(2 + i % 5).collect(),
                _ => String::new(),
            };
            while n.len() < len {
                n.push(char::from(b'0' + (random() % 10) as u8));
            }
            let separate = (p.general.is_match(&n), p.sms.iter().any(|r| r.is_match(&n)));
            match p.both(&n) {
                Some(both) => {
                    assert_eq!(both, separate, "{} {n}", country.id);
                    compared += 1;
                    accepted += usize::from(both == (true, true));
                }
                None => without += 1,
            }
        }
    }
    assert!(
        compared > 50 * without,
        "{compared} compared, {without} not"
    );
    assert!(accepted > 1_000, "{accepted}");
}

/// National numbers read by the fast path are what the general reading
/// makes of them, for generated numbers in every country, written with
/// spaces, dashes, dots, too few or too many digits, `00` and the rest.
#[test]
fn the_national_fast_path_agrees_with_the_general_reading() {
    use phonenumber::metadata::DATABASE;
    let mut random = xorshift(0x2545_f491_4f6c_dd1d_u64);
    let (mut fast, mut total) = (0, 0);
    for country in COUNTRIES.iter().filter(|c| c.id.len() == 2) {
        let id = super::country(country.id).unwrap();
        let prefix = country.national_prefix.unwrap_or("0");
        let examples: Vec<String> = DATABASE
            .by_id(country.id)
            .map(|meta| {
                let d = meta.descriptors();
                [d.mobile(), d.fixed_line(), d.voip()]
                    .into_iter()
                    .flatten()
                    .filter_map(|d| d.example().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        for i in 0..60 {
            let mut digits: String = match examples.get(i % 3 % 2) {
                Some(e) if i % 2 == 0 => e.clone(),
                Some(e) if i % 4 != 3 => e.chars().take(1 + i % 6).collect(),
                _ => String::new(),
            };
            let len = examples.get(i % 3 % 2).map_or(9, |e| e.len()) as u64;
            while (digits.len() as u64) < len - 1 + random() % 3 {
                digits.push(char::from(b'0' + (random() % 10) as u8));
            }
            let lead = ["0", "", "0", "00", prefix, " 0 "][i / 2 % 6];
            let mut raw = String::from(lead);
            for (j, c) in digits.chars().enumerate() {
                if j > 0 && random() % 4 == 0 {
                    let separators = [' ', '-', ' ', '-', ' ', '.', '/', '\u{a0}'];
                    raw.push(separators[(random() % 8) as usize]);
                }
                raw.push(c);
            }
            for check in NumberCheck::ALL {
                let general = parse_general(&raw, Some(id), check);
                assert_eq!(parse(&raw, Some(id), check), general, "{id} {raw:?}");
                if let Some(n) = national_fast(&raw, id, check) {
                    assert_eq!(Ok(n), general, "{id} {raw:?}");
                    fast += 1;
                }
                total += 1;
            }
        }
    }
    assert!(fast > 2_000, "{fast} of {total} through the fast path");
}

#[test]
fn each_id_finds_the_first_country_of_the_table_with_it() {
    for c in COUNTRIES {
        let first = COUNTRIES.iter().find(|o| o.id == c.id).unwrap();
        assert!(std::ptr::eq(metadata(c.id), first), "{}", c.id);
    }
}

#[test]
fn countries_are_known_whatever_their_case_and_others_are_not() {
    assert_eq!(country("fr"), Some("FR"));
    assert_eq!(country(" Gb "), Some("GB"));
    assert_eq!(country("XX"), None);
    assert_eq!(country("001"), None);
    assert_eq!(country("France"), None);
}

#[test]
fn number_keys_are_equal_exactly_for_the_same_number() {
    assert_eq!(number_key("+33612345678"), number_key("+33612345678"));
    assert_ne!(number_key("+33612345678"), number_key("+33612345679"));
    assert_ne!(
        number_key("+999999999999999"),
        number_key("+99999999999999")
    );
}
