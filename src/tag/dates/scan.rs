/*!
The search for a rule's matches in a window: an anchored lazy DFA tried at each position where
a match can begin.

An unanchored search (the `meta` regex's) runs a DFA whose every state also holds the
pattern's start (all branches of its word lists), from every earlier position: building
those states is most of what the search costs on news text, and the match start then needs a
reverse DFA as well. Anchored at one position, the DFA's states are only the pattern's own
prefixes, few and small. A table per rule of the bytes (by the kind of byte before them, for
`\b`) a match can begin with skips every other position in one lookup. The first position
with a match gives the leftmost match, and the anchored DFA its leftmost-first end: the same
match as the unanchored search. All rules share one DFA (a pattern each, searched anchored on
that pattern), compiled from one NFA of all rules.
*/
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::nfa::thompson::NFA;
use regex_automata::util::start;
use regex_automata::{Anchored, MatchKind, PatternID};

/// The kinds of byte before a position that the DFA's start state depends on (as the
/// regex-automata start map sorts them: none, a word byte, `\n`, `\r`, any other byte), each
/// with one byte that stands for it. Kind `k` is bit `1 << k` in the tables below.
const KINDS: [Option<u8>; 5] = [None, Some(b'a'), Some(b'\n'), Some(b'\r'), Some(b' ')];

/// The kind bit of the start of the text.
const TEXT: u8 = 1;

/// The kind bit of each byte as the byte before a position (see [`KINDS`]).
const KIND: [u8; 256] = {
    let mut table = [16u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() || byte == b'_' {
            table[b] = 2;
        }
        b += 1;
    }
    table[b'\n' as usize] = 4;
    table[b'\r' as usize] = 8;
    table
};

/// The kind bit of the byte before `at` in `hay` (the start of the text when `at` is 0).
fn before(hay: &[u8], at: usize) -> u8 {
    at.checked_sub(1).map_or(TEXT, |i| KIND[usize::from(hay[i])])
}

/// The pair code of each byte: ASCII letters case-folded (0 to 25), digits, whitespace, `.`,
/// `-`, other ASCII, and non-ASCII bytes (see [`Scanner::pairs`]).
const CODE: [u8; 256] = {
    let mut table = [31u8; 256];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        table[b] = match byte {
            b'a'..=b'z' => byte - b'a',
            b'A'..=b'Z' => byte - b'A',
            b'0'..=b'9' => 26,
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => 27,
            b'.' => 28,
            b'-' => 29,
            _ => 30,
        };
        b += 1;
    }
    table
};

/// The anchored searches of all rules: ONE lazy DFA with a pattern per rule, searched anchored
/// on the rule's pattern. A DFA per rule had its own transition table and byte class map, and
/// a document touches dozens of them: most of the search's time was cache misses on those
/// tables. One DFA keeps the states every document uses side by side in one table (and one
/// class map), and it is compiled from one NFA of all rules at start-up.
pub(super) struct Scanners {
    dfa: DFA,
    /// Per rule (pattern), what rules out positions without the DFA.
    rules: Vec<Scanner>,
}

/// What rules out positions for one rule's pattern before its DFA is tried.
struct Scanner {
    /// Per byte, the kinds of byte before it after which a match can begin with it.
    first: [u8; 256],
    /// Bit `32 * CODE[a] + CODE[b]`: a match may begin with the bytes `a` and `b` (after some
    /// kind of byte). Most tries of the anchored DFA that fail end at the second byte;
    /// this bit set, two cache lines, rules them out without touching the DFA's tables.
    pairs: [u64; 16],
    /// The kinds of byte before the end of a window at which the pattern matches empty.
    empty: u8,
    /// True when matches begin only at the start of a word (an ASCII letter or digit after
    /// none): the search then tries only the word starts it is given.
    at_words: bool,
}

/// How many tries walk the DFA side by side (see [`Scanners::walk`]).
const LANES: usize = 16;

/// A position where a rule's match may begin (see [`Scanners::tries`]), and what the walk
/// from there found.
#[derive(Clone, Copy)]
pub(super) struct Try {
    /// The position, in the text.
    pub(super) at: usize,
    /// The kind of byte before it.
    kind: u8,
    /// The rule.
    rule: usize,
    /// Where the haystack ends, in the text.
    hay_end: usize,
    /// Where the leftmost-first match from `at` ends, in the text, once walked.
    pub(super) end: Option<usize>,
}

/// Where the words of a text start, as bit masks per 64 bytes (see `Anchors::hits`), and
/// where in that text a haystack begins.
#[derive(Clone, Copy)]
pub(super) struct WordStarts<'a> {
    /// Bit `i` of mask `k`: byte `64 * k + i` of the text starts a word.
    pub(super) masks: &'a [u64],
    /// The haystack's offset in the text.
    pub(super) offset: usize,
}

impl<'a> WordStarts<'a> {
    /// The word starts from `from` to before `until`, in order, as offsets in the haystack.
    fn between(self, from: usize, until: usize) -> impl Iterator<Item = usize> + 'a {
        let (lo, hi) = (self.offset + from, self.offset + until);
        let mut block = lo / 64;
        let mut bits = self.masks.get(block).map_or(0, |m| m & u64::MAX << (lo % 64));
        std::iter::from_fn(move || {
            while bits == 0 {
                block += 1;
                if block * 64 >= hi {
                    return None;
                }
                bits = self.masks.get(block).copied().unwrap_or(0);
            }
            let at = block * 64 + bits.trailing_zeros() as usize;
            bits &= bits - 1;
            (at < hi).then(|| at - self.offset)
        })
    }
}

/// A thread's search state for the [`Scanners`]: the lazy DFA's cache and each rule's start
/// states (by kind of byte before), valid while the cache has not been cleared since.
pub(super) struct ScanCache {
    cache: Cache,
    starts: Vec<[Option<LazyStateID>; 5]>,
    clears: usize,
}

/// The search gave up (the lazy DFA's cache is cleared too often: not with the default
/// configuration, but the caller has a slower way).
pub(super) struct GaveUp;

impl From<regex_automata::hybrid::CacheError> for GaveUp {
    fn from(_: regex_automata::hybrid::CacheError) -> GaveUp {
        GaveUp
    }
}

impl From<regex_automata::hybrid::StartError> for GaveUp {
    fn from(_: regex_automata::hybrid::StartError) -> GaveUp {
        GaveUp
    }
}

impl Scanners {
    /// The scanners of the patterns of `nfa` (one per rule, compiled without captures), with
    /// a lazy DFA cache of at most `capacity` bytes per thread.
    pub(super) fn new(nfa: NFA, capacity: usize) -> Result<Scanners, String> {
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .match_kind(MatchKind::LeftmostFirst)
                    .cache_capacity(capacity)
                    .starts_for_each_pattern(true),
            )
            .build_from_nfa(nfa)
            .map_err(|e| e.to_string())?;
        let mut scanners = Scanners { dfa, rules: Vec::new() };
        let mut cache = scanners.cache();
        // One byte per class of bytes the DFA does not tell apart.
        let classes = *scanners.dfa.byte_classes();
        let mut members: Vec<Vec<u8>> = vec![Vec::new(); classes.alphabet_len()];
        for byte in 0..=255u8 {
            members[usize::from(classes.get(byte))].push(byte);
        }
        members.retain(|m| !m.is_empty());
        for pid in 0..scanners.dfa.pattern_len() {
            let scanner = scanners.scanner(pid, &mut cache, &members)?;
            scanners.rules.push(scanner);
        }
        Ok(scanners)
    }

    /// The position tables of pattern `pid`, worked out from the DFA's first two steps.
    fn scanner(
        &self,
        pid: usize,
        cache: &mut ScanCache,
        members: &[Vec<u8>],
    ) -> Result<Scanner, String> {
        let mut scanner = Scanner { first: [0; 256], pairs: [0; 16], empty: 0, at_words: false };
        let fail = |_| "the lazy DFA gave up".to_string();
        let dfa = &self.dfa;
        let mut done: Vec<(LazyStateID, u8)> = Vec::new();
        for k in 0..KINDS.len() {
            let bit = 1 << k;
            let start = self.start(cache, pid, bit).map_err(|_| "no start state")?;
            // Kinds with the same start state (most patterns do not tell `\n` from a space)
            // share what the first one found.
            if let Some(&(_, seen)) = done.iter().find(|(s, _)| *s == start) {
                for kinds in scanner.first.iter_mut() {
                    if *kinds & seen != 0 {
                        *kinds |= bit;
                    }
                }
                if scanner.empty & seen != 0 {
                    scanner.empty |= bit;
                }
                continue;
            }
            done.push((start, bit));
            for a in members {
                let next = dfa.next_state(&mut cache.cache, start, a[0]).map_err(fail)?;
                if next.is_dead() {
                    continue;
                }
                for &byte in a {
                    scanner.first[usize::from(byte)] |= bit;
                }
                for b in members {
                    // A match state after one byte is an empty match (matches show one byte
                    // late): then every second byte goes.
                    let second = dfa.next_state(&mut cache.cache, next, b[0]);
                    if second.map_err(fail)?.is_dead() && !next.is_match() {
                        continue;
                    }
                    for &x in a {
                        for &y in b {
                            let i = 32 * usize::from(CODE[usize::from(x)])
                                + usize::from(CODE[usize::from(y)]);
                            scanner.pairs[i / 64] |= 1 << (i % 64);
                        }
                    }
                }
            }
            if dfa.next_eoi_state(&mut cache.cache, start).map_err(fail)?.is_match() {
                scanner.empty |= bit;
            }
        }
        let word = KIND[usize::from(b'a')];
        scanner.at_words = scanner.empty == 0
            && (0..=255u8).all(|b| {
                let kinds = scanner.first[usize::from(b)];
                if b.is_ascii_alphanumeric() {
                    kinds & word == 0
                } else {
                    kinds == 0
                }
            });
        Ok(scanner)
    }

    /// A new per-thread search state.
    pub(super) fn cache(&self) -> ScanCache {
        ScanCache {
            cache: self.dfa.create_cache(),
            starts: vec![[None; 5]; self.dfa.pattern_len()],
            clears: 0,
        }
    }

    /// The start state of pattern `pid` anchored after a byte of kind `bit`.
    #[inline(always)]
    fn start(&self, c: &mut ScanCache, pid: usize, bit: u8) -> Result<LazyStateID, GaveUp> {
        if c.cache.clear_count() != c.clears {
            c.clears = c.cache.clear_count();
            c.starts.iter_mut().for_each(|s| *s = [None; 5]);
        }
        let k = bit.trailing_zeros() as usize;
        if let Some(sid) = c.starts[pid][k] {
            return Ok(sid);
        }
        let anchored = Anchored::Pattern(PatternID::new_unchecked(pid));
        let config = start::Config::new().anchored(anchored).look_behind(KINDS[k]);
        let sid = self.dfa.start_state(&mut c.cache, &config)?;
        c.starts[pid][k] = Some(sid);
        Ok(sid)
    }

    /// The leftmost-first match of rule `rule`'s pattern in `hay` that starts at `from` or
    /// later and at `until` or earlier (`hay`'s end is the end of the text for the pattern's
    /// assertions).
    pub(super) fn find(
        &self,
        rule: usize,
        c: &mut ScanCache,
        hay: &[u8],
        from: usize,
        until: usize,
        words: WordStarts,
    ) -> Result<Option<(usize, usize)>, GaveUp> {
        let scanner = &self.rules[rule];
        if from > until {
            return Ok(None);
        }
        if scanner.at_words {
            return self.find_at_words(rule, c, hay, from, until, words);
        }
        let Some(rest) = hay.get(from..=until.min(hay.len().saturating_sub(1))) else {
            return Ok((from == hay.len() && scanner.empty & before(hay, from) != 0)
                .then_some((from, from)));
        };
        let mut before = before(hay, from);
        for (k, &byte) in rest.iter().enumerate() {
            if scanner.first[usize::from(byte)] & before != 0 && scanner.pair(hay, from + k) {
                if let Some(end) = self.anchored(rule, c, hay, from + k, before)? {
                    return Ok(Some((from + k, end)));
                }
            }
            before = KIND[usize::from(byte)];
        }
        let end = from + rest.len();
        Ok((end == hay.len() && end <= until && scanner.empty & before != 0).then_some((end, end)))
    }

    /// [`Scanners::find`] trying only the word starts of `words` (and the haystack's start,
    /// which is the start of the text for the pattern).
    fn find_at_words(
        &self,
        rule: usize,
        c: &mut ScanCache,
        hay: &[u8],
        mut from: usize,
        until: usize,
        words: WordStarts,
    ) -> Result<Option<(usize, usize)>, GaveUp> {
        let scanner = &self.rules[rule];
        if from == 0 && !hay.is_empty() {
            if scanner.first[usize::from(hay[0])] & TEXT != 0 {
                if let Some(end) = self.anchored(rule, c, hay, 0, TEXT)? {
                    return Ok(Some((0, end)));
                }
            }
            from = 1;
        }
        for at in words.between(from, hay.len().min(until + 1)) {
            // A word start after the haystack's first byte: `at - 1` is in it.
            let before = KIND[usize::from(hay[at - 1])];
            if scanner.first[usize::from(hay[at])] & before != 0 && scanner.pair(hay, at) {
                if let Some(end) = self.anchored(rule, c, hay, at, before)? {
                    return Ok(Some((at, end)));
                }
            }
        }
        Ok(None)
    }

    /// Adds to `out` every position [`Scanners::find`] would try in `hay` from `from` to
    /// `until` for rule `rule`, in order, as offsets in a text where `hay` begins at `base`;
    /// false (and none added) when
    /// the rule can match empty at a window's end, which only `find` handles.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn tries(
        &self,
        rule: usize,
        base: usize,
        hay: &[u8],
        from: usize,
        until: usize,
        words: WordStarts,
        out: &mut Vec<Try>,
    ) -> bool {
        let scanner = &self.rules[rule];
        if scanner.empty != 0 {
            return false;
        }
        let mut add = |at: usize, kind: u8| {
            out.push(Try { at: base + at, kind, rule, hay_end: base + hay.len(), end: None });
        };
        let last = until.min(hay.len().saturating_sub(1));
        if from > last || hay.is_empty() {
            return true;
        }
        if !scanner.at_words {
            let mut before = before(hay, from);
            for (k, &byte) in hay[from..=last].iter().enumerate() {
                if scanner.first[usize::from(byte)] & before != 0 && scanner.pair(hay, from + k) {
                    add(from + k, before);
                }
                before = KIND[usize::from(byte)];
            }
            return true;
        }
        let mut from = from;
        if from == 0 {
            if scanner.first[usize::from(hay[0])] & TEXT != 0 {
                add(0, TEXT);
            }
            from = 1;
        }
        for at in words.between(from, last + 1) {
            // A word start after the haystack's first byte: `at - 1` is in it.
            let before = KIND[usize::from(hay[at - 1])];
            if scanner.first[usize::from(hay[at])] & before != 0 && scanner.pair(hay, at) {
                add(at, before);
            }
        }
        true
    }

    /// Works out the match end of every try (see [`Scanners::tries`]) in `text`. The tries' walks through the DFA run side by side, a
    /// byte of each in turn: a step is a read of the transition table that misses the cache
    /// more often than not, and the reads of different walks need not wait for each other as
    /// the steps of one walk do. Errors when the DFA gives up or its cache was cleared (the
    /// caller then searches one window at a time).
    pub(super) fn walk(
        &self,
        c: &mut ScanCache,
        text: &[u8],
        tries: &mut [Try],
    ) -> Result<(), GaveUp> {
        let clears = c.cache.clear_count();
        // Per lane: its try, DFA state and next byte; `next` is the next try to start.
        let mut lane = [(0usize, LazyStateID::default(), 0usize); LANES];
        let mut busy: u32 = 0;
        let mut next = 0;
        loop {
            // Idle lanes take the next tries.
            while busy != (1 << LANES) - 1 && next < tries.len() {
                let l = (!busy).trailing_zeros() as usize;
                let t = &tries[next];
                lane[l] = (next, self.start(c, t.rule, t.kind)?, t.at);
                busy |= 1 << l;
                next += 1;
            }
            if c.cache.clear_count() != clears {
                return Err(GaveUp);
            }
            if busy == 0 {
                return Ok(());
            }
            let mut bits = busy;
            while bits != 0 {
                let l = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let (t, sid, at) = lane[l];
                let t = &mut tries[t];
                if at == t.hay_end {
                    if self.dfa.next_eoi_state(&mut c.cache, sid)?.is_match() {
                        t.end = Some(at);
                    }
                    busy &= !(1 << l);
                    continue;
                }
                let sid = self.step(c, sid, text[at])?;
                lane[l].1 = sid;
                lane[l].2 = at + 1;
                if sid.is_tagged() {
                    // Matches show one byte late: this state means a match ended before
                    // this byte.
                    if sid.is_match() {
                        t.end = Some(at);
                    } else if sid.is_dead() {
                        busy &= !(1 << l);
                    } else if sid.is_quit() {
                        return Err(GaveUp);
                    }
                }
            }
            if c.cache.clear_count() != clears {
                return Err(GaveUp);
            }
        }
    }

    /// The DFA's state after `byte` from `sid`.
    #[inline(always)]
    fn step(&self, c: &mut ScanCache, sid: LazyStateID, byte: u8) -> Result<LazyStateID, GaveUp> {
        // From a plain state the table is read directly; a transition not yet worked out
        // (or one from a match state) goes through the lazy DFA.
        if !sid.is_tagged() {
            let next = self.dfa.next_state_untagged(&c.cache, sid, byte);
            if !next.is_unknown() {
                return Ok(next);
            }
        }
        Ok(self.dfa.next_state(&mut c.cache, sid, byte)?)
    }

    /// The end of the leftmost-first match of rule `rule` that starts at `at` (after a byte
    /// of kind `before`), if there is one.
    #[inline(always)]
    fn anchored(
        &self,
        rule: usize,
        c: &mut ScanCache,
        hay: &[u8],
        at: usize,
        before: u8,
    ) -> Result<Option<usize>, GaveUp> {
        let mut sid = self.start(c, rule, before)?;
        let mut end = None;
        for (k, &byte) in hay[at..].iter().enumerate() {
            sid = self.step(c, sid, byte)?;
            if sid.is_tagged() {
                // Matches show one byte late: this state means a match ended before this byte.
                if sid.is_match() {
                    end = Some(at + k);
                } else if sid.is_dead() {
                    return Ok(end);
                } else if sid.is_quit() {
                    return Err(GaveUp);
                }
            }
        }
        if self.dfa.next_eoi_state(&mut c.cache, sid)?.is_match() {
            end = Some(hay.len());
        }
        Ok(end)
    }
}

impl Scanner {
    /// False when no match can begin with the two bytes at `at` (see [`Scanner::pairs`]).
    #[inline(always)]
    fn pair(&self, hay: &[u8], at: usize) -> bool {
        let Some(&second) = hay.get(at + 1) else { return true };
        let i =
            32 * usize::from(CODE[usize::from(hay[at])]) + usize::from(CODE[usize::from(second)]);
        self.pairs[i / 64] >> (i % 64) & 1 != 0
    }
}

#[cfg(test)]
mod tests {
    use super::{Scanners, WordStarts};
    use regex_automata::nfa::thompson::{self, WhichCaptures};
    use regex_automata::{meta::Regex, Input};

    /// The word starts of `text` as [`WordStarts`] masks.
    fn word_starts(text: &[u8]) -> Vec<u64> {
        let mut masks = vec![0u64; text.len() / 64 + 1];
        for (i, b) in text.iter().enumerate() {
            if b.is_ascii_alphanumeric() && (i == 0 || !text[i - 1].is_ascii_alphanumeric()) {
                masks[i / 64] |= 1 << (i % 64);
            }
        }
        masks
    }

    /// From any start, the scanner finds the match the unanchored leftmost-first regex finds,
    /// on a haystack that begins inside a longer text (as a sentence does).
    #[test]
    fn finds_what_the_unanchored_regex_finds() {
        let patterns = [
            r"(?i-u)\b(?:in|since)\s+[0-9]{4}\b",
            r"(?i-u)\b[0-9]{1,2}(?:st|nd|rd|th)?\b|\b[0-9]+",
            r"(?i-u)(?:[$]|€|£)\s?[0-9]+",
            r"(?i-u)a|ab|abc",
            r"(?i-u)x*",
            r"(?i-u)^[0-9]+|[0-9]+$",
        ];
        let hays = [
            "in 2024 and since 1999, the 3rd of MAY 31st",
            "£20 or $ 30 for ab abc x 7",
            "12 and 13_4 x12 _9",
            "",
            "xx_12 a_in 2020 in  1999",
        ];
        // All patterns in one DFA, each searched on its own.
        let nfa = thompson::Compiler::new()
            .configure(thompson::Config::new().which_captures(WhichCaptures::None))
            .build_many(&patterns)
            .unwrap();
        let scanners = Scanners::new(nfa, 1 << 20).unwrap();
        assert!(scanners.rules[0].at_words);
        assert!(!scanners.rules[2].at_words);
        let mut cache = scanners.cache();
        for (rule, p) in patterns.iter().enumerate() {
            let re = Regex::new(p).unwrap();
            for hay in hays {
                // The haystack's first word goes on from the text before it.
                let text = format!("9a{hay}");
                let masks = word_starts(text.as_bytes());
                let words = WordStarts { masks: &masks, offset: 2 };
                for from in (0..=hay.len()).filter(|&i| hay.is_char_boundary(i)) {
                    let want = re.find(Input::new(hay).range(from..)).map(|m| (m.start(), m.end()));
                    let got =
                        scanners.find(rule, &mut cache, hay.as_bytes(), from, hay.len(), words);
                    assert_eq!(got.ok().flatten(), want, "{p} on {hay:?} from {from}");
                    // Starts after `until` are not tried.
                    for until in from..=hay.len() {
                        let want = want.filter(|m| m.0 <= until);
                        let got =
                            scanners.find(rule, &mut cache, hay.as_bytes(), from, until, words);
                        assert_eq!(got.ok().flatten(), want, "{p} on {hay:?} {from}..={until}");
                        // The same match from the tries walked side by side (the haystack at
                        // offset 2 of the text), unless the pattern matches empty at the end.
                        let mut tries = Vec::new();
                        let text = text.as_bytes();
                        let hay = hay.as_bytes();
                        if scanners.tries(rule, 2, hay, from, until, words, &mut tries) {
                            assert!(scanners.walk(&mut cache, text, &mut tries).is_ok());
                            let got = tries.iter().find_map(|t| Some((t.at - 2, t.end? - 2)));
                            assert_eq!(got, want, "{p} on {hay:?} {from}..={until}, walked");
                        }
                    }
                }
            }
        }
    }
}
