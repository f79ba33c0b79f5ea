/*!
Shared data and rules of the entity stages (orgs, persons, places).

[`Entities::load`] reads the gazetteers once (`countries.tsv`, `admin1.tsv`, `cities.tsv`,
`regions.tsv`, `place_overrides.tsv`, `orgs.tsv`, `orgs_world.tsv`, `first_names.tsv`,
`titles.txt`, `stopwords.txt`, `org_heads.txt`, `org_cues.txt`, `org_ambiguous.txt`,
`metonymy_verbs.txt`) into one `Lexicon`: every word list and both name gazetteers share one
table, so a token costs one lookup. Names are matched case-sensitively at word starts
(`text::scan`, once per document for the three stages); case variants are generated at load
(the name as written, a capitalised form of an `al-X` alias, and an UPPER CASE form that is only
trusted on all-capitals lines).

The three stages run in the order orgs, persons, places; each adds candidates to the shared
mention list under the one overlap policy of [`overlap`].

Other stages that need a country for a demonym (`Syrian` → `SY`) construct [`Demonyms`] from the
gazetteers (cheap: one small file), or call [`Entities::demonym_country`].
*/
pub mod overlap;
#[cfg(test)]
mod tests;
pub(crate) mod text;

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::data::{DataFile, Gazetteers};
use crate::error::Result;
pub(crate) use crate::hash::FxMap;

/// Flags of a [`Word`].
pub(crate) mod flag {
    /// A capitalised word that is never (part of) a name (`stopwords.txt`).
    pub const STOP: u16 = 1;
    /// A title or role word (`titles.txt`, without a final `.`).
    pub const TITLE: u16 = 1 << 1;
    /// A head noun of organization names (`org_heads.txt`), as written.
    pub const HEAD: u16 = 1 << 2;
    /// A listed first name.
    pub const FIRST: u16 = 1 << 3;
    /// A listed first name that is also a common word (`Grace`, `Will`).
    pub const FIRST_COMMON: u16 = 1 << 4;
    /// Some longer place surface form continues after this string.
    pub const PLACE_MORE: u16 = 1 << 5;
    /// Some longer organization surface form continues after this string.
    pub const ORG_MORE: u16 = 1 << 6;
    /// A noun that makes `<noun> at|with|from <Name>` an organization (`org_cues.txt`).
    pub const ORG_CUE: u16 = 1 << 7;
    /// A verb whose subject, if a country or capital, stands for its government
    /// (`metonymy_verbs.txt`).
    pub const GOV_VERB: u16 = 1 << 8;
    /// An organization alias that is also a common word (`org_ambiguous.txt`): not at a
    /// sentence start or on a Title Case line.
    pub const ORG_AMBIG: u16 = 1 << 9;
}

/// No pattern.
pub(crate) const NONE: u32 = u32::MAX;

/// What the entity lexicon knows about one string: every word list and both name gazetteers
/// share one hash map, so that a token costs one lookup for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Word {
    /// The place pattern this exact string is, or [`NONE`].
    pub place: u32,
    /// The organization pattern this exact string is, or [`NONE`].
    pub org: u32,
    /// [`flag`] bits.
    pub flags: u16,
    /// 1 + the index of the country whose demonym this is (`Syrian`), or 0.
    pub demonym: u16,
    /// For a string that longer names continue ([`flag::PLACE_MORE`], [`flag::ORG_MORE`]):
    /// bit [`next_bit`] of each run of letters and digits that follows it (after one character)
    /// in those names. A name can continue `New` with `York` only if `York`'s bit is set, so
    /// most continuations are ruled out without a lookup (the lookups' cache misses were most
    /// of the time spent extending names).
    pub next: u32,
}

impl Default for Word {
    fn default() -> Word {
        Word::NONE
    }
}

impl Word {
    /// The entry of an unknown string.
    pub const NONE: Word = Word { place: NONE, org: NONE, flags: 0, demonym: 0, next: 0 };

    /// True when any of the flag bits `f` is set.
    pub fn is(&self, f: u16) -> bool {
        self.flags & f != 0
    }
}

/// The hash of a key and its `short` form: the key's bytes read as (at most) two overlapping
/// words, which for a key of at most 8 bytes, with its length, is the key itself, so that
/// such a key is compared without reading the string arena (one cache miss less per hit).
#[inline(always)]
fn hash(b: &[u8]) -> (u64, u64) {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let n = b.len();
    let word = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let half = |i: usize| u64::from(u32::from_le_bytes(b[i..i + 4].try_into().unwrap_or_default()));
    let mut h = (n as u64).wrapping_mul(K);
    let mut i = 0;
    while n - i > 8 {
        h = (h ^ word(i)).wrapping_mul(K).rotate_left(29);
        i += 8;
    }
    let short = match n {
        8.. => word(n - 8),
        4..=7 => half(0) | half(n - 4) << 32,
        1..=3 => u64::from(b[0]) | u64::from(b[n / 2]) << 8 | u64::from(b[n - 1]) << 16,
        0 => 0,
    };
    h = (h ^ short).wrapping_mul(K);
    h ^= h >> 32;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    (h ^ (h >> 29), short)
}

/// The bit of a run of letters and digits in [`Word::next`].
#[inline(always)]
pub(crate) fn next_bit(run: &str) -> u32 {
    // From the length and the first and last bytes: cheap, and enough to tell runs apart.
    let b = run.as_bytes();
    let byte = |c: Option<&u8>| u32::from(c.copied().unwrap_or(0));
    let x = b.len() as u32 ^ byte(b.first()) << 8 ^ byte(b.last()) << 16;
    1 << (x.wrapping_mul(0x9e37_79b9) >> 27)
}

/// A slot of a [`Table`] (32 bytes: two per cache line).
#[derive(Clone, Copy)]
struct Slot {
    /// [`hash`]'s `short` form of the key.
    short: u64,
    /// The key: `arena[off..off + len]`; `off == u32::MAX` marks an empty slot. (No hash bits
    /// are kept: the short form and the length decide almost every comparison alone.)
    off: u32,
    len: u32,
    word: Word,
}

const EMPTY: Slot = Slot { short: 0, off: u32::MAX, len: 0, word: Word::NONE };

/// An open-addressing table, string → [`Word`], over one string arena. A lookup costs about one
/// cache miss: the slot holds the hash, the short form and the entry, and the key bytes are read
/// only for a key longer than 8 bytes whose hash matches (a `HashMap<Box<str>, _>` took three
/// misses and ~10⁵ allocations to build and drop).
struct Table {
    arena: String,
    slots: Vec<Slot>,
    len: usize,
}

impl Table {
    fn with_slots(n: usize) -> Table {
        Table { arena: String::new(), slots: vec![EMPTY; n], len: 0 }
    }

    fn key(&self, slot: &Slot) -> &str {
        &self.arena[slot.off as usize..(slot.off + slot.len) as usize]
    }

    /// The slot index holding `s`, or the empty slot where it would go.
    #[inline(always)]
    fn find(&self, s: &str, (h, short): (u64, u64)) -> usize {
        let mask = self.slots.len() - 1;
        let mut i = h as usize & mask;
        loop {
            let slot = &self.slots[i];
            if slot.off == u32::MAX {
                return i;
            }
            if slot.short == short
                && slot.len as usize == s.len()
                && (s.len() <= 8 || self.key(slot) == s)
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    fn entry(&mut self, s: &str) -> &mut Word {
        self.entry_hashed(s, hash(s.as_bytes()))
    }

    /// [`Table::entry`] with the hash `h` of `s`.
    fn entry_hashed(&mut self, s: &str, h: (u64, u64)) -> &mut Word {
        let mut i = self.find(s, h);
        if self.slots[i].off == u32::MAX {
            // At most three quarters full: a miss then reads about three neighbouring slots.
            if (self.len + 1) * 4 > self.slots.len() * 3 {
                let grown = vec![EMPTY; self.slots.len() * 2];
                let old = std::mem::replace(&mut self.slots, grown);
                for slot in old.into_iter().filter(|s| s.off != u32::MAX) {
                    let key = self.key(&slot);
                    let j = self.find(key, hash(key.as_bytes()));
                    self.slots[j] = slot;
                }
                i = self.find(s, h);
            }
            self.slots[i] = Slot {
                short: h.1,
                off: self.arena.len() as u32,
                len: s.len() as u32,
                word: Word::NONE,
            };
            self.arena.push_str(s);
            self.len += 1;
        }
        &mut self.slots[i].word
    }

    /// The entry of `s` with hash `h`.
    #[inline(always)]
    fn get(&self, s: &str, h: (u64, u64)) -> Word {
        self.slots[self.find(s, h)].word
    }

    /// The entries, to change in place.
    fn words_mut(&mut self) -> impl Iterator<Item = &mut Word> {
        self.slots.iter_mut().filter(|s| s.off != u32::MAX).map(|s| &mut s.word)
    }

    /// The keys and entries.
    fn iter(&self) -> impl Iterator<Item = (&str, Word)> {
        self.slots.iter().filter(|s| s.off != u32::MAX).map(|s| (self.key(s), s.word))
    }
}

/// The shared lexicon: surface string → [`Word`]. Every token of every document is looked up,
/// so the common cases must stay in cache: a lower-case token (most tokens) is looked up in a
/// small table of its own, and any other string first in a Bloom filter.
pub(crate) struct Lexicon {
    all: Table,
    /// A blocked Bloom filter of the keys of `all` (2¹⁵ words of 64 bits, two bits per key in
    /// one word: one cache line per test, ~6% false positives): most capitalised words in no
    /// list fail it without touching the big table.
    bloom: Vec<u64>,
    /// The keys that start with an ASCII lower-case letter and are more than a stopword, without
    /// [`flag::STOP`]: what a lower-case token can need from the lexicon (a few thousand keys, so
    /// the table stays in cache).
    lower: Table,
    /// A 2¹⁶-bit filter (in L1 cache) of the keys of `lower`: most lower-case tokens fail it.
    lower_bits: Vec<u64>,
    /// `bloom` while keys are added, before [`Lexicon::finish`] (set as they are, so that no
    /// key is hashed twice); it becomes `bloom` there.
    filling: Vec<u64>,
}

impl Default for Lexicon {
    fn default() -> Lexicon {
        // Sized for the shipped gazetteers (~3·10⁵ keys, 4 MB of text): growing from a small
        // table re-hashed every key several times at start-up.
        let mut all = Table::with_slots(1 << 19);
        all.arena.reserve(1 << 22);
        Lexicon {
            all,
            bloom: Vec::new(),
            lower: Table::with_slots(1),
            lower_bits: Vec::new(),
            filling: vec![0; 1 << 15],
        }
    }
}

impl Lexicon {
    fn entry(&mut self, s: &str) -> &mut Word {
        let h = hash(s.as_bytes());
        let (k, bits) = Self::bloom_bits(h.0);
        if let Some(f) = self.filling.get_mut(k) {
            *f |= bits;
        }
        self.all.entry_hashed(s, h)
    }

    /// Sets flag `f` on `w` in lower case, Capitalised and UPPER CASE.
    fn add_cased(&mut self, w: &str, f: u16) {
        let lower = w.to_lowercase();
        let mut cs = lower.chars();
        let cap: String =
            cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default();
        for v in [lower.to_uppercase(), cap, lower] {
            self.entry(&v).flags |= f;
        }
    }

    /// The Bloom filter word and bits of hash `h`.
    #[inline]
    fn bloom_bits(h: u64) -> (usize, u64) {
        ((h >> 49) as usize, 1 << (h & 63) | 1 << ((h >> 6) & 63))
    }

    fn finish(&mut self) {
        let mut lower_bits = vec![0u64; 1 << 10];
        let mut lower = Vec::new();
        for (key, w) in self.all.iter() {
            let w = Word { flags: w.flags & !flag::STOP, ..w };
            if key.as_bytes()[0].is_ascii_lowercase() && w != Word::NONE {
                lower.push((key, w));
                let k = (hash(key.as_bytes()).0 >> 48) as usize;
                lower_bits[k / 64] |= 1 << (k % 64);
            }
        }
        let bloom = std::mem::take(&mut self.filling);
        let mut table = Table::with_slots((lower.len() * 2).next_power_of_two());
        for (key, w) in lower {
            *table.entry(key) = w;
        }
        self.bloom = bloom;
        self.lower = table;
        self.lower_bits = lower_bits;
    }

    /// The entry of `s` (all fields empty when unknown).
    #[inline(always)]
    pub fn get(&self, s: &str) -> Word {
        let h = hash(s.as_bytes());
        if !self.bloom.is_empty() {
            let (k, bits) = Self::bloom_bits(h.0);
            if self.bloom[k] & bits != bits {
                return Word::NONE;
            }
        }
        self.all.get(s, h)
    }

    /// The entry of a token: as [`Lexicon::get`], except that a token starting with an ASCII
    /// lower-case letter gets no [`flag::STOP`] (only stopword lists name such words, and
    /// skipping the lookup of `the`, `of` and rare lower-case words is most of a scan's saving).
    #[inline(always)]
    pub fn get_token(&self, s: &str) -> Word {
        if s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && !self.bloom.is_empty() {
            let h = hash(s.as_bytes());
            let k = (h.0 >> 48) as usize;
            if self.lower_bits[k / 64] & (1 << (k % 64)) == 0 {
                return Word::NONE;
            }
            return self.lower.get(s, h);
        }
        self.get(s)
    }

    /// The first half of [`Lexicon::get_token`]: the entry when the small structures decide it
    /// (a lower-case token, or a Bloom filter miss), else the hash to finish with
    /// [`Lexicon::probe`]. Split so that a caller can test many tokens before probing the big
    /// table for any, and the cache misses of the probes overlap.
    #[inline(always)]
    pub fn prefilter_token(&self, s: &str) -> Result<Word, (u64, u64)> {
        if s.as_bytes().first().is_some_and(u8::is_ascii_lowercase) && !self.bloom.is_empty() {
            return Ok(self.get_token(s));
        }
        let h = hash(s.as_bytes());
        if !self.bloom.is_empty() {
            let (k, bits) = Self::bloom_bits(h.0);
            if self.bloom[k] & bits != bits {
                return Ok(Word::NONE);
            }
        }
        Err(h)
    }

    /// The second half of [`Lexicon::get_token`]: the entry of `s`, whose hash is `h`.
    #[inline(always)]
    pub fn probe(&self, s: &str, h: (u64, u64)) -> Word {
        self.all.get(s, h)
    }

    /// True when `s` carries flag `f`.
    pub fn is(&self, s: &str, f: u16) -> bool {
        self.get(s).is(f)
    }
}

/// A place entry: a country, first-level division, city, region, camp or area.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub name: Str,
    /// The country code, one [`Str`] per code.
    pub cc: Str,
    pub admin1: Option<Str>,
    pub feature: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// The name is also an English word or common first name: needs evidence.
    pub common: bool,
    /// A national capital (`countries.tsv` column 7).
    pub capital: bool,
    /// Provenance: `file:line`.
    pub source: Source,
}

/// A string of [`Inner::place_text`]: the strings of the ~10⁵ places share one buffer (a
/// `String` each cost ~1.5·10⁵ allocations at start-up and as many frees at exit).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Str(u32, u32);

/// Builds [`Inner::place_text`], storing each country code once.
#[derive(Default)]
struct PlaceText {
    text: String,
    codes: FxMap<String, Str>,
    /// The code stored last.
    last: Option<Str>,
}

impl PlaceText {
    fn push(&mut self, s: &str) -> Str {
        let start = self.text.len() as u32;
        self.text.push_str(s);
        Str(start, self.text.len() as u32)
    }

    fn code(&mut self, cc: &str) -> Str {
        // Rows come grouped by country: most codes are the last one again.
        if let Some(c) = self.last.filter(|&c| self.get(c) == cc) {
            return c;
        }
        let c = match self.codes.get(cc) {
            Some(&c) => c,
            None => {
                let c = self.push(cc);
                self.codes.insert(cc.to_string(), c);
                c
            }
        };
        self.last = Some(c);
        c
    }

    fn get(&self, s: Str) -> &str {
        &self.text[s.0 as usize..s.1 as usize]
    }
}

/// The fields of a [`Place`] that resolution compares across candidates.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PlaceKey {
    /// Index of the country code in [`Inner::demonym_codes`].
    pub cc: u16,
    /// A city of at least 100,000 people.
    pub big_city: bool,
}

/// An organization entry from `orgs.tsv` or `orgs_world.tsv`.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub name: String,
    pub kind: &'static str,
    pub country: String,
    /// `FILE:LINE` of the entry, for provenance.
    pub source: Source,
}

/// Where a gazetteer entry comes from, shown as `FILE:LINE`: formatted only for the entries
/// that are output (formatting ~10⁵ strings was a tenth of start-up).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Source {
    file: &'static str,
    line: usize,
}

impl Source {
    /// `FILE:LINE`, written without the formatting machinery, which cost twice a clone of a
    /// stored string.
    pub fn rule(&self) -> String {
        let mut digits = [0u8; 20];
        let (mut i, mut n) = (digits.len(), self.line);
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let mut s = String::with_capacity(self.file.len() + 1 + digits.len() - i);
        s.push_str(self.file);
        s.push(':');
        s.extend(digits[i..].iter().map(|&d| char::from(d)));
        s
    }
}

/// Generic words after a name (`Borno state`), which no name surface ends with.
const GENERIC: &[&str] = &["state", "region", "province", "governorate", "oblast", "district"];

/// An entity kind with a name gazetteer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    Place,
    Org,
}

/// One gazetteer entry a pattern stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    /// Index into the entry table.
    pub entry: u32,
    /// True when only the UPPER CASE variant matched: trusted on all-capitals lines only.
    pub upper: bool,
    /// The last entry of its pattern.
    last: bool,
}

/// The surface forms of one name gazetteer: each pattern (a key of the [`Lexicon`]) stands for
/// one or more entries.
///
/// Names are matched at word starts by extending the string through the text's non-word
/// positions (`New` → `New York` → `New York City`) while the lexicon says some longer form
/// continues: no automaton is built (building one for ~10⁵ names dominated start-up), and a
/// word that starts no name costs the one lookup its token needs anyway.
///
/// The hit lists are stored flat, a pattern being the index of its first hit, its last hit
/// marked: one small vector per pattern cost ~10⁵ allocations at start-up and as many frees at
/// exit, and a table of list starts cost a cache miss per name found.
#[derive(Default)]
pub(crate) struct Names {
    hits: Vec<Hit>,
}

/// The surface forms read from a name gazetteer, each with its entry and whether it gets an
/// UPPER CASE form, borrowed from the files (a `String` per form cost ~5·10⁵ allocations and
/// frees at start-up, a copy into one buffer a twentieth of it).
#[derive(Default)]
struct Surfaces<'a> {
    /// `(form, entry, with_upper)`.
    items: Vec<(&'a str, u32, bool)>,
    /// Forms that are left out.
    demonyms: Option<&'a Demonyms>,
}

impl<'a> Surfaces<'a> {
    fn push(&mut self, s: &'a str, entry: u32, with_upper: bool) {
        if self.demonyms.is_some_and(|d| d.country(s).is_some()) {
            return;
        }
        self.items.push((s, entry, with_upper));
    }

    fn iter(&self) -> impl Iterator<Item = (&'a str, u32, bool)> + '_ {
        self.items.iter().copied()
    }
}

impl Names {
    fn build(
        lex: &mut Lexicon,
        kind: NameKind,
        surfaces: &Surfaces,
        strip_articles: bool,
    ) -> Names {
        // (pattern, hit) in the order found, grouped by pattern at the end.
        let mut found: Vec<(u32, Hit)> = Vec::with_capacity(surfaces.items.len() * 2);
        let mut count = 0u32;
        let (more, slot): (u16, fn(&mut Word) -> &mut u32) = match kind {
            NameKind::Place => (flag::PLACE_MORE, |w| &mut w.place),
            NameKind::Org => (flag::ORG_MORE, |w| &mut w.org),
        };
        let mut add = |s: &str, entry: u32, upper: bool| {
            // Each char that is no letter or digit ends a shorter form (bytes of ASCII classed
            // directly: `char_indices` was a tenth of start-up), which the run after the char
            // continues: `(end of the form, start of the run)` of the last such char.
            let mut pending: Option<(usize, usize)> = None;
            let mut more_form = |form: &str, run: &str| {
                let w = lex.entry(form);
                w.flags |= more;
                w.next |= next_bit(run);
            };
            let bytes = s.as_bytes();
            let mut k = 1;
            while k < bytes.len() {
                // ASCII letters and digits skipped eight at a time.
                if let Some(chunk) = bytes.get(k..k + 8) {
                    let x = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
                    let (run, _) = text::swar::run(text::swar::classes(x).0);
                    k += run;
                    if run == 8 {
                        continue;
                    }
                }
                let b = bytes[k];
                k += 1;
                let word = match b {
                    0..0x80 => b.is_ascii_alphanumeric(),
                    0x80..0xc0 => true,
                    // U+00C0..U+027F are letters but for `×` and `÷` (the Unicode tables
                    // were a twentieth of start-up).
                    0xc3 => !matches!(bytes.get(k), Some(0x97 | 0xb7)),
                    0xc4..=0xc9 => true,
                    _ => s[k - 1..].chars().next().is_some_and(char::is_alphanumeric),
                };
                if !word {
                    let k = k - 1;
                    if let Some((end, run)) = pending {
                        more_form(&s[..end], &s[run..k]);
                    }
                    let len = match b {
                        0..0x80 => 1,
                        0x80..0xe0 => 2,
                        0xe0..0xf0 => 3,
                        _ => 4,
                    };
                    pending = Some((k, k + len));
                }
            }
            if let Some((end, run)) = pending {
                more_form(&s[..end], &s[run..]);
            }
            let w = lex.entry(s);
            let id = *slot(w);
            let id = if id == NONE {
                count += 1;
                *slot(w) = count - 1;
                count - 1
            } else {
                id
            };
            found.push((id, Hit { entry, upper, last: false }));
        };
        let mut upper = String::new();
        for (s, entry, with_upper) in surfaces.iter() {
            let s = crate::data::trim(s);
            let s = s.strip_prefix("the ").unwrap_or(s);
            let Some(&b0) = s.as_bytes().first() else { continue };
            // (A string of five bytes or more has two chars: counting them was a twentieth of
            // start-up.)
            let short = s.len() < 5 && s.chars().nth(1).is_none();
            let alpha = if b0 < 0x80 {
                b0.is_ascii_alphabetic()
            } else {
                s.chars().next().is_some_and(char::is_alphabetic)
            };
            if short || !alpha {
                continue;
            }
            // `northeast Syria` is a name; `Borno state`, `Lower Shabelle region` are a name
            // and a generic word, which the mention leaves out.
            let generic = matches!(s.as_bytes().last(), Some(b'e' | b'n' | b't'))
                && GENERIC.iter().any(|g| {
                    s.strip_suffix(g).is_some_and(|rest| rest.is_empty() || rest.ends_with(' '))
                });
            if generic
                || !(b0.is_ascii_uppercase() || s.contains(char::is_uppercase) || text::namey(s))
            {
                continue;
            }
            if with_upper {
                // `str::to_uppercase` maps each char alone too; one buffer spares an allocation
                // per name.
                if s.is_ascii() {
                    if s.bytes().any(|b| b.is_ascii_lowercase()) {
                        upper.clear();
                        upper.push_str(s);
                        upper.make_ascii_uppercase();
                        add(&upper, entry, true);
                    }
                } else {
                    upper.clear();
                    upper.extend(s.chars().flat_map(char::to_uppercase));
                    if upper != s && upper.len() == s.len() {
                        add(&upper, entry, true);
                    }
                }
            }
            if !b0.is_ascii_uppercase() && s.starts_with(char::is_lowercase) {
                let mut cs = s.chars();
                let first: String =
                    cs.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
                add(&(first + cs.as_str()), entry, false);
            }
            add(s, entry, false);
            // `al-Hawija` is also written `Hawija`.
            if strip_articles && matches!(b0, b'a' | b'A') {
                if let Some(bare) =
                    ["al-", "Al-", "al ", "Al "].iter().find_map(|a| s.strip_prefix(a))
                {
                    if bare.chars().count() >= 4 && text::namey(bare) {
                        add(bare, entry, false);
                    }
                }
            }
        }
        let (names, starts) = Names::group(count as usize, found);
        for w in lex.all.words_mut() {
            let id = slot(w);
            if *id != NONE {
                *id = starts[*id as usize];
            }
        }
        names
    }

    /// Groups `found` by pattern (a stable counting sort), keeping each entry once per pattern
    /// at its first place: an entry is `upper` only when all its surfaces were.
    /// Returns the names and where each pattern's hits start.
    fn group(count: usize, found: Vec<(u32, Hit)>) -> (Names, Vec<u32>) {
        let mut ends = vec![0u32; count + 1];
        for &(p, _) in &found {
            ends[p as usize + 1] += 1;
        }
        for p in 0..count {
            ends[p + 1] += ends[p];
        }
        let mut next = ends.clone();
        let mut sorted = vec![Hit { entry: 0, upper: false, last: false }; found.len()];
        for (p, h) in found {
            sorted[next[p as usize] as usize] = h;
            next[p as usize] += 1;
        }
        let mut starts = Vec::with_capacity(count + 1);
        let mut hits: Vec<Hit> = Vec::with_capacity(sorted.len());
        starts.push(0);
        for p in 0..count {
            let first = hits.len();
            for h in &sorted[ends[p] as usize..ends[p + 1] as usize] {
                match hits[first..].iter_mut().find(|x| x.entry == h.entry) {
                    Some(x) => x.upper &= h.upper,
                    None => hits.push(*h),
                }
            }
            if let Some(h) = hits.last_mut() {
                h.last = true;
            }
            starts.push(hits.len() as u32);
        }
        (Names { hits }, starts)
    }

    /// The entries of pattern `pid`.
    pub fn hits(&self, pid: u32) -> &[Hit] {
        let rest = self.hits.get(pid as usize..).unwrap_or_default();
        let n = rest.iter().position(|h| h.last).map_or(rest.len(), |k| k + 1);
        &rest[..n]
    }
}

/// Demonyms (`Syrian`, `Syrians`, `Afghan`) with the ISO 3166-1 alpha-2 code of their country.
#[derive(Debug, Clone, Default)]
pub struct Demonyms {
    map: FxMap<String, String>,
    /// Bit [`Demonyms::sig`] of every demonym: most other words fail it without hashing (every
    /// place name is tested at start-up).
    sigs: Vec<u64>,
}

impl Demonyms {
    /// Reads the demonym column of `countries.tsv`.
    pub fn load(gazetteers: &Gazetteers) -> Result<Demonyms> {
        let file = gazetteers.file("countries.tsv")?;
        let mut map = FxMap::default();
        let mut sigs = vec![0u64; 1 << 10];
        for row in file.rows(4) {
            let row = row?;
            for d in row.list(3) {
                let k = Self::sig(d);
                sigs[k / 64] |= 1 << (k % 64);
                map.entry(d.to_string()).or_insert_with(|| row.get(0).to_string());
            }
        }
        Ok(Demonyms { map, sigs })
    }

    /// 16 bits from the length and the first and last bytes of `w`.
    fn sig(w: &str) -> usize {
        let b = w.as_bytes();
        let byte = |c: Option<&u8>| usize::from(c.copied().unwrap_or(0) & 63);
        (b.len() & 15) << 12 | byte(b.first()) << 6 | byte(b.last())
    }

    /// The country code of a demonym as written (`Syrian` → `SY`), if it is one.
    pub fn country(&self, word: &str) -> Option<&str> {
        let k = Self::sig(word);
        if self.sigs.get(k / 64).is_some_and(|s| s & 1 << (k % 64) == 0) {
            return None;
        }
        self.map.get(word).map(String::as_str)
    }
}

/// The shared entity data: gazetteers compiled once, shared by the three stages (cheap to
/// clone).
#[derive(Clone)]
pub struct Entities(pub(crate) Arc<Inner>);

/// What [`Entities`] holds.
pub(crate) struct Inner {
    /// Distinguishes loads, so that a per-thread scan cache never serves another gazetteer set.
    pub generation: u64,
    pub places: Vec<Place>,
    /// The strings of `places`.
    pub place_text: String,
    pub place_names: Names,
    pub orgs: Vec<Org>,
    pub org_names: Names,
    pub demonyms: Demonyms,
    /// Country codes: [`Word::demonym`] indexes them (minus one), and [`PlaceKey::cc`] too.
    pub demonym_codes: Vec<String>,
    /// What resolution compares of each place (parallel to `places`), packed so that comparing
    /// the candidates of a name reads no place entry.
    pub place_keys: Vec<PlaceKey>,
    /// Every word list and both name gazetteers.
    pub lex: Lexicon,
    /// Sports named at the start of a headline (`SOCCER`).
    pub sports_headlines: HashSet<String>,
    /// Lower-case words of sports reports (`beat`, `halftime`), as one small automaton.
    pub sports_cues: AhoCorasick,
}

impl Inner {
    /// A string of a place.
    pub fn str(&self, s: Str) -> &str {
        &self.place_text[s.0 as usize..s.1 as usize]
    }

    /// The lexicon entry of `s`.
    pub fn word(&self, s: &str) -> Word {
        self.lex.get(s)
    }

    /// The place entries of an exact surface form, if it is one.
    pub fn place_lookup(&self, s: &str) -> Option<&[Hit]> {
        let p = self.lex.get(s).place;
        (p != NONE).then(|| self.place_names.hits(p))
    }

    /// True when `s` is exactly a place name.
    pub fn is_place(&self, s: &str) -> bool {
        self.lex.get(s).place != NONE
    }

    /// True when `s` is exactly an organization name.
    pub fn is_org(&self, s: &str) -> bool {
        self.lex.get(s).org != NONE
    }

    /// The organization entries of an exact surface form, if it is one.
    pub fn org_lookup(&self, s: &str) -> Option<&[Hit]> {
        let p = self.lex.get(s).org;
        (p != NONE).then(|| self.org_names.hits(p))
    }

    /// The country code of a demonym entry.
    pub fn demonym_cc(&self, w: Word) -> Option<&str> {
        (w.demonym > 0).then(|| self.demonym_codes[w.demonym as usize - 1].as_str())
    }

    /// The country code index ([`PlaceKey::cc`]) of a demonym entry.
    pub fn demonym_cc_id(&self, w: Word) -> Option<u16> {
        (w.demonym > 0).then(|| w.demonym - 1)
    }
}

fn parse_f64(file: &DataFile, line: usize, s: &str) -> Result<Option<f64>> {
    if s.is_empty() {
        return Ok(None);
    }
    if let Some(x) = short_decimal(s) {
        return Ok(Some(x));
    }
    s.parse().map(Some).map_err(|_| file.error(line, format!("not a number: {s:?}")))
}

/// The value of `-?D+.D+` with at most 15 digits (coordinates), exactly as `str::parse` gives
/// it: the digits as an integer and the power of ten are both exact `f64`s, and one division
/// rounds correctly (the parser's own fast path, without its general machinery: parsing the
/// ~10⁵ coordinates was a twentieth of start-up). `None` for any other form.
fn short_decimal(s: &str) -> Option<f64> {
    const POW10: [f64; 16] =
        [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
    let (neg, b) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        b => (false, b),
    };
    let dot = b.iter().position(|&c| c == b'.')?;
    if dot == 0 || dot + 1 == b.len() || b.len() > 16 {
        return None;
    }
    let mut m = 0u64;
    for (i, &c) in b.iter().enumerate() {
        if i != dot {
            if !c.is_ascii_digit() {
                return None;
            }
            m = m * 10 + u64::from(c - b'0');
        }
    }
    let x = m as f64 / POW10[b.len() - dot - 1];
    Some(if neg { -x } else { x })
}

impl Entities {
    /// Loads the shared entity data and builds the automata.
    pub fn load(gazetteers: &Gazetteers) -> Result<Entities> {
        // Sized for the cities (most places) up front: growing the buffers re-copied them.
        let cities = gazetteers.file("cities.tsv")?;
        let n = memchr::memchr_iter(b'\n', cities.text().as_bytes()).count() + 8192;
        let mut places = Vec::with_capacity(n);
        let mut pt = PlaceText { text: String::with_capacity(n * 16), ..PlaceText::default() };
        // A demonym is never a place (`German` is also a parish of the Isle of Man).
        let demonyms = Demonyms::load(gazetteers)?;
        let mut place_surfaces =
            Surfaces { items: Vec::with_capacity(n * 4), demonyms: Some(&demonyms) };
        let mut centroid: FxMap<&str, (f64, f64)> = FxMap::default();
        let mut capitals: FxMap<&str, &str> = FxMap::default();

        let file = gazetteers.file("countries.tsv")?;
        for row in file.rows(6) {
            let row = row?;
            let lat = parse_f64(&file, row.line, row.get(4))?.unwrap_or(0.0);
            let lon = parse_f64(&file, row.line, row.get(5))?.unwrap_or(0.0);
            centroid.insert(row.get(0), (lat, lon));
            if !row.get(6).is_empty() {
                capitals.insert(row.get(0), row.get(6));
            }
            let id = places.len() as u32;
            places.push(Place {
                name: pt.push(row.get(1)),
                cc: pt.code(row.get(0)),
                admin1: None,
                feature: "country",
                lat,
                lon,
                population: u64::MAX,
                common: false,
                capital: false,
                source: Source { file: "countries.tsv", line: row.line },
            });
            place_surfaces.push(row.get(1), id, true);
            for a in row.list(2) {
                place_surfaces.push(a, id, true);
            }
        }

        let file = gazetteers.file("admin1.tsv")?;
        let mut admin1_names: FxMap<&str, Str> = FxMap::default();
        for row in file.rows(3) {
            let row = row?;
            let cc = row.get(0);
            let (clat, clon) = centroid.get(cc).copied().unwrap_or((0.0, 0.0));
            let lat = parse_f64(&file, row.line, row.get(4))?.unwrap_or(clat);
            let lon = parse_f64(&file, row.line, row.get(5))?.unwrap_or(clon);
            let name = pt.push(row.get(2));
            admin1_names.insert(row.get(1), name);
            let id = places.len() as u32;
            places.push(Place {
                name,
                cc: pt.code(cc),
                admin1: Some(name),
                feature: "admin1",
                lat,
                lon,
                population: 0,
                common: row.get(6) == "1",
                capital: false,
                source: Source { file: "admin1.tsv", line: row.line },
            });
            place_surfaces.push(row.get(2), id, true);
            for a in row.list(3) {
                place_surfaces.push(a, id, true);
            }
        }

        let file = cities;
        let mut key = String::new();
        for row in file.rows(8) {
            let row = row?;
            let cc = row.get(2);
            let id = places.len() as u32;
            key.clear();
            key.extend([cc, ".", row.get(3)]);
            places.push(Place {
                name: pt.push(row.get(1)),
                cc: pt.code(cc),
                admin1: admin1_names.get(key.as_str()).copied(),
                feature: "city",
                lat: parse_f64(&file, row.line, row.get(4))?.unwrap_or(0.0),
                lon: parse_f64(&file, row.line, row.get(5))?.unwrap_or(0.0),
                population: row.get(6).parse().unwrap_or(0),
                common: row.get(7) == "1",
                capital: capitals
                    .get(cc)
                    .is_some_and(|&c| c == row.get(1) || row.list(8).any(|a| a == c)),
                source: Source { file: "cities.tsv", line: row.line },
            });
            place_surfaces.push(row.get(1), id, true);
            // City aliases get no UPPER CASE form: capitals lines and datelines use main names,
            // and it halves the automaton.
            for a in row.list(8) {
                place_surfaces.push(a, id, false);
            }
        }

        // Hand-curated areas; optional so that a build without them still runs.
        let areas = ["regions.tsv", "place_overrides.tsv"]
            .into_iter()
            .filter(|&name| Gazetteers::names().any(|n| n == name))
            .map(|name| Ok((name, gazetteers.file(name)?)))
            .collect::<Result<Vec<_>>>()?;
        for &(name, ref file) in &areas {
            for row in file.rows(5) {
                let row = row?;
                let cc = row.get(1);
                let (clat, clon) = centroid.get(cc).copied().unwrap_or((0.0, 0.0));
                let id = places.len() as u32;
                let feature = match row.get(2) {
                    "camp" => "camp",
                    "area" => "area",
                    "water" => "water",
                    "city" => "city",
                    "admin1" => "admin1",
                    "county" => "county",
                    _ => "region",
                };
                places.push(Place {
                    name: pt.push(row.get(0)),
                    cc: pt.code(cc),
                    admin1: None,
                    feature,
                    lat: parse_f64(file, row.line, row.get(3))?.unwrap_or(clat),
                    lon: parse_f64(file, row.line, row.get(4))?.unwrap_or(clon),
                    population: u64::MAX / 2,
                    common: false,
                    capital: false,
                    source: Source { file: name, line: row.line },
                });
                place_surfaces.push(row.get(0), id, true);
                for a in row.list(5) {
                    place_surfaces.push(a, id, true);
                }
            }
        }

        // The hand-curated core first: where both files list a surface form, the core's entry
        // wins (the automaton keeps the first entry of a surface).
        let mut orgs = Vec::new();
        let mut org_surfaces = Surfaces::default();
        let org_files = ["orgs.tsv", "orgs_world.tsv"]
            .into_iter()
            .map(|name| Ok((name, gazetteers.file(name)?)))
            .collect::<Result<Vec<_>>>()?;
        for &(name, ref file) in &org_files {
            for row in file.rows(2) {
                let row = row?;
                const TYPES: &[&str] = &[
                    "armed_group",
                    "igo",
                    "ngo",
                    "military",
                    "government",
                    "police",
                    "party",
                    "media",
                    "company",
                    "sports",
                    "other",
                ];
                let Some(&kind) = TYPES.iter().find(|&&t| t == row.get(1)) else {
                    return Err(file.error(row.line, format!("unknown org type {:?}", row.get(1))));
                };
                // `Dawn (newspaper)`: the qualifier only tells homonyms apart; it is neither
                // output nor matched.
                let canonical = row.get(0);
                let (shown, qualified) = match canonical.split_once(" (") {
                    Some((bare, _)) if canonical.ends_with(')') => (bare, true),
                    _ => (canonical, false),
                };
                let id = orgs.len() as u32;
                orgs.push(Org {
                    name: shown.to_string(),
                    kind,
                    country: row.get(2).to_string(),
                    source: Source { file: name, line: row.line },
                });
                if !qualified {
                    org_surfaces.push(shown, id, true);
                }
                for a in row.list(3) {
                    org_surfaces.push(a, id, true);
                }
            }
        }

        let mut lex = Lexicon::default();
        let place_names = Names::build(&mut lex, NameKind::Place, &place_surfaces, true);
        let org_names = Names::build(&mut lex, NameKind::Org, &org_surfaces, false);
        let file = gazetteers.file("first_names.tsv")?;
        for r in file.rows(1) {
            let r = r?;
            let common = if r.get(1) == "1" { flag::FIRST_COMMON } else { 0 };
            lex.entry(r.get(0)).flags |= flag::FIRST | common;
        }
        for (name, f) in [
            ("titles.txt", flag::TITLE),
            ("stopwords.txt", flag::STOP),
            ("org_cues.txt", flag::ORG_CUE),
            ("metonymy_verbs.txt", flag::GOV_VERB),
        ] {
            let file = gazetteers.file(name)?;
            for w in crate::data::word_list(&file) {
                lex.add_cased(w.trim_end_matches('.'), f);
            }
        }
        for (name, f) in [("org_heads.txt", flag::HEAD), ("org_ambiguous.txt", flag::ORG_AMBIG)] {
            let file = gazetteers.file(name)?;
            for w in crate::data::word_list(&file) {
                lex.entry(w).flags |= f;
            }
        }
        let mut demonym_codes: Vec<String> = Vec::new();
        let mut code_ids: FxMap<&str, u16> = FxMap::default();
        let mut code_id = |cc| {
            *code_ids.entry(cc).or_insert_with(|| {
                demonym_codes.push(cc.to_string());
                (demonym_codes.len() - 1) as u16
            })
        };
        for (d, cc) in &demonyms.map {
            lex.entry(d).demonym = code_id(cc) + 1;
        }
        let mut last: Option<(Str, u16)> = None;
        let place_keys = places
            .iter()
            .map(|p| {
                let cc = match last {
                    Some((s, id)) if s == p.cc => id,
                    _ => code_id(pt.get(p.cc)),
                };
                last = Some((p.cc, cc));
                PlaceKey { cc, big_city: p.feature == "city" && p.population >= 100_000 }
            })
            .collect();
        lex.finish();

        let file = gazetteers.file("sports_cues.txt")?;
        let (mut sports_headlines, mut sports_cues) = (HashSet::new(), Vec::new());
        for (line, text) in file.lines() {
            match text.split_once(' ') {
                Some(("headline", w)) => sports_headlines.insert(w.trim().to_string()),
                Some(("cue", w)) => {
                    sports_cues.push(w.trim().to_string());
                    true
                }
                _ => return Err(file.error(line, "expected `headline WORD` or `cue WORD`")),
            };
        }
        static GENERATION: AtomicU64 = AtomicU64::new(0);

        Ok(Entities(Arc::new(Inner {
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            place_names,
            places,
            place_text: pt.text,
            org_names,
            orgs,
            demonyms,
            demonym_codes,
            place_keys,
            lex,
            sports_headlines,
            sports_cues: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&sports_cues)
                .map_err(|e| file.error(0, format!("cannot build automaton: {e}")))?,
        })))
    }

    /// The country code of a demonym as written (`Syrian` → `SY`), if it is one.
    pub fn demonym_country(&self, word: &str) -> Option<&str> {
        self.0.demonyms.country(word)
    }
}
