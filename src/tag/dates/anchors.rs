/*!
The cheap first pass of date tagging: where the rules are worth running.

Every rule names its anchors (`anchor:` in `dates.rules`): words one of which every match
contains (`ago`, `quarter`), word classes of `date_words.tsv` (`@month`), or `#` for a number
(`#2` one of one or two digits, `#4` one of four).
One pass over the document's words (maximal runs of ASCII letters and digits), each looked up
case-sensitively (anchor words as written, Title Case and UPPER CASE), and a digit scan find
the anchor hits of a document (whole words are all an anchor can be, so a lookup per word
replaces an automaton whose matches inside words were thrown away); a rule then runs only on a bounded window
around its own hits, so most of the text never reaches a regex.
*/
use super::rules::Lexicon;
use crate::error::{Error, Result};
use crate::hash::FxMap;

/// Anchor ids of a run of digits (`#`), of one of one or two digits (`#2`: days, hours), of
/// one of exactly four (`#4`: years), of one followed by `s` or `'s` (`#s`: decades), by `/`
/// (`#/`: numeric dates), by a clock's `:MM` or by `am`/`p.m.` (`#:`), of one of exactly three
/// (`#3`: phone numbers), of three or four followed by a hyphen or dash (`#-`: ranges, ISO
/// dates, phone numbers) and of one after a currency sign (`#$`: money);
/// word anchors follow them.
const DIGITS: [&str; 9] = ["#", "#2", "#4", "#s", "#/", "#:", "#3", "#-", "#$"];

/// Word classes whose words are only anchors as capitalized (their patterns are case-sensitive:
/// `may` the verb is not a month).
const CAPITALIZED: &[&str] = &["month", "weekday", "holiday"];

/// The anchor words and, per anchor, the rules it wakes.
pub(super) struct Anchors {
    /// Anchor id of each word form.
    words: FxMap<String, usize>,
    /// Length in bytes of the longest word form (longer words need no lookup).
    longest: usize,
    /// Rule indices per anchor id.
    rules_of: Vec<Vec<usize>>,
    /// Per rule, the anchor ids one of which must lie in a window for the rule to run there
    /// (its `near:` line; empty: no such condition).
    near_of: Vec<Vec<usize>>,
}

/// Builds the anchor ids of `anchor:` and `near:` specs.
struct Builder<'a> {
    lexicon: &'a Lexicon,
    ids: FxMap<String, usize>,
    count: usize,
}

impl Builder<'_> {
    /// The anchor ids of a spec such as `@month|#` or `ago|ago.` (sorted, deduplicated).
    fn ids(&mut self, rule: &str, spec: &str) -> Result<Vec<usize>> {
        let mut out = Vec::new();
        for item in spec.split('|').map(str::trim).filter(|s| !s.is_empty()) {
            let (words, capitalized): (Vec<String>, bool) = if item.starts_with('#') {
                let id = DIGITS
                    .iter()
                    .position(|d| *d == item)
                    .ok_or_else(|| data_error(format!("rule {rule}: unknown anchor {item}")))?;
                out.push(id);
                continue;
            } else if let Some(class) = item.strip_prefix('@') {
                // The longest word of a phrase: the rarest, as a rule (`Year` in `New Year's Day`).
                let words: Vec<String> = self
                    .lexicon
                    .words(class)
                    .filter_map(|w| {
                        w.split([' ', '\'', '’']).max_by_key(|p| p.trim_end_matches('.').len())
                    })
                    .map(|w| w.trim_end_matches('.').to_string())
                    .collect();
                if words.is_empty() {
                    return Err(data_error(format!(
                        "rule {rule}: anchor class {item} has no words"
                    )));
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
                for form in forms {
                    if form.is_empty() || !form.bytes().all(|b| b.is_ascii_alphanumeric()) {
                        return Err(data_error(format!(
                            "rule {rule}: anchor word {form:?} is not only ASCII letters and digits"
                        )));
                    }
                    let next = self.count;
                    let id = *self.ids.entry(form).or_insert(next);
                    if id == self.count {
                        self.count += 1;
                    }
                    out.push(id);
                }
            }
        }
        out.sort_unstable();
        out.dedup();
        Ok(out)
    }
}

/// A load error of the rule file.
fn data_error(message: String) -> Error {
    Error::Data { file: "rules/dates.rules".into(), line: 0, message }
}

impl Anchors {
    /// Builds the anchors of `specs` (per rule in rule order: its name, its `anchor:` value
    /// such as `@month|#` or `ago`, and its optional `near:` value in the same syntax).
    pub(super) fn new(
        specs: &[(String, &str, Option<&str>)],
        lexicon: &Lexicon,
    ) -> Result<Anchors> {
        let mut b = Builder { lexicon, ids: FxMap::default(), count: DIGITS.len() };
        let mut woken: Vec<(usize, usize)> = Vec::new();
        let mut near_of = Vec::new();
        for (rule, (name, anchor, near)) in specs.iter().enumerate() {
            woken.extend(b.ids(name, anchor)?.into_iter().map(|id| (id, rule)));
            near_of.push(match near {
                Some(spec) => b.ids(name, spec)?,
                None => Vec::new(),
            });
        }
        let mut rules_of: Vec<Vec<usize>> = vec![Vec::new(); b.count];
        for (id, rule) in woken {
            rules_of[id].push(rule);
        }
        let longest = b.ids.keys().map(String::len).max().unwrap_or(0);
        Ok(Anchors { words: b.ids, longest, rules_of, near_of })
    }

    /// True when rule `rule` may match in a window holding the anchor hits `hits` (its
    /// `near:` condition).
    pub(super) fn near(&self, rule: usize, hits: &[(usize, usize)]) -> bool {
        let near = &self.near_of[rule];
        near.is_empty() || hits.iter().any(|(_, id)| near.binary_search(id).is_ok())
    }

    /// The rules anchor `id` wakes.
    pub(super) fn rules_of(&self, id: usize) -> &[usize] {
        &self.rules_of[id]
    }

    /// `(byte offset, anchor id)` of every anchor hit in `text`, by offset: whole words only,
    /// and the first digit of each run of digits.
    pub(super) fn hits(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        let bytes = text.as_bytes();
        let mut at = 0;
        while at < bytes.len() {
            if !bytes[at].is_ascii_alphanumeric() {
                at += 1;
                continue;
            }
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_alphanumeric() {
                at += 1;
            }
            // Both ends sit next to ASCII bytes, so they are character boundaries.
            if at - start <= self.longest {
                if let Some(&id) = self.words.get(&text[start..at]) {
                    out.push((start, id));
                }
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
                if (run == 3 || run == 4)
                    && (at(k) == b'-' || text.get(i + k..i + k + 3) == Some("–"))
                {
                    out.push((start, 7));
                }
                let before = text[..start].trim_end_matches(' ');
                if before.ends_with(['$', '€', '£'])
                    || before.ends_with("Rs")
                    || before.ends_with("Rs.")
                {
                    out.push((start, 8));
                }
                // A clock: `10:30`, or an hour with `am`/`p.m.` after it (`3pm`, `3.30 p.m.`).
                let mut k = 0;
                if at(0) == b'.' && at(1).is_ascii_digit() && at(2).is_ascii_digit() {
                    k = 3;
                }
                k += usize::from(at(k) == b' ');
                let ampm = matches!(at(k) | 0x20, b'a' | b'p')
                    && (at(k + 1) | 0x20 == b'm'
                        || (at(k + 1) == b'.' && at(k + 2) | 0x20 == b'm'));
                if (at(0) == b':' && at(1).is_ascii_digit()) || (run <= 2 && ampm) {
                    out.push((start, 5));
                }
            }
            run = 0;
        }
        // Two runs sorted by offset (words, then digits): a stable sort merges them in one pass.
        out.sort_by_key(|h| h.0);
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
