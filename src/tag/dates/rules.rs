/*!
First phase of date tagging: the rules of `rules/dates.rules` and the words of `date_words.tsv`,
compiled once, matched over a sentence into candidate mentions with pending values.
*/
use std::collections::HashMap;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::Arc;

use regex_automata::meta::{self, Regex};
use regex_automata::nfa::thompson::{self, WhichCaptures};
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::util::primitives::NonMaxUsize;
use regex_automata::{Anchored, Input, PatternID};

/// Lazy-DFA cache per regex: with big case-insensitive alternations a cache of the default
/// size is cleared and rebuilt over and over (measured: most of the stage's time).
const DFA_CACHE: usize = 32 << 20;

use super::anchors::{data_error, Anchors};
use super::normalize::Pending;
use super::scan::{GaveUp, ScanCache, Scanners, Try, WordStarts};
use crate::data::rules::RuleFile;
use crate::data::DataFile;
use crate::doc::Span;
use crate::error::Result;
use crate::hash::FxMap;

/// Word tables by class (`month`, `weekday`, `number`...): lower-case word (trailing `.`
/// dropped) to its normalized value.
pub(super) struct Lexicon {
    classes: HashMap<String, Vec<(String, String)>>,
    lookup: FxMap<String, FxMap<String, String>>,
}

/// Canonical lookup form of a word: lower case, no trailing `.`, curly apostrophes straight,
/// single spaces.
fn key(word: &str) -> String {
    let w = word.trim().trim_end_matches('.');
    if w.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return w.to_ascii_lowercase();
    }
    let w = w.replace('’', "'").to_ascii_lowercase();
    w.split_whitespace().collect::<Vec<_>>().join(" ")
}

impl Lexicon {
    /// Reads `class<TAB>word<TAB>value` rows.
    pub(super) fn load(file: &DataFile) -> Result<Lexicon> {
        let mut classes: HashMap<String, Vec<(String, String)>> = HashMap::new();
        let mut lookup: FxMap<String, FxMap<String, String>> = FxMap::default();
        for row in file.tsv(3)? {
            let (class, word, value) = (row.get(0), row.get(1), row.get(2));
            classes
                .entry(class.to_string())
                .or_default()
                .push((word.to_string(), value.to_string()));
            lookup.entry(class.to_string()).or_default().insert(key(word), value.to_string());
        }
        Ok(Lexicon { classes, lookup })
    }

    /// The value of `word` in `class`.
    pub(super) fn get(&self, class: &str, word: &str) -> Option<&str> {
        self.lookup.get(class)?.get(key(word).as_str()).map(String::as_str)
    }

    /// The words of `class`, as written in the table.
    pub(super) fn words(&self, class: &str) -> impl Iterator<Item = &str> {
        self.classes.get(class).into_iter().flatten().map(|(w, _)| w.as_str())
    }

    /// Regex macros built from the tables: `{month}`, `{weekday}` (Title Case and UPPER CASE,
    /// an abbreviation's period optional), `{season}`, `{numword}`, `{ordinal}`, `{holiday}`.
    pub(super) fn macros(&self) -> HashMap<String, String> {
        let mut out = HashMap::new();
        for class in ["month", "weekday"] {
            let mut alts = Vec::new();
            for w in self.words(class) {
                let bare = w.trim_end_matches('.');
                let dot = if w.ends_with('.') { r"\.?" } else { "" };
                for form in [bare.to_string(), bare.to_ascii_uppercase()] {
                    alts.push(format!("{}{dot}", regex::escape(&form)));
                }
            }
            out.insert(class.to_string(), alternation(alts));
        }
        let plain = |class: &str| -> Vec<String> {
            self.words(class)
                .map(|w| regex::escape(w).replace(' ', r"\s+").replace('\'', "(?:'|’)"))
                .collect()
        };
        out.insert("season".into(), alternation(plain("season")));
        out.insert("ordinal".into(), alternation(plain("ordinal")));
        out.insert("holiday".into(), format!("(?-i:{})", alternation(plain("holiday"))));
        // Number words: every listed word, and tens joined with units (`twenty-five`).
        let numeric = |w: &&str| self.get("number", w).and_then(|v| v.parse::<u32>().ok());
        let units: Vec<&str> = self
            .words("number")
            .filter(|w| numeric(w).is_some_and(|v| (1..10).contains(&v)))
            .collect();
        let mut nums = plain("number");
        for tens in self
            .words("number")
            .filter(|w| numeric(w).is_some_and(|v| (20..100).contains(&v) && v % 10 == 0))
        {
            nums.push(format!("{tens}[- ](?:{})", units.join("|")));
        }
        out.insert("numword".into(), alternation(nums));
        out
    }

    /// A year written in words: `nineteen ninety-six`, `two thousand and one`.
    fn year_words(&self, text: &str) -> Option<String> {
        let t = key(text);
        if let Some(rest) = t.strip_prefix("two thousand") {
            let rest = rest.trim().trim_start_matches("and").trim();
            let n: u32 = if rest.is_empty() { 0 } else { self.number(rest)?.parse().ok()? };
            return Some(format!("{}", 2000 + n));
        }
        let (century, rest) = t.split_once(' ')?;
        let c: u32 = self.get("number", century)?.parse().ok()?;
        let n: u32 = self.number(rest)?.parse().ok()?;
        ((10..=20).contains(&c) && n < 100).then(|| format!("{}", c * 100 + n))
    }

    /// The number a count word or numeral stands for (`3`, `twenty-five`, `several` = `X`).
    pub(super) fn number(&self, text: &str) -> Option<String> {
        let t = text.trim().replace(',', "");
        if t.bytes().next().is_some_and(|b| b.is_ascii_digit()) {
            return t.parse::<f64>().ok().map(|_| t.trim_start_matches('0').to_string()).map(|s| {
                if s.is_empty() || s.starts_with('.') {
                    format!("0{s}")
                } else {
                    s
                }
            });
        }
        if let Some(v) = self.get("number", &t) {
            return Some(v.to_string());
        }
        let (tens, unit) = t.split_once(['-', ' '])?;
        let a: u32 = self.get("number", tens)?.parse().ok()?;
        let b: u32 = self.get("number", unit)?.parse().ok()?;
        Some((a + b).to_string())
    }
}

/// One alternation, longest alternatives first (the regex engine prefers earlier ones).
fn alternation(mut alts: Vec<String>) -> String {
    alts.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    alts.dedup();
    // Words that share a prefix side by side, a word before its own prefix (so a longer word
    // still wins, as in the length order): only prefixes can match the same text.
    let mut words: Vec<Vec<&str>> = alts.iter().map(|a| atoms(a)).collect();
    words.sort_by(|a, b| {
        let first_difference = a.iter().zip(b.iter()).find(|(x, y)| x != y);
        first_difference.map_or(b.len().cmp(&a.len()), |(x, y)| x.cmp(y))
    });
    factor(&words)
}

/// A top-level alternation written with its common prefixes factored out, in the same order of
/// preference: under `(?i)` the regex compiler does not share the prefixes of a word list
/// itself, and unshared prefixes make many more lazy-DFA states. Only neighbouring branches
/// are merged, so leftmost-first matching picks the same branch as before.
fn factored(regex: &str) -> String {
    let atoms = atoms(regex);
    let branches: Vec<Vec<&str>> = atoms.split(|a| *a == "|").map(<[&str]>::to_vec).collect();
    if branches.len() < 2 {
        return regex.to_string();
    }
    factor(&branches)
}

/// The regex of `branches` (atoms each) with the first atom shared by neighbours factored out.
fn factor(branches: &[Vec<&str>]) -> String {
    let mut out = Vec::new();
    let mut i = 0;
    while i < branches.len() {
        let Some(first) = branches[i].first() else {
            out.push(String::new());
            i += 1;
            continue;
        };
        let run = branches[i..].iter().take_while(|b| b.first() == Some(first)).count();
        if run == 1 {
            out.push(branches[i].concat());
        } else {
            let group = &branches[i..i + run];
            let shared = (1..)
                .take_while(|&k| group.iter().all(|b| b.len() > k && b[k] == group[0][k]))
                .count()
                + 1;
            let prefix = group[0][..shared].concat();
            let rests: Vec<Vec<&str>> = group.iter().map(|b| b[shared..].to_vec()).collect();
            // An empty rest last is the shorter branch as the last choice: an optional tail.
            out.push(match rests.split_last() {
                Some((last, longer)) if last.is_empty() && !longer.iter().any(Vec::is_empty) => {
                    format!("{prefix}(?:{})?", factor(longer))
                }
                _ => format!("{prefix}(?:{})", factor(&rests)),
            });
        }
        i += run;
    }
    out.join("|")
}

/// Splits a regex word into atoms the trie may share: an escape, a `[...]` class or a `(...)`
/// group, or one character, each with its quantifier.
fn atoms(regex: &str) -> Vec<&str> {
    let bytes = regex.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'\\' => i += 2,
            b'[' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b']' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'(' => {
                let mut depth = 0;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 1,
                        // A `)` in a class does not close the group.
                        b'[' => {
                            while i + 1 < bytes.len() && bytes[i + 1] != b']' {
                                i += if bytes[i + 1] == b'\\' { 2 } else { 1 };
                            }
                        }
                        b'(' => depth += 1,
                        b')' => depth -= 1,
                        _ => {}
                    }
                    i += 1;
                    if depth == 0 {
                        break;
                    }
                }
            }
            _ => i += 1,
        }
        // Whole characters only (curly quotes are several bytes).
        while i < bytes.len() && !regex.is_char_boundary(i) {
            i += 1;
        }
        loop {
            let counted = bytes.get(i) == Some(&b'{')
                && bytes[i + 1..].iter().position(|&b| b == b'}').is_some_and(|n| {
                    n > 0
                        && bytes[i + 1..i + 1 + n].iter().all(|b| b.is_ascii_digit() || *b == b',')
                });
            if counted {
                i += bytes[i..].iter().position(|&b| b == b'}').map_or(1, |n| n + 1);
            } else if i < bytes.len() && matches!(bytes[i], b'+' | b'?' | b'*') {
                i += 1;
            } else {
                break;
            }
        }
        let end = i.min(bytes.len());
        out.push(&regex[start..end]);
        i = end;
    }
    out
}

/// A compiled date rule.
pub(super) struct DateRule {
    /// Its name (provenance).
    pub(super) name: String,
    regex: Regex,
    /// Index of each named group.
    groups: Vec<(String, usize)>,
    /// How many capture slots a match needs: 2 when the span is all the rule uses (the
    /// search then skips the capture engine), else two per group up to the last used one.
    slots: usize,
    /// TIMEX3 type.
    pub(super) timex_type: &'static str,
    template: String,
    mod_template: Option<String>,
    /// A negative rule: its matches block dates and produce none.
    pub(super) remove: bool,
    /// `(text, value)` examples from the file.
    #[cfg(test)]
    pub(super) examples: Vec<(String, String)>,
    /// Texts that must give no date.
    #[cfg(test)]
    pub(super) counters: Vec<String>,
}

/// A document's text and its word starts ([`Anchors::hits`]).
#[derive(Clone, Copy)]
pub(super) struct DocText<'a> {
    /// The text.
    pub(super) text: &'a str,
    /// Its word starts, a bit mask per 64 bytes.
    pub(super) starts: &'a [u64],
}

/// A rule to run on a window of a sentence: matches start in `window`, at `until` or
/// earlier (see [`RuleSet::run`]).
#[derive(Clone, Copy)]
pub(super) struct Job {
    /// The rule.
    pub(super) rule: usize,
    /// The sentence (its start is the start of the text for the rule's pattern).
    pub(super) sentence: Span,
    /// The window.
    pub(super) window: Span,
    /// The last byte a match may start at.
    pub(super) until: usize,
}

/// A candidate mention from one rule match.
#[derive(Debug, Clone)]
pub(super) struct Candidate {
    /// Its bytes in the document.
    pub(super) span: Span,
    /// Index of the rule that produced it.
    pub(super) rule: usize,
    /// The pending value (`None` for a negative rule).
    pub(super) value: Option<Arc<Pending>>,
    /// TIMEX3 `mod`, if any.
    pub(super) modifier: Option<&'static str>,
}

/// All date rules with the word tables their captures are normalized with.
pub(super) struct RuleSet {
    /// The rules in file order (earlier wins a tie on equal spans).
    pub(super) rules: Vec<DateRule>,
    /// Per rule, how far before an anchor hit its matches can begin (bytes; `reach:`), when
    /// less than the default (apart from the rules: read for every rule run).
    pub(super) reach: Vec<Option<usize>>,
    /// Where each rule is worth running.
    pub(super) anchors: Anchors,
    /// The search for the rules' matches.
    scanners: Arc<Scanners>,
    /// The word tables.
    pub(super) lexicon: Lexicon,
    /// Per-thread search state of every rule's regex.
    scratch: Pool<Scratch, ScratchFn>,
}

/// Builds a [`Scratch`] for a thread.
type ScratchFn = Box<dyn Fn() -> Scratch + Send + Sync + UnwindSafe + RefUnwindSafe>;

/// The mutable search state of one thread: a cache per rule regex, one slot buffer (reused,
/// so no match allocates), and the outcomes of matched texts seen before.
pub(super) struct Scratch {
    caches: Vec<meta::Cache>,
    /// The scanners' cache.
    scans: ScanCache,
    slots: Vec<Option<NonMaxUsize>>,
    /// Outcome per rule, look-around context and matched bytes ([`RuleSet::outcome`]).
    memo: FxMap<Box<[u8]>, Option<Outcome>>,
    /// The key being looked up.
    key: Vec<u8>,
    /// The tries of the jobs being run ([`RuleSet::run`]).
    tries: Vec<Try>,
    /// Per job being run, its tries in `tries` (`None`: it is searched on its own).
    job_tries: Vec<Option<(usize, usize)>>,
    /// Work space of the document being tagged, kept for the next one.
    pub(super) buffers: Buffers,
}

/// The vectors a document's tagging fills and empties (see `DateTagger::candidates`): kept
/// per thread, so a document allocates none of them.
#[derive(Default)]
pub(super) struct Buffers {
    /// Anchor hits.
    pub(super) hits: Vec<(usize, usize)>,
    /// Word start masks.
    pub(super) starts: Vec<u64>,
    /// Rules woken in a sentence, with their hits.
    pub(super) woken: Vec<(usize, usize)>,
    /// The window of each hit of a sentence.
    pub(super) reaches: Vec<Option<Span>>,
    /// Candidates of a sentence.
    pub(super) found: Vec<Candidate>,
    /// Spans kept by the overlap policy.
    pub(super) taken: Vec<Span>,
    /// Rules to run on windows of the document.
    pub(super) jobs: Vec<Job>,
    /// Negative rules woken: sentence (index in `sentences`), rank, hit in the sentence.
    pub(super) negatives: Vec<(usize, usize, usize)>,
    /// The sentences with hits, each with its hits (a range of `hits`).
    pub(super) sentences: Vec<(Span, usize, usize)>,
}

/// How many outcomes a thread remembers before it starts afresh (bounds the memory).
const MEMO: usize = 1 << 15;

/// What one match of a rule gives.
#[derive(Clone)]
struct Outcome {
    /// The mention's bytes, relative to the match start (group `t`, else the match).
    t: (usize, usize),
    /// The pending value (`None` for a negative rule), shared by the candidates of every
    /// match that gives it (remembered outcomes are handed out without copying).
    value: Option<Arc<Pending>>,
    /// TIMEX3 `mod`.
    modifier: Option<&'static str>,
}

impl RuleSet {
    /// Compiles the rule file against the word tables.
    pub(super) fn new(rules_file: &DataFile, words: &DataFile) -> Result<RuleSet> {
        let lexicon = Lexicon::load(words)?;
        let mut file = RuleFile::parse(rules_file)?;
        let extra = lexicon.macros();
        // File macros may use other macros: expand them (a few rounds cover any nesting).
        for _ in 0..3 {
            let snapshot = file.macros.clone();
            for body in file.macros.values_mut() {
                for (name, value) in snapshot.iter().chain(extra.iter()) {
                    let needle = format!("{{{name}}}");
                    if body.contains(&needle) {
                        *body = body.replace(&needle, &format!("(?:{value})"));
                    }
                }
            }
        }
        for body in file.macros.values_mut() {
            *body = factored(body);
        }
        let mut rules = Vec::new();
        let mut hirs = Vec::new();
        let mut reach = Vec::new();
        let mut anchor_specs = Vec::new();
        for rule in &file.rules {
            let anchor = rule
                .get("anchor")
                .ok_or_else(|| file.err(rule.line, &rule.name, "no `anchor:`"))?;
            anchor_specs.push((rule.name.clone(), anchor, rule.get("near"), rule.get("after")));
            let pattern = format!("(?i-u){}", file.expand(rule, "pattern", &extra)?);
            let bad = |e: &dyn std::fmt::Display| {
                file.err(rule.line, &rule.name, &format!("bad pattern: {e}"))
            };
            // Parsed once (most of what compiling costs: the word lists are long) for both
            // the capture regex and the scanners' DFA.
            let hir = regex_automata::util::syntax::parse(&pattern).map_err(|e| bad(&e))?;
            // The regex reads the groups of a match the scanner found, on its span only: its
            // capture engines need no DFA pass first.
            let regex = Regex::builder()
                .configure(Regex::config().hybrid(false).dfa(false).auto_prefilter(false))
                .build_from_hir(&hir)
                .map_err(|e| bad(&e))?;
            hirs.push(hir);
            let timex_type = match rule.get("type") {
                Some("DATE") => "DATE",
                Some("TIME") => "TIME",
                Some("DURATION") => "DURATION",
                Some("SET") => "SET",
                other => {
                    return Err(file.err(
                        rule.line,
                        &rule.name,
                        &format!("type must be DATE|TIME|DURATION|SET, not {other:?}"),
                    ))
                }
            };
            let template = rule
                .get("value")
                .ok_or_else(|| file.err(rule.line, &rule.name, "no `value:`"))?
                .to_string();
            #[cfg(test)]
            let examples = rule
                .all("example")
                .map(|f| {
                    f.value
                        .split_once("=>")
                        .map(|(t, v)| (t.trim().to_string(), v.trim().to_string()))
                        .ok_or_else(|| {
                            file.err(f.line, &rule.name, "an example is `text => value`")
                        })
                })
                .collect::<Result<Vec<_>>>()?;
            let groups: Vec<(String, usize)> = regex
                .group_info()
                .pattern_names(PatternID::ZERO)
                .enumerate()
                .filter_map(|(i, n)| Some((n?.to_string(), i)))
                .collect();
            let mod_template = rule.get("mod").map(str::to_string);
            let reach_of = rule
                .get("reach")
                .map(|r| {
                    r.trim()
                        .parse::<usize>()
                        .map_err(|_| file.err(rule.line, &rule.name, "`reach:` is a byte count"))
                })
                .transpose()?;
            reach.push(reach_of);
            // Only the groups a value or `mod` template or the `t` narrowing reads need slots.
            let used = |name: &str| {
                let base = name.trim_end_matches(['2', '3']);
                let clock = ["hour", "minute", "ampm"].contains(&base);
                let wanted =
                    |t: &str| t.contains(&format!("{{{base}}}")) || (clock && t.contains("{hhmm}"));
                base == "t" || wanted(&template) || mod_template.as_deref().is_some_and(wanted)
            };
            let last = groups.iter().filter(|(n, _)| used(n)).map(|&(_, i)| i).max();
            let slots = 2 * (last.unwrap_or(0) + 1);
            rules.push(DateRule {
                name: rule.name.clone(),
                regex,
                groups,
                slots,
                timex_type,
                remove: template == "REMOVE",
                template,
                mod_template,
                #[cfg(test)]
                examples,
                #[cfg(test)]
                counters: rule.all("counter").map(|f| f.value.clone()).collect(),
            });
        }
        // The order rules run in: negative rules after the others.
        let n = rules.len();
        let ranks: Vec<usize> =
            rules.iter().enumerate().map(|(r, rule)| if rule.remove { n + r } else { r }).collect();
        let anchors = Anchors::new(&anchor_specs, &lexicon, &ranks)?;
        // All rules in one NFA (groups only cost the DFA: the capture regex reads them).
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many_from_hir(&hirs)
            .map_err(|e| data_error(format!("the rules' DFA: {e}")))?;
        let scanners = Arc::new(
            Scanners::new(nfa, DFA_CACHE)
                .map_err(|e| data_error(format!("the rules' DFA: {e}")))?,
        );
        let regexes: Vec<Regex> = rules.iter().map(|r| r.regex.clone()).collect();
        let most = rules.iter().map(|r| r.slots).max().unwrap_or(2);
        let for_threads = Arc::clone(&scanners);
        let scratch = Pool::new(Box::new(move || Scratch {
            caches: regexes.iter().map(Regex::create_cache).collect(),
            scans: for_threads.cache(),
            slots: vec![None; most],
            // Sized for the most it holds: growing it rehashed every entry, over and over.
            memo: FxMap::with_capacity_and_hasher(MEMO, Default::default()),
            key: Vec::new(),
            tries: Vec::new(),
            job_tries: Vec::new(),
            buffers: Buffers::default(),
        }) as ScratchFn);
        Ok(RuleSet { rules, reach, anchors, lexicon, scanners, scratch })
    }

    /// The calling thread's search state (given back when the guard drops).
    pub(super) fn scratch(&self) -> PoolGuard<'_, Scratch, ScratchFn> {
        self.scratch.get()
    }

    /// Candidates of the `jobs` (each as [`RuleSet::candidates`]), job after job. The
    /// positions where their matches may begin are gathered first, and the DFA walks from
    /// all of them side by side ([`Scanners::walk`]).
    pub(super) fn run(
        &self,
        doc: DocText,
        jobs: &[Job],
        scratch: &mut Scratch,
        out: &mut Vec<Candidate>,
    ) {
        let mut tries = std::mem::take(&mut scratch.tries);
        let mut job_tries = std::mem::take(&mut scratch.job_tries);
        tries.clear();
        job_tries.clear();
        for job in jobs {
            let start = job.sentence.start;
            let words = WordStarts { masks: doc.starts, offset: start };
            let hay = &doc.text.as_bytes()[start..job.window.end];
            let (from, until) = (job.window.start - start, job.until - start);
            let first = tries.len();
            let batched = self.scanners.tries(job.rule, start, hay, from, until, words, &mut tries);
            job_tries.push(batched.then_some((first, tries.len())));
        }
        let walked = self.scanners.walk(&mut scratch.scans, doc.text.as_bytes(), &mut tries);
        for (job, span) in jobs.iter().zip(&job_tries) {
            let known = span.filter(|_| walked.is_ok()).map(|(lo, hi)| &tries[lo..hi]);
            self.candidates(*job, doc, known, scratch, out);
        }
        scratch.tries = tries;
        scratch.job_tries = job_tries;
    }

    /// Candidates of rule `job.rule` that start in `job.window` of the sentence
    /// `job.sentence`, at `job.until` or earlier, with document offsets. The text before the window is
    /// context (`\b`, look-behind words); a match that reaches the window's end inside the
    /// sentence is dropped (`$` and `\b` cannot see past it; the rule's anchors put real
    /// matches well inside). `known`: the job's walked tries, else the rule is searched.
    fn candidates(
        &self,
        job: Job,
        doc: DocText,
        known: Option<&[Try]>,
        scratch: &mut Scratch,
        out: &mut Vec<Candidate>,
    ) {
        let Job { rule: i, sentence, window, until } = job;
        let rule = &self.rules[i];
        let text = doc.text;
        let words = WordStarts { masks: doc.starts, offset: sentence.start };
        let hay = &text[sentence.start..window.end];
        let cut = window.end < sentence.end;
        let until = until - sentence.start;
        let mut at = window.start - sentence.start;
        // The next try to look at (`at` only grows).
        let mut k = 0;
        while at <= hay.len() {
            let found = match known {
                // The first try from `at` on with a match: `find`'s answer.
                Some(tries) => {
                    while k < tries.len() && tries[k].at - sentence.start < at {
                        k += 1;
                    }
                    tries[k..]
                        .iter()
                        .map(|t| (t.at - sentence.start, t.end.map(|end| end - sentence.start)))
                        .take_while(|t| t.0 <= until)
                        .find_map(|(start, end)| Some((start, end?)))
                }
                None => self.search(i, hay, at, until, words, scratch),
            };
            let Some(m) = found else { break };
            at = if m.0 == m.1 { next_char(hay, m.1) } else { m.1 };
            if cut && m.1 == hay.len() {
                break;
            }
            let Some(outcome) = self.outcome(i, hay, m, scratch) else { continue };
            let span =
                Span::new(sentence.start + m.0 + outcome.t.0, sentence.start + m.0 + outcome.t.1);
            if span.is_empty() || (!rule.remove && !free_standing(text, span)) {
                continue;
            }
            out.push(Candidate { span, rule: i, value: outcome.value, modifier: outcome.modifier });
        }
    }

    /// The leftmost-first match of rule `i` in `hay` that starts at `at` or later and at
    /// `until` or earlier (the span only: the groups are worked out once per matched text).
    fn search(
        &self,
        i: usize,
        hay: &str,
        at: usize,
        until: usize,
        words: WordStarts,
        scratch: &mut Scratch,
    ) -> Option<(usize, usize)> {
        match self.scanners.find(i, &mut scratch.scans, hay.as_bytes(), at, until, words) {
            Ok(found) => found,
            Err(GaveUp) => {
                let input = Input::new(hay).span(at..hay.len());
                self.rules[i]
                    .regex
                    .search_with(&mut scratch.caches[i], &input)
                    .map(|m| (m.start(), m.end()))
                    .filter(|m| m.0 <= until)
            }
        }
    }

    /// What the match `m` of rule `i` in `hay` gives (`None`: no valid value). It depends
    /// only on the matched bytes and on what the look-around assertions at its ends see, so
    /// it is remembered per thread under those (dates repeat: `last year`, `on Monday`).
    fn outcome(
        &self,
        i: usize,
        hay: &str,
        m: (usize, usize),
        scratch: &mut Scratch,
    ) -> Option<Outcome> {
        let bytes = hay.as_bytes();
        let word = |k: Option<usize>| {
            k.and_then(|k| bytes.get(k)).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'_')
        };
        let context = u8::from(m.0 == 0)
            | u8::from(word(m.0.checked_sub(1))) << 1
            | u8::from(word(Some(m.1))) << 2
            | u8::from(m.1 == hay.len()) << 3;
        let key = &mut scratch.key;
        key.clear();
        key.extend_from_slice(&(i as u32).to_le_bytes());
        key.push(context);
        key.extend_from_slice(&bytes[m.0..m.1]);
        if let Some(known) = scratch.memo.get(key.as_slice()) {
            return known.clone();
        }
        let key: Box<[u8]> = key.as_slice().into();
        let outcome = self.work_out(i, hay, m, scratch);
        if scratch.memo.len() >= MEMO {
            scratch.memo.clear();
        }
        scratch.memo.insert(key, outcome.clone());
        outcome
    }

    /// [`RuleSet::outcome`] without memory: the groups of the match (the capture engine runs
    /// on its span only), the value and `mod` templates filled and parsed.
    fn work_out(
        &self,
        i: usize,
        hay: &str,
        m: (usize, usize),
        scratch: &mut Scratch,
    ) -> Option<Outcome> {
        let rule = &self.rules[i];
        let slots = &mut scratch.slots[..rule.slots];
        if rule.slots > 2 {
            let input = Input::new(hay).span(m.0..m.1).anchored(Anchored::Yes);
            rule.regex.search_slots_with(&mut scratch.caches[i], &input, slots);
        }
        let caps = Caps { hay, slots, names: &rule.groups };
        let t = caps.get("t").unwrap_or(m);
        let t = (t.0 - m.0, t.1 - m.0);
        if rule.remove {
            return Some(Outcome { t, value: None, modifier: None });
        }
        let value = Pending::parse(&self.fill(&rule.template, &caps)).ok()?;
        let modifier = rule.mod_template.as_ref().and_then(|m| modifier(&self.fill(m, &caps)));
        Some(Outcome { t, value: Some(Arc::new(value)), modifier })
    }

    /// `template` with every `{name}` replaced by the normalized capture `name` (or `name2`,
    /// `name3` in other branches of the pattern).
    /// An absent `{year}` becomes `UNDEF` (resolved later); other absent captures are empty.
    fn fill(&self, template: &str, caps: &Caps) -> String {
        let mut out = String::with_capacity(template.len() + 8);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else { break };
            let name = &rest[open + 1..open + close];
            out.push_str(&self.capture(name, caps));
            rest = &rest[open + close + 1..];
        }
        out.push_str(rest);
        out
    }

    /// The normalized text of capture `name` (see the header of `dates.rules`).
    fn capture(&self, name: &str, caps: &Caps) -> String {
        if name == "hhmm" {
            return hhmm(caps);
        }
        let text = caps.text(name);
        let Some(text) = text else {
            return if name == "year" { "UNDEF".to_string() } else { String::new() };
        };
        let lex = &self.lexicon;
        let digits =
            || text.trim_end_matches(|c: char| c.is_ascii_alphabetic()).parse::<u32>().ok();
        let v = match name {
            "year" => year(text).or_else(|| lex.year_words(text)),
            "rel" => Some(lex.get("rel", text).unwrap_or_default().to_string()),
            "month" => digits()
                .map(|m| format!("{m:02}"))
                .or_else(|| lex.get("month", text).map(str::to_string)),
            "day" => digits()
                .or_else(|| lex.get("ordinal", text).and_then(|v| v.parse().ok()))
                .map(|d| format!("{d:02}")),
            "n" => lex.number(text),
            "unit" => lex.get("unit", text).map(str::to_string),
            "weekday" => lex.get("weekday", text).map(str::to_string),
            "season" => lex.get("season", text).map(str::to_string),
            "holiday" => lex.get("holiday", text).map(str::to_string),
            "q" => digits()
                .or_else(|| lex.get("ordinal", text).and_then(|v| v.parse().ok()))
                .map(|q| q.to_string()),
            "pod" => lex.get("pod", text).map(|p| format!("T{p}")),
            "decade" => decade(text).or_else(|| lex.get("decade", text).map(str::to_string)),
            "century" => digits()
                .or_else(|| lex.get("ordinal", text).and_then(|v| v.parse().ok()))
                .and_then(|c| c.checked_sub(1))
                .map(|c| format!("{c:02}")),
            _ => Some(text.to_ascii_lowercase()),
        };
        v.unwrap_or_else(|| "?".to_string())
    }
}

/// The groups of one match, read from the reusable slots (no allocation per match).
struct Caps<'a> {
    hay: &'a str,
    slots: &'a [Option<NonMaxUsize>],
    names: &'a [(String, usize)],
}

impl<'a> Caps<'a> {
    /// The bytes of group `i` (0: the whole match), if it took part in the match.
    fn group(&self, i: usize) -> Option<(usize, usize)> {
        let start = self.slots.get(2 * i).copied().flatten()?;
        let end = self.slots.get(2 * i + 1).copied().flatten()?;
        Some((start.get(), end.get()))
    }

    /// The bytes of group `name`, else of `name2` or `name3` (the same part in another branch).
    fn get(&self, name: &str) -> Option<(usize, usize)> {
        ["", "2", "3"].iter().find_map(|suffix| {
            let (_, i) = self
                .names
                .iter()
                .find(|(n, _)| n.strip_prefix(name).is_some_and(|rest| rest == *suffix))?;
            self.group(*i)
        })
    }

    /// The text of group `name` (see [`Caps::get`]).
    fn text(&self, name: &str) -> Option<&'a str> {
        self.get(name).map(|(s, e)| &self.hay[s..e])
    }
}

/// The offset after the character at `at` (past the end when `at` is the end).
fn next_char(hay: &str, at: usize) -> usize {
    hay[at..].chars().next().map_or(at + 1, |c| at + c.len_utf8())
}

/// A four-digit year as is; `'98` or `98` to 1998 (two digits above 30 are the 1900s).
fn year(text: &str) -> Option<String> {
    let d = text.trim_start_matches(['\'', '’']);
    match d.len() {
        4 => d.parse::<u32>().ok().map(|y| format!("{y:04}")),
        2 => d.parse::<u32>().ok().map(|y| format!("{}", if y > 30 { 1900 + y } else { 2000 + y })),
        _ => None,
    }
}

/// The TIMEX3 decade (`199`) of `1990s`, `1990's` or `'90s`.
fn decade(text: &str) -> Option<String> {
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    match digits.len() {
        4 => Some(digits[..3].to_string()),
        2 => Some(format!("19{}", &digits[..1])),
        _ => None,
    }
}

/// `HH:MM` from the `hour`, `minute` and `ampm` captures.
fn hhmm(caps: &Caps) -> String {
    let hour: u32 = caps.text("hour").and_then(|m| m.parse().ok()).unwrap_or(0);
    let minute: u32 = caps.text("minute").and_then(|m| m.parse().ok()).unwrap_or(0);
    let pm = caps.text("ampm").map(|m| m.to_ascii_lowercase().starts_with('p'));
    let hour = match pm {
        Some(true) if hour < 12 => hour + 12,
        Some(false) if hour == 12 => 0,
        _ => hour,
    };
    format!("{hour:02}:{minute:02}")
}

/// The TIMEX3 `mod` of a modifier word.
fn modifier(word: &str) -> Option<&'static str> {
    let w = word.trim();
    if w.is_empty() {
        return None;
    }
    Some(
        if [
            "early",
            "the beginning of",
            "the start of",
            "the first half of",
            "the early part of",
            "the beginning",
        ]
        .contains(&w)
        {
            "START"
        } else if ["mid", "the middle of"].contains(&w) {
            "MID"
        } else {
            "END"
        },
    )
}

/// True when `span` is not glued to a letter, digit or currency sign (`1999` in `53453.1999`,
/// `2020` in `$2020`).
fn free_standing(text: &str, span: Span) -> bool {
    let mut before = text[..span.start].chars().rev();
    let glued_before = match (before.next(), before.next()) {
        (Some(c), _) if c.is_alphanumeric() || matches!(c, '$' | '£' | '€' | '#' | '@' | '/') => {
            true
        }
        (Some('.' | ','), Some(d)) => d.is_ascii_digit(),
        _ => false,
    };
    let mut after = text[span.end..].chars();
    let glued_after = match (after.next(), after.next()) {
        (Some(c), _) if c.is_alphanumeric() || c == '%' => true,
        (Some('.' | ',' | '/'), Some(d)) => d.is_ascii_digit(),
        _ => false,
    };
    !glued_before && !glued_after
}

#[cfg(test)]
impl DateRule {
    /// True when the rule's regex matches all of `text` (the check for `example:` lines).
    pub(super) fn regex_matches_whole(&self, text: &str) -> bool {
        self.regex.find_iter(text).any(|m| m.start() == 0 && m.end() == text.len())
    }
}

#[cfg(test)]
mod trie_tests {
    use super::{alternation, factored};

    fn alts(words: &[&str]) -> String {
        alternation(words.iter().map(|w| w.to_string()).collect())
    }

    #[test]
    fn word_lists_become_tries_that_prefer_longer_words() {
        assert_eq!(alts(&["ten", "two", "twelve", "tw"]), "t(?:en|w(?:elve|o)?)");
        assert_eq!(alts(&[r"Jan\.?", "June", "July"]), r"J(?:an\.?|u(?:ly|ne))");
        assert_eq!(alts(&["twenty[- ](?:one|two)", "twenty"]), "twenty(?:[- ](?:one|two))?");
        assert_eq!(alts(&["new year(?:'|’)s", "new moon"]), "new (?:moon|year(?:'|’)s)");
        let re = regex::Regex::new(&format!("^(?:{})", alts(&["ab", "abcd", "abc", "x"]))).unwrap();
        assert_eq!(re.find("abcde").map(|m| m.end()), Some(4));
        assert_eq!(re.find("abx").map(|m| m.end()), Some(2));
    }

    #[test]
    fn written_lists_keep_their_order_of_preference() {
        assert_eq!(
            factored(r"in|through|throughout|on|the year|the"),
            "in|through(?:|out)|on|the(?: year)?"
        );
        assert_eq!(
            factored(r"more\s+than|more|[0-9]{2}|[0-9]+"),
            r"more(?:\s+than)?|[0-9]{2}|[0-9]+"
        );
        assert_eq!(factored("(?:a|b)c"), "(?:a|b)c");
        assert_eq!(factored("x(?:[)]|y)|x(?:z)"), "x(?:(?:[)]|y)|(?:z))");
        let re = regex::Regex::new(&format!("^(?:{})\\b", factored("through|throughout"))).unwrap();
        assert_eq!(re.find("throughout").map(|m| m.end()), Some(10));
    }
}
