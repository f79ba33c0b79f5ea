/*! The quote stage's word lists: speech verbs and word classes, loaded once from gazetteers. */
use crate::data::{word_list, Gazetteers};
use crate::error::Result;
use crate::hash::{FxMap, FxSet};

/// Word classes of `quote_words.tsv`, as bit flags (a word may have several).
pub(super) mod class {
    pub const HE: u16 = 1;
    pub const SHE: u16 = 1 << 1;
    pub const IT: u16 = 1 << 2;
    pub const THEY: u16 = 1 << 3;
    pub const FIRST_PERSON: u16 = 1 << 4;
    pub const TITLE_M: u16 = 1 << 5;
    pub const TITLE_F: u16 = 1 << 6;
    pub const TITLE: u16 = 1 << 7;
    pub const ROLE: u16 = 1 << 8;
    pub const DET: u16 = 1 << 9;
    pub const AUX: u16 = 1 << 10;
    pub const BREAK: u16 = 1 << 11;
    pub const NAMING: u16 = 1 << 12;
    pub const PREP: u16 = 1 << 13;
    pub const ACCORDING: u16 = 1 << 14;
    /// Any title, gendered or not.
    pub const ANY_TITLE: u16 = TITLE | TITLE_M | TITLE_F;
    /// Third-person pronouns that can name a speaker.
    pub const PRONOUN: u16 = HE | SHE | IT | THEY;
}

/// Speech verbs, word classes and first names, each with the shapes of its words.
pub(super) struct Lexicon {
    verbs: FxSet<String>,
    /// The speech verbs [`pack`] takes, by packed key.
    short_verbs: FxSet<u128>,
    /// Bits of the packed short verbs' hashes ([`KeyBits`]): most words are no verb and are
    /// ruled out without a hash-set lookup.
    verb_bits: KeyBits,
    /// Classes of the words [`pack`] takes, by packed key: no string hashing or comparing.
    short_classes: FxMap<u128, u16>,
    /// Bits of the packed class words' hashes, as `verb_bits`.
    class_bits: KeyBits,
    /// Classes of the other words (long or not ASCII).
    classes: FxMap<String, u16>,
    /// First names of up to 15 bytes, packed as written ([`pack_exact`]): 36,000 names load
    /// without one allocation each.
    short_names: FxSet<u128>,
    /// The longer first names.
    long_names: FxSet<String>,
    verb_shapes: Shapes,
    class_shapes: Shapes,
    name_shapes: Shapes,
}

/// The shapes (first letter in lower case, length) of the words of a list: most words of a
/// text are ruled out by their shape, without lower-casing or hashing them.
struct Shapes([u32; 64]);

impl Shapes {
    fn of<'a>(words: impl Iterator<Item = &'a str>) -> Shapes {
        let mut shapes = Shapes([0; 64]);
        for w in words {
            if let Some(&b) = w.as_bytes().first() {
                shapes.0[usize::from(b.to_ascii_lowercase() & 63)] |= 1 << w.len().min(31);
            }
        }
        shapes
    }

    /// False when no word of the list can equal `word` up to ASCII case (a non-ASCII word
    /// may change length in lower case: it always may).
    fn may_hold(&self, word: &str) -> bool {
        match word.as_bytes().first() {
            Some(&b) if word.is_ascii() => {
                self.0[usize::from(b.to_ascii_lowercase() & 63)] & (1 << word.len().min(31)) != 0
            }
            _ => true,
        }
    }
}

impl Lexicon {
    /// Loads `speech_verbs.txt`, `quote_words.tsv` and the first names of `first_names.tsv`.
    pub fn load(gazetteers: &Gazetteers) -> Result<Lexicon> {
        let verbs_file = gazetteers.file("speech_verbs.txt")?;
        let verbs: FxSet<String> =
            word_list(&verbs_file).into_iter().map(str::to_lowercase).collect();
        let words_file = gazetteers.file("quote_words.tsv")?;
        let mut classes: FxMap<String, u16> = FxMap::default();
        for row in words_file.tsv(2)? {
            let bit = match row.get(1) {
                "pronoun_m" => class::HE,
                "pronoun_f" => class::SHE,
                "pronoun_org" => class::IT,
                "pronoun_pl" => class::THEY,
                "first_person" => class::FIRST_PERSON,
                "title_m" => class::TITLE_M,
                "title_f" => class::TITLE_F,
                "title" => class::TITLE,
                "role" => class::ROLE,
                "det" => class::DET,
                "aux" => class::AUX,
                "break" => class::BREAK,
                "naming" => class::NAMING,
                "prep" => class::PREP,
                "according" => class::ACCORDING,
                other => return Err(words_file.error(row.line, format!("unknown class {other:?}"))),
            };
            *classes.entry(row.get(0).to_lowercase()).or_default() |= bit;
        }
        let names_file = gazetteers.file("first_names.tsv")?;
        let names = first_names(names_file.text());
        let mut short_names = FxSet::with_capacity_and_hasher(names.len(), Default::default());
        let mut long_names = FxSet::default();
        for &name in &names {
            match pack_exact(name) {
                Some(key) => short_names.insert(key),
                None => long_names.insert(name.to_string()),
            };
        }
        let (verb_shapes, class_shapes, name_shapes) = (
            Shapes::of(verbs.iter().map(String::as_str)),
            Shapes::of(classes.keys().map(String::as_str)),
            Shapes::of(names.iter().copied()),
        );
        let short_verbs: FxSet<u128> = verbs.iter().filter_map(|w| pack(w.as_bytes())).collect();
        let verb_bits = KeyBits::of(short_verbs.iter().copied());
        let short_classes: FxMap<u128, u16> =
            classes.iter().filter_map(|(w, &bits)| Some((pack(w.as_bytes())?, bits))).collect();
        classes.retain(|w, _| pack(w.as_bytes()).is_none());
        Ok(Lexicon {
            verbs,
            class_bits: KeyBits::of(short_classes.keys().copied()),
            short_verbs,
            verb_bits,
            short_classes,
            classes,
            short_names,
            long_names,
            verb_shapes,
            class_shapes,
            name_shapes,
        })
    }

    /// True for a speech verb form (`said`, `tweets`); case-insensitive so that a
    /// sentence-initial `Said` counts.
    pub fn is_verb(&self, word: &str) -> bool {
        if !self.verb_shapes.may_hold(word) {
            return false;
        }
        if let Some(key) = pack(word.as_bytes()) {
            // a short ASCII word: the verbs are lower case, so an exact or first-letter-lowered
            // match is a match of the packed (lower-cased) word with no capital after the first
            let rest = word.as_bytes().get(1..).unwrap_or_default();
            return !rest.iter().any(u8::is_ascii_uppercase)
                && self.verb_bits.may_hold(key)
                && self.short_verbs.contains(&key);
        }
        let first_upper = word.chars().next().is_some_and(char::is_uppercase);
        let rest_lower = word.chars().skip(1).all(|c| !c.is_uppercase());
        rest_lower
            && (self.verbs.contains(word)
                || first_upper && with_lowercase(word, |w| self.verbs.contains(w)))
    }

    /// The class bits of `word`. Titles count only when capitalised (`President`, not
    /// `president`).
    pub fn classes(&self, word: &str) -> u16 {
        if !self.class_shapes.may_hold(word) {
            return 0;
        }
        let bits = match pack(word.as_bytes()) {
            Some(key) if !self.class_bits.may_hold(key) => None,
            Some(key) => self.short_classes.get(&key).copied(),
            // a non-ASCII word may lower-case to a short ASCII one (`K`, the Kelvin sign)
            None => with_lowercase(word, |w| match pack(w.as_bytes()) {
                Some(key) => self.short_classes.get(&key).copied(),
                None => self.classes.get(w).copied(),
            }),
        }
        .unwrap_or(0);
        let upper = match word.as_bytes().first() {
            Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
            _ => word.chars().next().is_some_and(char::is_uppercase),
        };
        if upper {
            bits
        } else {
            bits & !class::ANY_TITLE
        }
    }

    /// True when `word` has any of the class bits in `mask`.
    pub fn is(&self, word: &str, mask: u16) -> bool {
        self.classes(word) & mask != 0
    }

    /// True for a common first name (not also an everyday word).
    pub fn is_first_name(&self, word: &str) -> bool {
        self.name_shapes.may_hold(word)
            && match pack_exact(word) {
                Some(key) => self.short_names.contains(&key),
                None => self.long_names.contains(word),
            }
    }
}

/// One bit per hash of the packed keys of a table ([`pack`]): a clear bit rules a key out
/// with a multiplication and one read from 1 KiB, before any hash-set lookup.
struct KeyBits(Box<[u64; 128]>);

impl KeyBits {
    fn of(keys: impl Iterator<Item = u128>) -> KeyBits {
        let mut bits = KeyBits(Box::new([0; 128]));
        for key in keys {
            let h = KeyBits::hash(key);
            bits.0[h / 64] |= 1 << (h % 64);
        }
        bits
    }

    /// Thirteen bits of a hash of `key`.
    fn hash(key: u128) -> usize {
        let mixed = (key as u64) ^ ((key >> 64) as u64).rotate_left(23);
        (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 51) as usize
    }

    /// False when `key` is surely not in the table.
    fn may_hold(&self, key: u128) -> bool {
        let h = KeyBits::hash(key);
        self.0[h / 64] >> (h % 64) & 1 != 0
    }
}

/// An ASCII word of up to 15 bytes, lower-cased, as one integer: its bytes and its length (an
/// ASCII word lower-cases to the same length, so it can only equal a key of this kind).
fn pack(word: &[u8]) -> Option<u128> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    if word.len() > 15 {
        return None;
    }
    // eight bytes at a time: an ASCII test and an upper- to lower-case fold for all of them
    let mut bytes = [0u8; 16];
    bytes[..word.len()].copy_from_slice(word);
    let half = |i: usize| {
        let mut b = [0u8; 8];
        b.copy_from_slice(&bytes[i..i + 8]);
        u64::from_le_bytes(b)
    };
    let (lo, hi) = (half(0), half(8));
    if (lo | hi) & HIGH != 0 {
        return None;
    }
    // the high bit of each byte in `A..=Z`, moved to the case bit
    let upper = |x: u64| {
        let at_least = x.wrapping_add(ONES * u64::from(0x80 - b'A'));
        let above = x.wrapping_add(ONES * u64::from(0x7f - b'Z'));
        (at_least & !above & HIGH) >> 2
    };
    let (lo, hi) = (lo | upper(lo), hi | upper(hi));
    Some((word.len() as u128) << 120 | u128::from(hi) << 64 | u128::from(lo))
}

/// The names of `first_names.tsv` that are not also everyday words (second column `1`), read
/// as the file's TSV rows are (comment and blank lines skipped, columns trimmed) but without a
/// vector per row, and with plain byte loops: the file has 36,000 short rows, on which a
/// `memchr` call costs more than it saves.
fn first_names(text: &str) -> Vec<&str> {
    let at = |s: &str, byte: u8| s.bytes().position(|b| b == byte);
    let mut out = Vec::with_capacity(text.len() / 8);
    let mut rest = text;
    while !rest.is_empty() {
        let end = at(rest, b'\n').unwrap_or(rest.len());
        let line = rest[..end].trim_end();
        rest = rest.get(end + 1..).unwrap_or_default();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (name, common) = match at(line, b'\t') {
            Some(tab) => {
                let cols = &line[tab + 1..];
                let second = at(cols, b'\t').map_or(cols, |t| &cols[..t]);
                (&line[..tab], second.trim() == "1")
            }
            None => (line, false),
        };
        if !common {
            out.push(name.trim());
        }
    }
    out
}

/// A word of up to 15 bytes as one integer, exactly as written: its bytes and its length.
fn pack_exact(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    let mut key = [0u8; 16];
    key.get_mut(..bytes.len())?.copy_from_slice(bytes);
    key[15] = u8::try_from(bytes.len()).ok().filter(|&n| n < 16)?;
    Some(u128::from_le_bytes(key))
}

/// Calls `f` with `word` lower-cased, without allocating for short ASCII words (the common case:
/// this runs for every capitalised token).
fn with_lowercase<T>(word: &str, f: impl FnOnce(&str) -> T) -> T {
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
        return f(word);
    }
    let mut buf = [0u8; 32];
    if word.is_ascii() && word.len() <= buf.len() {
        let buf = &mut buf[..word.len()];
        buf.copy_from_slice(word.as_bytes());
        buf.make_ascii_lowercase();
        // ASCII in, ASCII out: always valid UTF-8
        if let Ok(lower) = std::str::from_utf8(buf) {
            return f(lower);
        }
    }
    f(&word.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::{pack, KeyBits};

    #[test]
    fn key_bits_hold_every_key_and_rule_out_most_others() {
        let key = |w: &str| pack(w.as_bytes()).expect("short ASCII");
        let keys = ["said", "tells", "according", "mr."].map(key);
        let bits = KeyBits::of(keys.iter().copied());
        assert!(keys.iter().all(|&k| bits.may_hold(k)));
        // upper case packs as lower case
        assert!(bits.may_hold(key("Said")));
        let others = (0..1000).filter(|i| bits.may_hold(key(&format!("w{i}")))).count();
        assert!(others < 50, "{others} of 1000 other words pass");
    }
}
