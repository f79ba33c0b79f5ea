/*!
The cheap first pass of date tagging: where the rules are worth running.

Every rule names its anchors (`anchor:` in `dates.rules`): words one of which every match
contains (`ago`, `quarter`), word classes of `date_words.tsv` (`@month`), or `#` for a number
(`#2` one of one or two digits, `#4` one of four).
One pass over the document's words (maximal runs of ASCII letters and digits) finds the anchor
hits: each word whose first two bytes and length fit some anchor word is looked up
case-sensitively (anchor words as written, Title Case and UPPER CASE), and each run of digits
inside a word gets its digit anchors (whole words are all an anchor can be, so a lookup per word
replaces an automaton whose matches inside words were thrown away). A rule then runs only on a
bounded window around its own hits, so most of the text never reaches a regex.
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

/// The bit of a rank in [`Anchors::woken`] that marks a rule with an `after:` condition.
pub(super) const AFTER: u16 = 1 << 15;

/// Word classes whose words are only anchors as capitalized (their patterns are case-sensitive:
/// `may` the verb is not a month).
const CAPITALIZED: &[&str] = &["month", "weekday", "holiday"];

/// The anchor words and, per anchor, the rules it wakes.
pub(super) struct Anchors {
    /// Anchor id of each word form.
    words: WordTable,
    /// Per anchor id `i`, `woken[woken_at[i]..woken_at[i + 1]]` are the ranks of the rules
    /// its hits wake (see [`Anchors::woken`]): small flat tables, as every hit reads them.
    woken_at: Vec<u32>,
    /// See `woken_at`.
    woken: Vec<u16>,
    /// Per rule, the anchor ids one of which must lie in a window for the rule to run there
    /// (its `near:` line), as a bit set of `near_words` words at `near_words * rule`.
    near_of: Vec<u64>,
    /// Words per rule in `near_of`.
    near_words: usize,
    /// Per rule, true when it has a `near:` condition.
    has_near: Vec<bool>,
    /// Per rule, the words (lower case) one of which must come right before an anchor hit,
    /// across whitespace, for the hit to wake the rule (its `after:` line; empty: any hit).
    after_of: Vec<Vec<Vec<u8>>>,
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
pub(super) fn data_error(message: String) -> Error {
    Error::Data { file: "rules/dates.rules".into(), line: 0, message }
}

impl Anchors {
    /// Builds the anchors of `specs` (per rule in rule order: its name, its `anchor:` value
    /// such as `@month|#` or `ago`, its optional `near:` value in the same syntax, and its
    /// optional `after:` words).
    pub(super) fn new(
        specs: &[(String, &str, Option<&str>, Option<&str>)],
        lexicon: &Lexicon,
        ranks: &[usize],
    ) -> Result<Anchors> {
        let mut b = Builder { lexicon, ids: FxMap::default(), count: DIGITS.len() };
        let mut woken: Vec<(usize, usize)> = Vec::new();
        let mut nears = Vec::new();
        let mut after_of: Vec<Vec<Vec<u8>>> = Vec::new();
        for (rule, (name, anchor, near, after)) in specs.iter().enumerate() {
            after_of.push(
                after
                    .iter()
                    .flat_map(|spec| spec.split('|'))
                    .map(|w| w.trim().to_ascii_lowercase().into_bytes())
                    .filter(|w| !w.is_empty())
                    .collect(),
            );
            woken.extend(b.ids(name, anchor)?.into_iter().map(|id| (id, rule)));
            nears.push(near.map(|spec| b.ids(name, spec)).transpose()?);
        }
        let near_words = b.count.div_ceil(64);
        let mut near_of = vec![0u64; near_words * specs.len()];
        for (rule, ids) in nears.iter().enumerate() {
            for id in ids.iter().flatten() {
                near_of[near_words * rule + id / 64] |= 1 << (id % 64);
            }
        }
        let has_near = nears.iter().map(Option::is_some).collect();
        // By anchor id, then rule: each id's ranks in rule order.
        woken.sort_unstable();
        let mut woken_at = vec![0u32; b.count + 1];
        let mut ranked = Vec::with_capacity(woken.len());
        for &(id, rule) in &woken {
            let rank = ranks[rule];
            let rank = u16::try_from(rank)
                .ok()
                .filter(|r| r & AFTER == 0)
                .ok_or_else(|| data_error(format!("too many rules ({rank})")))?;
            ranked.push(if after_of[rule].is_empty() { rank } else { rank | AFTER });
            woken_at[id + 1] += 1;
        }
        for id in 0..b.count {
            woken_at[id + 1] += woken_at[id];
        }
        Ok(Anchors {
            words: WordTable::new(b.ids),
            woken_at,
            woken: ranked,
            near_of,
            near_words,
            has_near,
            after_of,
        })
    }

    /// True when the anchor hit at byte `at` of `text` wakes rule `rule` (its `after:`
    /// condition: one of those words, in any case, as a whole word, or a number for `#`,
    /// then whitespace, before the hit).
    pub(super) fn after(&self, rule: usize, text: &[u8], at: usize) -> bool {
        let words = &self.after_of[rule];
        // The regexes' `\s`: ASCII whitespace with the vertical tab.
        let space = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
        let before = &text[..at];
        let gap = before.iter().rev().take_while(|b| space(b)).count();
        if gap == 0 {
            return false;
        }
        let trimmed = &before[..before.len() - gap];
        let word_start = |len: usize| {
            trimmed[..trimmed.len() - len]
                .last()
                .is_none_or(|b| !(b.is_ascii_alphanumeric() || *b == b'_'))
        };
        words.iter().any(|w| {
            if w == b"#" {
                // A number: a run of digits.
                let digits = trimmed.iter().rev().take_while(|b| b.is_ascii_digit()).count();
                return digits > 0 && word_start(digits);
            }
            trimmed.len() >= w.len()
                && trimmed[trimmed.len() - w.len()..].eq_ignore_ascii_case(w)
                && word_start(w.len())
        })
    }

    /// True when rule `rule` has a `near:` condition.
    pub(super) fn has_near(&self, rule: usize) -> bool {
        self.has_near[rule]
    }

    /// True when rule `rule` may match in a window holding the anchor hits `hits` (its
    /// `near:` condition).
    pub(super) fn near(&self, rule: usize, hits: &[(usize, usize)]) -> bool {
        let near = &self.near_of[self.near_words * rule..self.near_words * (rule + 1)];
        !self.has_near[rule]
            || hits
                .iter()
                .any(|&(_, id)| near.get(id / 64).is_some_and(|w| w >> (id % 64) & 1 != 0))
    }

    /// The ranks (as given to [`Anchors::new`]) of the rules a hit of anchor `id` wakes, in
    /// rule order; a rank with the [`AFTER`] bit wakes its rule only when its `after:` words
    /// come before the hit (see [`Anchors::after`]).
    pub(super) fn woken(&self, id: usize) -> &[u16] {
        let (lo, hi) = (self.woken_at[id] as usize, self.woken_at[id + 1] as usize);
        &self.woken[lo..hi]
    }

    /// `(byte offset, anchor id)` of every anchor hit in `text`, by offset: whole words only,
    /// and the first digit of each run of digits (at one offset the word's hit comes first).
    /// `starts` gets the word starts of `text` as bit masks, one per 64 bytes (bit `i` of mask
    /// `k`: byte `64 * k + i` is an ASCII letter or digit after none).
    pub(super) fn hits(&self, text: &str, out: &mut Vec<(usize, usize)>, starts_of: &mut Vec<u64>) {
        let bytes = text.as_bytes();
        // Words are found 64 bytes at a time from bit masks of their starts and ends; a word
        // still open at a block's end carries over to the next block.
        let mut open: Option<usize> = None;
        let mut carry = 0u64;
        let mut tail = [0u8; 64];
        for (k, chunk) in bytes.chunks(64).enumerate() {
            let base = 64 * k;
            // Full blocks are read in place; the last one, shorter, from a zero-padded copy.
            let block: &[u8; 64] = match chunk.try_into() {
                Ok(block) => block,
                Err(_) => {
                    tail[..chunk.len()].copy_from_slice(chunk);
                    &tail
                }
            };
            let (words, digits) = classify(block);
            let shifted = words << 1 | carry;
            let mut starts = words & !shifted;
            starts_of.push(starts);
            // Bit `i`: byte `i` is the first after a word.
            let mut ends = !words & shifted;
            carry = words >> 63;
            if let Some(start) = open.take() {
                if ends == 0 {
                    // The whole block is inside the word.
                    open = Some(start);
                    continue;
                }
                let stop = base + ends.trailing_zeros() as usize;
                ends &= ends - 1;
                let has_digits = bytes[start..stop].iter().any(u8::is_ascii_digit);
                self.word(text, start, stop, has_digits, out);
            }
            // The other words start in this block: their starts and ends pair up in order.
            while ends != 0 {
                let (first, stop) = (starts.trailing_zeros(), ends.trailing_zeros());
                starts &= starts - 1;
                ends &= ends - 1;
                let inside = (1u64 << stop) - (1u64 << first);
                let has_digits = digits & inside != 0;
                self.word(text, base + first as usize, base + stop as usize, has_digits, out);
            }
            if starts != 0 {
                open = Some(base + starts.trailing_zeros() as usize);
            }
        }
        if let Some(start) = open {
            let has_digits = bytes[start..].iter().any(u8::is_ascii_digit);
            self.word(text, start, bytes.len(), has_digits, out);
        }
    }

    /// The hits of the word `text[start..end]`: its anchor id, then its digit anchors.
    #[inline(always)]
    fn word(
        &self,
        text: &str,
        start: usize,
        end: usize,
        has_digits: bool,
        out: &mut Vec<(usize, usize)>,
    ) {
        if let Some(id) = self.words.get(text.as_bytes(), start, end) {
            out.push((start, id));
        }
        if has_digits {
            digit_hits(text, start, end, out);
        }
    }
}

/// Bit masks of a block: bit `i` of the first is set when byte `i` is an ASCII letter or
/// digit, of the second when it is a digit (sixteen bytes at a time with SSE2, which every
/// x86-64 processor has).
#[cfg(target_arch = "x86_64")]
fn classify(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // Bytes shifted so that a range starts at -128: `x < -128 + n` is then an unsigned
    // `b - lo < n`.
    const fn shift(lo: u8) -> i8 {
        0x80u8.wrapping_sub(lo) as i8
    }
    let (mut words, mut digits) = (0u64, 0u64);
    for k in 0..4 {
        // SAFETY: SSE2 is always there on x86-64, and the unaligned load reads bytes
        // `16 * k..16 * k + 16` of the 64-byte block.
        let (w, d) = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
            let digit = _mm_cmplt_epi8(
                _mm_add_epi8(v, _mm_set1_epi8(shift(b'0'))),
                _mm_set1_epi8(-128 + 10),
            );
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let letter = _mm_cmplt_epi8(
                _mm_add_epi8(folded, _mm_set1_epi8(shift(b'a'))),
                _mm_set1_epi8(-128 + 26),
            );
            (_mm_movemask_epi8(_mm_or_si128(digit, letter)), _mm_movemask_epi8(digit))
        };
        words |= u64::from(w as u16) << (16 * k);
        digits |= u64::from(d as u16) << (16 * k);
    }
    (words, digits)
}

/// Bit masks of a block: bit `i` of the first is set when byte `i` is an ASCII letter or
/// digit, of the second when it is a digit (eight bytes at a time, bytes as lanes of a u64).
#[cfg(not(target_arch = "x86_64"))]
fn classify(block: &[u8; 64]) -> (u64, u64) {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    /// High bit of each lane whose value (below 0x80) lies in `lo..=hi`.
    fn in_range(v: u64, lo: u8, hi: u8) -> u64 {
        let at_least = v + u64::from(0x80 - lo) * 0x0101_0101_0101_0101;
        let above = v + u64::from(0x7f - hi) * 0x0101_0101_0101_0101;
        at_least & !above & HIGH
    }
    /// The lanes' high bits gathered into the low eight bits.
    fn gather(lanes: u64) -> u64 {
        (lanes >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56
    }
    let (mut words, mut digits) = (0u64, 0u64);
    for (k, chunk) in block.chunks_exact(8).enumerate() {
        let x = load(chunk);
        let ascii = !x & HIGH;
        let v = x & LOW7;
        let digit = in_range(v, b'0', b'9') & ascii;
        let letter = in_range(v | 0x2020_2020_2020_2020, b'a', b'z') & ascii;
        words |= gather(digit | letter) << (8 * k);
        digits |= gather(digit) << (8 * k);
    }
    (words, digits)
}

/// The first eight bytes of `bytes` (at least eight) as a little-endian u64.
fn load(bytes: &[u8]) -> u64 {
    let mut lane = [0u8; 8];
    lane.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(lane)
}

/// An open-addressing table from anchor word forms to anchor ids, keyed by a word's first
/// eight bytes (a hash map's hashing and probing cost more than the whole scan otherwise).
struct WordTable {
    /// Per slot, the first eight bytes of a form (zero-padded little-endian; 0: empty) and
    /// its anchor id: one cache line read per probe.
    slots: Vec<(u64, usize)>,
    /// Per slot, the whole form when it is longer than eight bytes (else empty).
    long: Vec<Box<[u8]>>,
    /// Bit `h >> 49` of the hash `h` of each form: nine words in ten fail this test (one read
    /// from 4 KiB, which stays in the cache), and only the others probe the table.
    filter: Box<[u64; 512]>,
}

impl WordTable {
    /// The table of `ids` (form to anchor id; forms are non-empty ASCII letters and digits).
    fn new(ids: FxMap<String, usize>) -> WordTable {
        let size = (ids.len() * 2).next_power_of_two().max(64);
        let mut slots = vec![(0u64, 0usize); size];
        let mut long: Vec<Box<[u8]>> = vec![Box::default(); size];
        let mut filter = Box::new([0u64; 512]);
        for (form, id) in ids {
            let bytes = form.as_bytes();
            let key = word_key(bytes, 0, bytes.len());
            let h = hash(key, bytes.len());
            filter[(h >> 55) as usize] |= 1 << (h >> 49 & 63);
            let mut slot = (h >> 40) as usize & (size - 1);
            while slots[slot].0 != 0 {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = (key, id);
            if bytes.len() > 8 {
                long[slot] = bytes.into();
            }
        }
        WordTable { slots, long, filter }
    }

    /// The anchor id of the word `bytes[start..end]`, if it is an anchor word form.
    #[inline(always)]
    fn get(&self, bytes: &[u8], start: usize, end: usize) -> Option<usize> {
        let key = word_key(bytes, start, end);
        let h = hash(key, end - start);
        if self.filter[(h >> 55) as usize] >> (h >> 49 & 63) & 1 == 0 {
            return None;
        }
        let size = self.slots.len();
        let mut slot = (h >> 40) as usize & (size - 1);
        loop {
            match self.slots[slot] {
                (0, _) => return None,
                (k, id)
                    if k == key && (end - start <= 8 || *self.long[slot] == bytes[start..end]) =>
                {
                    return Some(id);
                }
                _ => {}
            }
            slot = (slot + 1) & (size - 1);
        }
    }
}

/// The hash of a word's key ([`word_key`]) and length; its high bits are used.
#[inline]
fn hash(key: u64, len: usize) -> u64 {
    (key ^ len as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The first (up to) eight bytes of the word `bytes[start..end]`, zero-padded, as a u64:
/// equal keys of words of at most eight bytes mean equal words.
#[inline]
fn word_key(bytes: &[u8], start: usize, end: usize) -> u64 {
    let take = (end - start).min(8);
    let head = if start + 8 <= bytes.len() {
        load(&bytes[start..])
    } else {
        let mut lane = [0u8; 8];
        lane[..bytes.len() - start].copy_from_slice(&bytes[start..]);
        u64::from_le_bytes(lane)
    };
    head & (u64::MAX >> (64 - 8 * take))
}

/// The digit anchors of the runs of digits in the word `text[start..end]` (kept out of line:
/// the word loop stays small).
#[inline(never)]
fn digit_hits(text: &str, start: usize, end: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let mut i = start;
    while i < end {
        if !bytes[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let first = i;
        while i < end && bytes[i].is_ascii_digit() {
            i += 1;
        }
        digit_run(text, first, i, out);
    }
}

/// The anchors of the run of digits `text[start..i]` (see [`DIGITS`]).
fn digit_run(text: &str, start: usize, i: usize, out: &mut Vec<(usize, usize)>) {
    let bytes = text.as_bytes();
    let run = i - start;
    out.push((start, 0));
    match run {
        1 | 2 => out.push((start, 1)),
        3 => out.push((start, 6)),
        4 => out.push((start, 2)),
        _ => {}
    }
    let at = |k: usize| bytes.get(i + k).copied().unwrap_or(b' ');
    let plural =
        at(0) == b's' || (at(0) == b'\'' && at(1) == b's') || (text.get(i..i + 4) == Some("’s"));
    if plural {
        out.push((start, 3));
    }
    if at(0) == b'/' {
        out.push((start, 4));
    }
    let k = usize::from(at(0) == b' ');
    if (run == 3 || run == 4) && (at(k) == b'-' || text.get(i + k..i + k + 3) == Some("–")) {
        out.push((start, 7));
    }
    let before = text[..start].trim_end_matches(' ');
    if before.ends_with(['$', '€', '£']) || before.ends_with("Rs") || before.ends_with("Rs.") {
        out.push((start, 8));
    }
    // A clock: `10:30`, or an hour with `am`/`p.m.` after it (`3pm`, `3.30 p.m.`).
    let mut k = 0;
    if at(0) == b'.' && at(1).is_ascii_digit() && at(2).is_ascii_digit() {
        k = 3;
    }
    k += usize::from(at(k) == b' ');
    let ampm = matches!(at(k) | 0x20, b'a' | b'p')
        && (at(k + 1) | 0x20 == b'm' || (at(k + 1) == b'.' && at(k + 2) | 0x20 == b'm'));
    if (at(0) == b':' && at(1).is_ascii_digit()) || (run <= 2 && ampm) {
        out.push((start, 5));
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

#[cfg(test)]
mod tests {
    use crate::data::Gazetteers;
    use crate::tag::dates::DateTagger;

    /// Hits do not depend on where the 64-byte blocks of the scan fall: the same text after
    /// any number of spaces (or non-word bytes) gives the same hits, shifted.
    #[test]
    fn hits_are_independent_of_block_boundaries() {
        let tagger = DateTagger::new(&Gazetteers::embedded()).expect("date rules load");
        let anchors = &tagger.rules.anchors;
        let text = "On Tuesday, December 13th 2025 at 3pm, the A320neo flew 1990s-era routes \
                    for 12/13 years ago; £2020 costs in mid-2024 recently, Q1 2025’s yearly";
        let (mut want, mut starts) = (Vec::new(), Vec::new());
        anchors.hits(text, &mut want, &mut starts);
        assert!(want.len() > 20, "{want:?}");
        for pad in ["", " ", "é", "x-"] {
            for n in 0..130 {
                let prefix = pad.repeat(n);
                let mut got = Vec::new();
                anchors.hits(&format!("{prefix}{text}"), &mut got, &mut starts);
                let shifted: Vec<_> =
                    want.iter().map(|&(at, id)| (at + prefix.len(), id)).collect();
                assert_eq!(got, shifted, "after {n} x {pad:?}");
            }
        }
        // A word that runs to the end of the text, and an empty text.
        let mut got = Vec::new();
        starts.clear();
        anchors.hits(&format!("{}2024 x", " ".repeat(60)), &mut got, &mut starts);
        assert_eq!(got, [(60, 0), (60, 2)]);
        assert_eq!(starts, [1 << 60, 2]);
        got.clear();
        starts.clear();
        anchors.hits("", &mut got, &mut starts);
        assert!(got.is_empty() && starts.is_empty());
    }
}
