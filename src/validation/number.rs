//! Cellphone numbers: what is accepted, the form sent, and the key that makes
//! every writing of one number equal.
#![forbid(unsafe_code)]

use std::borrow::Cow;

const SEPARATORS: &[char] = &[' ', '-', '.', '(', ')'];

/// Removes separators and checks what is left: an optional leading `+`, then 6 to 15 digits.
/// A number given clean is borrowed, not copied.
pub(crate) fn clean_cellphone(raw: &str) -> Result<Cow<'_, str>, String> {
    let plain = raw.strip_prefix('+').unwrap_or(raw);
    if (6..=15).contains(&plain.len()) && plain.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            c if SEPARATORS.contains(&c) => {}
            '0'..='9' => out.push(c),
            '+' if out.is_empty() => out.push('+'),
            '+' => return Err("'+' is only allowed at the start".to_owned()),
            other => {
                return Err(format!(
                "{other:?} is not allowed (digits, a leading '+', spaces, '-', '.', '(' and ')')"
            ))
            }
        }
    }
    let digits = out.trim_start_matches('+').len();
    if out.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if !(6..=15).contains(&digits) {
        return Err(format!("has {digits} digits; a phone number has 6 to 15"));
    }
    Ok(Cow::Owned(out))
}

/// One number as an exact 8-byte key: its digits after `+` or `00`, with
/// their count (so `0612…` and `612…` differ). A number has at most 15
/// digits, so the value fits in 50 bits; no two numbers share a key.
pub(crate) fn number_key(cleaned: &str) -> u64 {
    let digits = same_number_key(cleaned);
    let value = digits
        .bytes()
        .fold(0u64, |v, b| v * 10 + u64::from(b - b'0'));
    value | ((digits.len() as u64) << 56)
}

/// The form that makes `+33612345678`, `0033612345678` and `33612345678` equal.
fn same_number_key(cleaned: &str) -> &str {
    match cleaned.strip_prefix('+') {
        Some(rest) => rest,
        None => cleaned.strip_prefix("00").unwrap_or(cleaned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_are_removed_and_plus_kept() {
        assert_eq!(
            clean_cellphone("+33 6 12-34.56(78)").unwrap(),
            "+33612345678"
        );
        assert_eq!(clean_cellphone("(+33) 612345678").unwrap(), "+33612345678");
        assert_eq!(clean_cellphone("0033612345678").unwrap(), "0033612345678");
    }

    #[test]
    fn digit_count_is_6_to_15() {
        assert!(clean_cellphone("12345").is_err());
        assert!(clean_cellphone("123456").is_ok());
        assert!(clean_cellphone("+123456789012345").is_ok());
        assert!(clean_cellphone("+1234567890123456").is_err());
        assert!(clean_cellphone("+").is_err());
        assert!(clean_cellphone("").is_err());
    }

    #[test]
    fn letters_and_inner_plus_are_refused() {
        assert!(clean_cellphone("+33a612345678")
            .unwrap_err()
            .contains("'a'"));
        assert!(clean_cellphone("33+612345678")
            .unwrap_err()
            .contains("start"));
        assert!(clean_cellphone("3361234\t5678").is_err());
    }

    #[test]
    fn number_keys_are_equal_exactly_for_the_same_number() {
        assert_eq!(number_key("+33612345678"), number_key("0033612345678"));
        assert_eq!(number_key("+33612345678"), number_key("33612345678"));
        assert_ne!(number_key("0612345678"), number_key("612345678"));
        assert_ne!(number_key("+33612345678"), number_key("+33612345679"));
        assert_ne!(
            number_key("+999999999999999"),
            number_key("+99999999999999")
        );
    }

    #[test]
    fn the_three_international_forms_are_one_number() {
        assert_eq!(same_number_key("+33612345678"), "33612345678");
        assert_eq!(same_number_key("0033612345678"), "33612345678");
        assert_eq!(same_number_key("33612345678"), "33612345678");
        assert_eq!(same_number_key("0612345678"), "0612345678");
    }
}
