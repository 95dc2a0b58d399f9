//! The GSM 7-bit default alphabet and its extension table, as 3GPP TS 23.038
//! (§6.2.1) defines them: what an SMS can carry in 7 bits, and what each
//! character costs there.

/// The default alphabet: the 128 characters of one septet each.
const BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

/// The extension table: each is an escape septet plus one, so two septets.
const EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// Septets `c` takes in GSM-7, or `None` when GSM-7 cannot carry it.
pub(crate) fn septets(c: char) -> Option<u8> {
    // The escape character itself is not text.
    if c == '\u{1b}' {
        return None;
    }
    if c.is_ascii() && BASIC_ASCII[c as usize] {
        return Some(1);
    }
    if !c.is_ascii() && BASIC.contains(c) {
        return Some(1);
    }
    EXTENSION.contains(c).then_some(2)
}

/// Which ASCII characters are in the default alphabet (most text is ASCII:
/// a table lookup instead of a scan).
const BASIC_ASCII: [bool; 128] = {
    let mut table = [false; 128];
    let bytes = BASIC.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 128 && bytes[i] != 0x1b {
            table[bytes[i] as usize] = true;
        }
        i += 1;
    }
    table
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_have_the_standards_sizes() {
        // 128 positions, one of them the escape.
        assert_eq!(BASIC.chars().count(), 128);
        assert_eq!(EXTENSION.chars().count(), 10);
    }

    #[test]
    fn costs_follow_the_standard() {
        for c in [
            'a', 'Z', '0', '@', '£', 'é', 'Ä', 'ß', 'Δ', '\n', ' ', '§', '¿',
        ] {
            assert_eq!(septets(c), Some(1), "{c:?}");
        }
        for c in ['€', '[', ']', '{', '}', '\\', '~', '^', '|'] {
            assert_eq!(septets(c), Some(2), "{c:?}");
        }
        // Accented letters outside the alphabet, and everything beyond it.
        for c in ['ê', 'ç', 'á', 'Ł', '😀', '\u{1b}', '`'] {
            assert_eq!(septets(c), None, "{c:?}");
        }
    }
}
