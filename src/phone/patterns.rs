//! A country's patterns from the metadata, compiled the first time one of
//! its numbers is read: anchored, without Unicode (numbers reach them as
//! ASCII digits), as a full DFA where it stays under a megabyte — matching a
//! short number then costs a few instructions a digit — and otherwise as a
//! regex. The general pattern and the SMS ones are also one automaton, so a
//! valid mobile is read once.

use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use regex_automata::util::primitives::StateID;
use regex_automata::{Anchored, Input};

use super::table::COUNTRIES;
use super::Country;

/// One country's patterns, anchored.
pub(super) struct Patterns {
    pub(super) general: Pattern,
    pub(super) sms: Vec<Pattern>,
    pub(super) no_sms: Vec<(&'static str, Pattern)>,
    /// Matches how the country's numbers begin (anchored at the start only).
    pub(super) leading: Option<Pattern>,
    /// The general pattern and the SMS ones in one automaton (built when a
    /// number first needs it; `None` where it would be too large): a valid
    /// mobile number, the usual case, is then read once instead of twice.
    combined: OnceLock<Option<Combined>>,
    sources: Vec<String>,
}

/// A full DFA matching the general pattern (pattern 0) and the SMS ones
/// (the others) at once, every pattern that matches reported; and its start.
struct Combined(regex_automata::dfa::dense::DFA<Vec<u32>>, StateID);

impl Patterns {
    /// Whether `national` matches the general pattern, and any SMS pattern,
    /// as `general.is_match` and `sms.iter().any(is_match)` tell it (a test
    /// holds them equal); `None` where there is no combined automaton.
    pub(super) fn both(&self, national: &str) -> Option<(bool, bool)> {
        use regex_automata::dfa::Automaton;
        let Combined(dfa, start) = self
            .combined
            .get_or_init(|| compile_combined(&self.sources))
            .as_ref()?;
        let mut state = *start;
        for &b in national.as_bytes() {
            state = dfa.next_state(state, b);
            if dfa.is_special_state(state) {
                if dfa.is_dead_state(state) {
                    return Some((false, false));
                }
                // Every pattern ends with `$`, so no match ends before the
                // text does: should one, the patterns one by one decide.
                if dfa.is_match_state(state) || dfa.is_quit_state(state) {
                    return None;
                }
            }
        }
        let state = dfa.next_eoi_state(state);
        if !dfa.is_match_state(state) {
            return Some((false, false));
        }
        let (mut general, mut sms) = (false, false);
        for i in 0..dfa.match_len(state) {
            if dfa.match_pattern(state, i).as_usize() == 0 {
                general = true;
            } else {
                sms = true;
            }
        }
        Some((general, sms))
    }
}

/// [`Patterns::both`]'s automaton, built as [`compile_dfa`] builds one
/// pattern's; `None` when a pattern does not compile or it would be too large.
fn compile_combined(sources: &[String]) -> Option<Combined> {
    use regex_automata::dfa::{dense, Automaton};
    use regex_automata::MatchKind;
    let dfa = dfa_builder(dense::Config::new().match_kind(MatchKind::All))
        .build_many(sources)
        .ok()?;
    let start = dfa
        .start_state_forward(&Input::new("").anchored(Anchored::Yes))
        .ok()?;
    Some(Combined(dfa, start))
}

/// One pattern of the metadata, compiled the first time a number is matched
/// against it: a list of mobiles needs a country's general and mobile
/// patterns only.
pub(super) struct Pattern {
    source: String,
    compiled: OnceLock<Option<Matcher>>,
}

/// A pattern compiled to a full DFA, or to a regex where the DFA would be too large.
enum Matcher {
    /// The DFA and its start state for a number (an anchored search from
    /// the start of the text: the same for every number, so found once).
    Dfa(Box<(regex_automata::dfa::dense::DFA<Vec<u32>>, StateID)>),
    Regex(Regex),
}

impl Pattern {
    /// A pattern a whole national number must match.
    fn whole(national_number: &str) -> Self {
        Pattern::new(format!("^(?:{national_number})$"))
    }

    fn new(source: String) -> Self {
        Pattern {
            source,
            compiled: OnceLock::new(),
        }
    }

    fn compiled(&self) -> Option<&Matcher> {
        self.compiled
            .get_or_init(|| {
                compile_dfa(&self.source)
                    .or_else(|| compile_pattern(&self.source).map(Matcher::Regex))
            })
            .as_ref()
    }

    /// Whether `national` (ASCII digits) matches; a pattern that does not
    /// compile matches nothing, as if the metadata did not have it.
    pub(super) fn is_match(&self, national: &str) -> bool {
        use regex_automata::dfa::Automaton;
        match self.compiled() {
            Some(Matcher::Dfa(dfa)) => {
                // Walked by hand (a DFA tells a match one byte late): a
                // leading-digits pattern may match before the end.
                let (dfa, start) = &**dfa;
                let mut state = *start;
                for &b in national.as_bytes() {
                    state = dfa.next_state(state, b);
                    if dfa.is_special_state(state) {
                        if dfa.is_match_state(state) {
                            return true;
                        }
                        if dfa.is_dead_state(state) || dfa.is_quit_state(state) {
                            return false;
                        }
                    }
                }
                dfa.is_match_state(dfa.next_eoi_state(state))
            }
            Some(Matcher::Regex(r)) => r.is_match(national),
            None => false,
        }
    }
}

/// A full DFA of `source` (Unicode off, as [`compile_pattern`]), or `None`
/// when it does not compile or would take more than a megabyte.
fn compile_dfa(source: &str) -> Option<Matcher> {
    use regex_automata::dfa::{dense, Automaton};
    dfa_builder(dense::Config::new())
        .build(source)
        .ok()
        .and_then(|dfa| {
            let input = Input::new("").anchored(Anchored::Yes);
            let start = dfa.start_state_forward(&input).ok()?;
            Some(Matcher::Dfa(Box::new((dfa, start))))
        })
}

/// The full DFAs' builder: Unicode off (as [`compile_pattern`]), and no
/// automaton over a megabyte (the caller then falls back to a regex).
fn dfa_builder(config: regex_automata::dfa::dense::Config) -> regex_automata::dfa::dense::Builder {
    use regex_automata::util::syntax;
    let mut builder = regex_automata::dfa::dense::Builder::new();
    builder
        .syntax(
            syntax::Config::new()
                .unicode(false)
                .utf8(false)
                .ignore_whitespace(true),
        )
        .configure(
            config
                .dfa_size_limit(Some(1 << 20))
                .determinize_size_limit(Some(4 << 20)),
        );
    builder
}

/// Numbers reach the patterns as ASCII digits alone, so `\d` is compiled as
/// `[0-9]` (Unicode off): the same matches, and a far smaller automaton than
/// Unicode's hundreds of decimal digits give.
fn compile_pattern(source: &str) -> Option<Regex> {
    let build = |unicode| {
        RegexBuilder::new(source)
            .ignore_whitespace(true)
            .unicode(unicode)
            .build()
            .ok()
    };
    build(false).or_else(|| build(true))
}

/// Made on first use, once per country, without a lock afterwards.
pub(super) fn patterns(meta: &'static Country) -> &'static Patterns {
    static ALL: OnceLock<Vec<OnceLock<Patterns>>> = OnceLock::new();
    let all = ALL.get_or_init(|| COUNTRIES.iter().map(|_| OnceLock::new()).collect());
    // Its place in the table, found from its address (every `Country` is one of the table's).
    let at = (meta as *const Country as usize).wrapping_sub(COUNTRIES.as_ptr() as usize)
        / std::mem::size_of::<Country>();
    match all.get(at) {
        Some(cell) => cell.get_or_init(|| compile(meta)),
        None => Box::leak(Box::new(compile(meta))),
    }
}

fn compile(meta: &Country) -> Patterns {
    let general = Pattern::whole(meta.general);
    // A general pattern that does not compile leaves only the empty number
    // to match (as `^$` in its place did).
    let general = match general.compiled() {
        Some(_) => general,
        None => Pattern::whole(""),
    };
    let sms: Vec<Pattern> = meta.sms.iter().map(|p| Pattern::whole(p)).collect();
    let sources = std::iter::once(&general)
        .chain(&sms)
        .map(|p| p.source.clone())
        .collect();
    Patterns {
        general,
        sms,
        combined: OnceLock::new(),
        sources,
        no_sms: meta
            .no_sms
            .iter()
            .map(|(kind, p)| (*kind, Pattern::whole(p)))
            .collect(),
        leading: meta
            .leading_digits
            .map(|l| Pattern::new(format!("^(?:{l})"))),
    }
}
