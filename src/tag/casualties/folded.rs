//! Unit text with each run of blanks folded to one space, and patterns run over it.
//!
//! A space of a rule pattern stands for a run of blanks (`killing  one`, a line break). Were
//! it compiled as `[ \t\r\n]+`, the phrases of the word lists (`at least`, `shot dead`) would
//! be no literals and would not share the lists' prefix tries: every phrase became a branch of
//! its own in each lazy-DFA state, and the automata were half again as costly to build and to
//! run. So the patterns keep literal spaces and run over the folded text; the offsets of their
//! groups map back to the text. That gives the same groups: no part of a pattern that can
//! end or start a group takes blanks next to a space of the pattern (the lazy `[^;]*?` stops
//! before a run, as the space after it takes the whole run), so no group edge falls inside a
//! run.
use std::borrow::Cow;

use regex_automata::hybrid::dfa::{self, DFA};
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::util::captures::Captures;
use regex_automata::util::pool::{Pool, PoolGuard};
use regex_automata::{Input, PatternID};

use super::lists::Lists;

/// A unit's text and its folded form.
pub(super) struct Folded<'t> {
    text: &'t str,
    folded: Cow<'t, str>,
    /// Per byte of `folded` (and one past its end), the offset in `text`; empty when nothing
    /// was folded (the common case: one space between words).
    map: Vec<u32>,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'t> Folded<'t> {
    /// Folds `text`.
    pub fn new(text: &'t str) -> Folded<'t> {
        let bytes = text.as_bytes();
        let plain = !bytes.iter().enumerate().any(|(i, &b)| {
            matches!(b, b'\t' | b'\r' | b'\n') || b == b' ' && bytes.get(i + 1) == Some(&b' ')
        });
        if plain {
            return Folded { text, folded: Cow::Borrowed(text), map: Vec::new() };
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut map = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            map.push(i as u32);
            if is_blank(bytes[i]) {
                out.push(b' ');
                while i < bytes.len() && is_blank(bytes[i]) {
                    i += 1;
                }
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        map.push(bytes.len() as u32);
        // Only ASCII blanks were replaced, each run by an ASCII space.
        let folded = String::from_utf8(out).map_or(Cow::Borrowed(text), Cow::Owned);
        Folded { text, folded, map }
    }

    /// The original text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The offset in the folded text of `at` in the text (past the run when inside one).
    fn fold(&self, at: usize) -> usize {
        if self.map.is_empty() {
            at
        } else {
            self.map.partition_point(|&m| (m as usize) < at)
        }
    }

    /// The offset in the text of `at` in the folded text.
    fn unfold(&self, at: usize) -> usize {
        self.map.get(at).map_or(at, |&m| m as usize)
    }
}

/// A group of a [`Caps`], with offsets relative to its haystack.
#[derive(Clone, Copy)]
pub(super) struct Group<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Group<'t> {
    /// Start offset.
    pub fn start(&self) -> usize {
        self.start
    }
    /// End offset.
    pub fn end(&self) -> usize {
        self.end
    }
    /// The group's text.
    pub fn as_str(&self) -> &'t str {
        self.text
    }
}

/// The groups of a pattern's match, in offsets of the (unfolded) haystack it was run on.
pub(super) struct Caps<'t, 'p> {
    hay: &'t str,
    groups: Vec<Option<(usize, usize)>>,
    names: &'p [Option<String>],
}

impl<'t> Caps<'t, '_> {
    /// Group `i` (0 is the whole match).
    pub fn get(&self, i: usize) -> Option<Group<'t>> {
        let (start, end) = (*self.groups.get(i)?)?;
        Some(Group { start, end, text: self.hay.get(start..end)? })
    }
    /// The group named `name`.
    pub fn name(&self, name: &str) -> Option<Group<'t>> {
        self.get(self.names.iter().position(|n| n.as_deref() == Some(name))?)
    }
}

/// A compiled pattern with literal spaces, run over folded text.
pub(super) struct Pattern {
    engine: Engine,
    names: Vec<Option<String>>,
}

/// How a pattern searches.
enum Engine {
    /// A pattern that opens with `^`: a forward lazy DFA finds the match end, and the
    /// backtracker (the PikeVM on long spans) reads the groups of that span, as the `meta`
    /// regex does; but without the reverse NFA, prefilter and one-pass DFA it would also
    /// build, a third of the compile time of these big patterns, of no use at an anchor.
    Anchored(Box<Anchored>),
    /// A pattern that opens with a few words: the anchored automaton tried at each position
    /// in turn, where it fails at once unless they start there. The first position with a
    /// match has the leftmost match, as an unanchored search finds it.
    Scan(Box<Anchored>),
    /// Any other pattern.
    Search(regex::Regex),
}

struct Anchored {
    dfa: DFA,
    backtrack: BoundedBacktracker,
    pikevm: PikeVM,
    scratch: Pool<Scratch, ScratchFn>,
}

/// The per-thread search state of an anchored pattern.
struct Scratch {
    dfa: dfa::Cache,
    backtrack: backtrack::Cache,
    /// Made on first use: few spans are too long for the backtracker, and the PikeVM's cache
    /// for these NFAs is large to set up.
    pikevm: Option<pikevm::Cache>,
    caps: Captures,
}

type ScratchFn = Box<dyn Fn() -> Scratch + Send + Sync>;

impl Anchored {
    fn new(src: &str, lists: &Lists) -> Result<Anchored, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        let nfa = lists.nfa(src)?;
        // The word lists make big automata: a larger lazy-DFA cache keeps their states from
        // being rebuilt over and over.
        let dfa = DFA::builder()
            .configure(DFA::config().cache_capacity(32 << 20))
            .build_from_nfa(nfa.clone())
            .map_err(|e| err(&e))?;
        let backtrack =
            BoundedBacktracker::builder().build_from_nfa(nfa.clone()).map_err(|e| err(&e))?;
        let pikevm = PikeVM::new_from_nfa(nfa).map_err(|e| err(&e))?;
        let (d, b, p) = (dfa.clone(), backtrack.clone(), pikevm.clone());
        let scratch = Pool::new(Box::new(move || Scratch {
            dfa: d.create_cache(),
            backtrack: b.create_cache(),
            pikevm: None,
            caps: p.create_captures(),
        }) as ScratchFn);
        Ok(Anchored { dfa, backtrack, pikevm, scratch })
    }

    /// The match starting at `from` in `hay`, its groups left in the scratch's captures.
    fn captures<'a>(&'a self, hay: &str, from: usize) -> Option<PoolGuard<'a, Scratch, ScratchFn>> {
        let mut s = self.scratch.get();
        let Scratch { dfa, backtrack, pikevm, caps } = &mut *s;
        let input = Input::new(hay).range(from..).anchored(regex_automata::Anchored::Yes);
        match self.dfa.try_search_fwd(dfa, &input) {
            Ok(None) => return None,
            Ok(Some(end)) => {
                let input = input.range(from..end.offset());
                if end.offset() - from <= self.backtrack.max_haystack_len() {
                    self.backtrack.try_search(backtrack, &input, caps).ok()?;
                } else {
                    self.pikevm.search(self.pikevm_cache(pikevm), &input, caps);
                }
            }
            Err(_) => self.pikevm.search(self.pikevm_cache(pikevm), &input, caps),
        }
        caps.is_match().then_some(s)
    }

    fn pikevm_cache<'c>(&self, cache: &'c mut Option<pikevm::Cache>) -> &'c mut pikevm::Cache {
        cache.get_or_insert_with(|| self.pikevm.create_cache())
    }

    fn is_match(&self, hay: &str) -> bool {
        let mut s = self.scratch.get();
        let Scratch { dfa, pikevm, .. } = &mut *s;
        let input = Input::new(hay).anchored(regex_automata::Anchored::Yes).earliest(true);
        match self.dfa.try_search_fwd(dfa, &input) {
            Ok(m) => m.is_some(),
            Err(_) => self.pikevm.is_match(self.pikevm_cache(pikevm), input),
        }
    }
}

/// The groups of `caps`, their offsets mapped by `back`.
fn spans(
    caps: &Captures,
    back: impl Fn(usize, usize) -> (usize, usize),
) -> Vec<Option<(usize, usize)>> {
    (0..caps.group_len()).map(|i| caps.get_group(i).map(|m| back(m.start, m.end))).collect()
}

impl Pattern {
    /// Compiles `src`; a pattern opening with `^` only ever matches at the haystack start;
    /// `scan` asks for [`Engine::Scan`] (a pattern that opens with a few words).
    /// `src` holds the placeholders of `lists`.
    pub fn new(src: &str, scan: bool, lists: &Lists) -> Result<Pattern, String> {
        if src.starts_with('^') || scan {
            let a = Box::new(Anchored::new(src, lists)?);
            let names = a.pikevm.get_nfa().group_info().pattern_names(PatternID::ZERO);
            let names = names.map(|n| n.map(str::to_string)).collect();
            let engine = if scan { Engine::Scan(a) } else { Engine::Anchored(a) };
            return Ok(Pattern { engine, names });
        }
        let re = regex::RegexBuilder::new(&lists.expand(src))
            .dfa_size_limit(32 << 20)
            .build()
            .map_err(|e| e.to_string())?;
        let names = re.capture_names().map(|n| n.map(str::to_string)).collect();
        Ok(Pattern { engine: Engine::Search(re), names })
    }

    /// The index of the group named `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.as_deref() == Some(name))
    }

    /// The match in `f.text()[start..end]` found from `at` (as `captures_at` finds it), with
    /// group offsets relative to `start`. `start` is not inside a run of blanks.
    pub fn captures<'t>(
        &self,
        f: &Folded<'t>,
        start: usize,
        end: usize,
        at: usize,
    ) -> Option<Caps<'t, '_>> {
        let (fs, fe) = (f.fold(start), f.fold(end));
        let hay = f.folded.get(fs..fe)?;
        let from = f.fold(at).checked_sub(fs)?;
        let back = |s: usize, e: usize| (f.unfold(fs + s) - start, f.unfold(fs + e) - start);
        let groups = match &self.engine {
            Engine::Anchored(a) => {
                // anchored at the haystack start: `at` past it finds nothing
                let s = a.captures(hay, 0).filter(|_| from == 0)?;
                spans(&s.caps, back)
            }
            Engine::Scan(a) => {
                let mut starts = (from..=hay.len()).filter(|&q| hay.is_char_boundary(q));
                let s = starts.find_map(|q| a.captures(hay, q))?;
                spans(&s.caps, back)
            }
            Engine::Search(re) => {
                let c = re.captures_at(hay, from)?;
                (0..c.len()).map(|i| c.get(i).map(|m| back(m.start(), m.end()))).collect()
            }
        };
        Some(Caps { hay: f.text.get(start..end)?, groups, names: &self.names })
    }

    /// True when the pattern matches in `f.text()[start..]` (`start` not inside a run).
    pub fn is_match(&self, f: &Folded, start: usize) -> bool {
        f.folded.get(f.fold(start)..).is_some_and(|h| match &self.engine {
            Engine::Anchored(a) => a.is_match(h),
            Engine::Scan(a) => {
                (0..=h.len()).any(|q| h.is_char_boundary(q) && a.captures(h, q).is_some())
            }
            Engine::Search(re) => re.is_match(h),
        })
    }
}
