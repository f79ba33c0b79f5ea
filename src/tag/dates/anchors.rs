/*!
The cheap first pass of date tagging: where the rules are worth running.

Every rule names its anchors (`anchor:` in `dates.rules`): words one of which every match
contains (`ago`, `quarter`), word classes of `date_words.tsv` (`@month`), or `#` for a number
(`#2` one of one or two digits, `#4` one of four).
One case-sensitive aho-corasick pass (each word as written, Title Case and UPPER CASE) and a
digit scan find the anchor hits of a document; a rule then runs only on a bounded window
around its own hits, so most of the text never reaches a regex.
*/
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::rules::Lexicon;
use crate::error::{Error, Result};

/// Anchor ids of a run of digits (`#`), of one of one or two digits (`#2`: days, hours), of
/// one of exactly three (`#3`: phone numbers), one of exactly four (`#4`: years), and of one followed by `s` or `'s` (`#s`: decades), by
/// `/` (`#/`: numeric dates) or by `:` or `.` and a digit or by `am`/`p.m.` (`#:`: clock
/// times); word anchors
/// follow them.
const DIGITS: [&str; 7] = ["#", "#2", "#4", "#s", "#/", "#:", "#3"];

/// Word classes whose words are only anchors as capitalized (their patterns are case-sensitive:
/// `may` the verb is not a month).
const CAPITALIZED: &[&str] = &["month", "weekday", "holiday"];

/// The anchor automaton and, per anchor, the rules it wakes.
pub(super) struct Anchors {
    words: AhoCorasick,
    /// Anchor id of each automaton pattern.
    pattern_anchor: Vec<usize>,
    /// Rule indices per anchor id.
    rules_of: Vec<Vec<usize>>,
}

impl Anchors {
    /// Builds the anchors of `specs` (one `anchor:` value per rule, in rule order), e.g.
    /// `@month|#` or `ago`.
    pub(super) fn new(specs: &[(String, &str)], lexicon: &Lexicon) -> Result<Anchors> {
        let mut ids: HashMap<String, usize> = HashMap::new();
        let mut rules_of: Vec<Vec<usize>> = vec![Vec::new(); DIGITS.len()];
        let mut patterns: Vec<String> = Vec::new();
        let mut pattern_anchor: Vec<usize> = Vec::new();
        for (rule, (name, spec)) in specs.iter().enumerate() {
            for item in spec.split('|').map(str::trim).filter(|s| !s.is_empty()) {
                let (words, capitalized): (Vec<String>, bool) = if item.starts_with('#') {
                    let Some(id) = DIGITS.iter().position(|d| *d == item) else {
                        return Err(Error::Data {
                            file: "rules/dates.rules".into(),
                            line: 0,
                            message: format!("rule {name}: unknown anchor {item}"),
                        });
                    };
                    rules_of[id].push(rule);
                    continue;
                } else if let Some(class) = item.strip_prefix('@') {
                    let words: Vec<String> = lexicon
                        .words(class)
                        .filter_map(|w| w.split_whitespace().next())
                        .map(|w| w.trim_end_matches('.').to_string())
                        .collect();
                    if words.is_empty() {
                        return Err(Error::Data {
                            file: "rules/dates.rules".into(),
                            line: 0,
                            message: format!("rule {name}: anchor class {item} has no words"),
                        });
                    }
                    (words, CAPITALIZED.contains(&class))
                } else {
                    (vec![item.to_string()], false)
                };
                for word in words {
                    let mut forms = vec![title(&word), word.to_ascii_uppercase()];
                    if !capitalized {
                        forms.push(word.to_ascii_lowercase());
                    }
                    forms.sort();
                    forms.dedup();
                    for form in forms {
                        let next = rules_of.len();
                        let id = *ids.entry(form.clone()).or_insert_with(|| {
                            patterns.push(form.clone());
                            pattern_anchor.push(next);
                            next
                        });
                        if id == rules_of.len() {
                            rules_of.push(Vec::new());
                        }
                        if rules_of[id].last() != Some(&rule) {
                            rules_of[id].push(rule);
                        }
                    }
                }
            }
        }
        let words = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(|e| Error::Data {
                file: "rules/dates.rules".into(),
                line: 0,
                message: format!("anchor automaton: {e}"),
            })?;
        Ok(Anchors { words, pattern_anchor, rules_of })
    }

    /// The rules anchor `id` wakes.
    pub(super) fn rules_of(&self, id: usize) -> &[usize] {
        &self.rules_of[id]
    }

    /// `(byte offset, anchor id)` of every anchor hit in `text`, by offset: whole words only,
    /// and the first digit of each run of digits. (Leftmost-longest matching loses no whole
    /// word: anchors are letters only, so a match inside a word cannot cover the next one.)
    pub(super) fn hits(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        let bytes = text.as_bytes();
        let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
        for m in self.words.find_iter(text) {
            let (s, e) = (m.start(), m.end());
            if (s == 0 || !alnum(s - 1)) && !alnum(e) {
                out.push((s, self.pattern_anchor[m.pattern().as_usize()]));
            }
        }
        let mut run = 0;
        for i in 0..=bytes.len() {
            if bytes.get(i).is_some_and(u8::is_ascii_digit) {
                run += 1;
                continue;
            }
            if run > 0 {
                let start = i - run;
                out.push((start, 0));
                match run {
                    1 | 2 => out.push((start, 1)),
                    3 => out.push((start, 6)),
                    4 => out.push((start, 2)),
                    _ => {}
                }
                let at = |k: usize| bytes.get(i + k).copied().unwrap_or(b' ');
                let plural = at(0) == b's'
                    || (at(0) == b'\'' && at(1) == b's')
                    || (text.get(i..i + 4) == Some("’s"));
                if plural {
                    out.push((start, 3));
                }
                if at(0) == b'/' {
                    out.push((start, 4));
                }
                let k = usize::from(at(0) == b' ');
                let ampm = matches!(at(k) | 0x20, b'a' | b'p')
                    && (at(k + 1) | 0x20 == b'm'
                        || (at(k + 1) == b'.' && at(k + 2) | 0x20 == b'm'));
                if (matches!(at(0), b':' | b'.') && at(1).is_ascii_digit()) || ampm {
                    out.push((start, 5));
                }
            }
            run = 0;
        }
        out.sort_unstable();
    }
}

/// `word` with its first letter upper-cased.
fn title(word: &str) -> String {
    let mut out = word.to_string();
    if let Some(first) = out.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    out
}
