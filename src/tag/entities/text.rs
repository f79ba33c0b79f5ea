/*!
Word tokens with the capitalisation facts the entity stages reason about, and the per-document
[`Scan`]: tokens with their lexicon entries and the gazetteer name matches, computed once per
document and shared by the three entity stages (never stored in the [`crate::doc::Document`]).
*/
use std::cell::RefCell;
use std::rc::Rc;

use super::{flag, next_bit, Inner, Word, NONE};
use crate::doc::Span;

/// A word: a run of letters and digits, with inner `-`, `.`, `&`, `'` or `’` kept when a letter
/// or digit follows (`al-Sharaa`, `U.S`, `O'Brien`), but a possessive `'s`/`’s` left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tok {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
    /// True when the first character is upper case.
    pub cap: bool,
    /// True when it has at least two letters and no lower-case letter (`NATO`, `ISIS`).
    pub caps: bool,
    /// True when only spaces or tabs separate it from the previous token (no punctuation, no
    /// line break), so that both can belong to one name.
    pub joined: bool,
    /// True when it starts a sentence, line or quotation: capitalisation is weak evidence there.
    pub sent_start: bool,
    /// True when its line has no lower-case letter (a headline or dateline in capitals).
    pub caps_line: bool,
    /// True when most words of its line are capitalised (a Title Case headline), where
    /// capitals say nothing about names.
    pub title_line: bool,
    /// [`namey`] of its text.
    pub namey: bool,
    /// True when an inner `-`, `.`, `&` or `'` joins several runs of letters and digits.
    pub multi: bool,
    /// Its lexicon entry (word lists, demonym, exact gazetteer name), from
    /// [`super::Lexicon::get_token`]: a lower-case token never has [`flag::STOP`].
    pub w: Word,
}

impl Tok {
    /// The token's text.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// A document's tokens and gazetteer matches `(start, end, pattern)`, leftmost-longest per
/// gazetteer, on word boundaries.
#[derive(Default)]
pub(crate) struct Scan {
    /// The tokens.
    pub toks: Vec<Tok>,
    /// Place name matches.
    pub places: Vec<(usize, usize, u32)>,
    /// Organization name matches.
    pub orgs: Vec<(usize, usize, u32)>,
    /// Credit lines (`Reporting by ...; Editing by ...`).
    pub credits: Vec<Span>,
    /// Scratch: tokens whose entry needs a probe of the big table, with their hash.
    probes: Vec<(usize, (u64, u64))>,
}

thread_local! {
    /// The last document scanned on this thread. The three entity stages run one after the
    /// other on the same document and thread, and the document model has no place for
    /// per-document scratch data, so this per-thread memo spares two of three scans. The text
    /// is compared in full (a memcmp) with the lexicon's generation, so a hit is always right.
    static LAST: RefCell<(u64, String, Rc<Scan>)> = Default::default();
}

/// The scan of `text`, computed once per document and thread.
pub(crate) fn scan(e: &Inner, text: &str) -> Rc<Scan> {
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        if last.0 != e.generation || last.1 != text {
            // The stages have dropped their handles by now: refill the buffers in place, so
            // that a document costs no allocation once they have grown.
            match Rc::get_mut(&mut last.2) {
                Some(s) => build_scan(e, text, s),
                None => {
                    let mut s = Scan::default();
                    build_scan(e, text, &mut s);
                    last.2 = Rc::new(s);
                }
            }
            last.0 = e.generation;
            last.1.clear();
            last.1.push_str(text);
        }
        last.2.clone()
    })
}

/// The lines that credit journalists (`Reporting by ...`), into `out` (cleared first). Not
/// inlined: inlined, it made the compiler lay out [`build_scan`]'s token loops worse (+7% Ir).
#[inline(never)]
fn credit_lines(text: &str, out: &mut Vec<Span>) {
    out.clear();
    for at in memchr::memmem::find_iter(text.as_bytes(), " by ") {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let lead = text[line_start..at].trim_start_matches(['(', '[', ' ']);
        let credit =
            ["Reporting", "Additional reporting", "Editing", "Writing", "Compiled", "Reported"]
                .contains(&lead);
        if credit {
            let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
            out.push(Span::new(line_start, end));
        }
    }
}

/// The end of the run of letters and digits starting at `from`.
fn run_end(text: &str, from: usize) -> usize {
    let bytes = text.as_bytes();
    let mut j = from;
    while let Some(&b) = bytes.get(j) {
        if b < 0x80 {
            if class::OF[b as usize] & class::WORD == 0 {
                break;
            }
            j += 1;
        } else {
            let c = wide_char(text, j);
            if !is_word_char(c) {
                break;
            }
            j += c.len_utf8();
        }
    }
    j
}

/// The byte after the character at byte `i` (a char boundary).
#[inline(always)]
fn after_char(text: &str, i: usize) -> usize {
    i + match text.as_bytes()[i] {
        0..0x80 => 1,
        0x80..0xe0 => 2,
        0xe0..0xf0 => 3,
        _ => 4,
    }
}

/// The end and pattern of the longest name found, if any.
type Longest = Option<(usize, u32)>;

/// The longest place and organization names starting at word start `ws`, whose first word
/// ends at `q` and has the entry `w`: the string grows through each following non-word
/// position while the lexicon says a longer name continues.
fn extend(
    e: &Inner,
    text: &str,
    ws: usize,
    mut q: usize,
    mut w: Word,
    mut place: bool,
    mut org: bool,
) -> (Longest, Longest) {
    let (mut bp, mut bo) = (None, None);
    loop {
        if place {
            if w.place != NONE {
                bp = Some((q, w.place));
            }
            place = w.is(flag::PLACE_MORE);
        }
        if org {
            if w.org != NONE {
                bo = Some((q, w.org));
            }
            org = w.is(flag::ORG_MORE);
        }
        if !(place || org) || q >= text.len() {
            return (bp, bo);
        }
        let run = after_char(text, q);
        q = run_end(text, run);
        if w.next & next_bit(&text[run..q]) == 0 {
            // No name continues the string with this run: the lookup would find nothing.
            return (bp, bo);
        }
        w = e.lex.get(&text[ws..q]);
    }
}

fn build_scan(e: &Inner, text: &str, scan: &mut Scan) {
    tokenize_into(text, &mut scan.toks);
    let Scan { toks, places, orgs, credits, probes } = scan;
    credit_lines(text, credits);
    places.clear();
    orgs.clear();
    // The entries of the single-run tokens (most tokens), in passes whose memory reads do not
    // wait on one another, so that their cache misses overlap: the small structures first, then
    // the big table for the tokens that pass the Bloom filter.
    probes.clear();
    for (i, t) in toks.iter_mut().enumerate() {
        if !t.multi {
            match e.lex.prefilter_token(&text[t.start..t.end]) {
                Ok(w) => t.w = w,
                Err(h) => probes.push((i, h)),
            }
        }
    }
    for &(i, h) in probes.iter() {
        let t = &mut toks[i];
        t.w = e.lex.probe(&text[t.start..t.end], h);
    }
    let (mut free_p, mut free_o) = (0, 0);
    for t in toks.iter_mut() {
        let word = &text[t.start..t.end];
        // A single-run word starting with an ASCII letter is namey exactly when that letter is
        // upper case (the common cases, decided without the general test).
        let b0 = word.as_bytes()[0];
        t.namey = if !t.multi && b0.is_ascii_alphabetic() {
            b0.is_ascii_uppercase()
        } else {
            (!b0.is_ascii_lowercase() || word.contains('-')) && namey(word)
        };
        if !t.multi {
            // One run of letters and digits: the token is the only word start. Only an entry
            // that is or starts a name needs `extend` (stopwords, titles and first names do not).
            if starts_name(t.w) {
                let (p, o) = (t.start >= free_p, t.start >= free_o);
                if p || o {
                    let (bp, bo) = extend(e, text, t.start, t.end, t.w, p, o);
                    push_longest(t.start, bp, places, &mut free_p);
                    push_longest(t.start, bo, orgs, &mut free_o);
                }
            }
            continue;
        }
        // Each run after an inner `-`, `.`, `&` or `'` starts a word too (`al-Hol`, `US-Syria`).
        let mut ws = t.start;
        loop {
            let q = run_end(text, ws);
            let w = e.lex.get_token(&text[ws..q]);
            let (p, o) = (ws >= free_p, ws >= free_o);
            if (p || o) && starts_name(w) {
                let (bp, bo) = extend(e, text, ws, q, w, p, o);
                push_longest(ws, bp, places, &mut free_p);
                push_longest(ws, bo, orgs, &mut free_o);
            }
            let Some(k) = text[q..t.end].find(|c: char| c.is_alphanumeric()) else { break };
            ws = q + k;
        }
        t.w = e.lex.get_token(word);
    }
}

/// True when `w` is a place or organization name or the start of a longer one.
#[inline(always)]
fn starts_name(w: Word) -> bool {
    w.place & w.org != NONE || w.is(flag::PLACE_MORE | flag::ORG_MORE)
}

/// Records the longest name found at `ws`, if any, and bars its bytes to later matches.
fn push_longest(ws: usize, best: Longest, out: &mut Vec<(usize, usize, u32)>, free: &mut usize) {
    if let Some((end, pid)) = best {
        out.push((ws, end, pid));
        *free = end;
    }
}

/// Byte classes of the tokenizer: ASCII letters and digits, with case; bytes of non-ASCII
/// characters are decoded and classified by `char` methods.
mod class {
    pub const WORD: u8 = 1;
    pub const ALPHA: u8 = 2;
    pub const LOWER: u8 = 4;
    pub const UPPER: u8 = 8;
    /// A byte of a non-ASCII character.
    pub const HIGH: u8 = 16;

    /// The class of every byte.
    pub static OF: [u8; 256] = {
        let mut t = [HIGH; 256];
        let mut b = 0;
        while b < 128 {
            let c = b as u8;
            t[b] = if c.is_ascii_digit() {
                WORD
            } else if c.is_ascii_lowercase() {
                WORD | ALPHA | LOWER
            } else if c.is_ascii_uppercase() {
                WORD | ALPHA | UPPER
            } else {
                0
            };
            b += 1;
        }
        t
    };
}

/// Eight bytes at a time (SWAR): the high bit of each byte that is an ASCII letter or digit, and
/// of each that is an ASCII lower-case letter. Words average five bytes, so most end within
/// one such step instead of a loop over their bytes.
pub(super) mod swar {
    const HI: u64 = 0x8080_8080_8080_8080;
    const ONES: u64 = 0x0101_0101_0101_0101;

    /// The high bit of each byte `y` (all below 0x80) with `lo <= y <= hi`: `y + 0x80 - lo`
    /// sets it from `lo` on and `y + 0x7f - hi` above `hi`, without carries between bytes.
    #[inline(always)]
    fn in_range(y: u64, lo: u8, hi: u8) -> u64 {
        let ge = y + ONES * u64::from(0x80 - lo);
        let gt = y + ONES * u64::from(0x7f - hi);
        ge & !gt & HI
    }

    /// `(word, lower)` masks of the eight bytes `x` (little-endian: byte 0 is the lowest).
    #[inline(always)]
    pub fn classes(x: u64) -> (u64, u64) {
        let ascii = !x & HI;
        let y = x & !HI;
        let lower = in_range(y, b'a', b'z');
        let alpha = in_range(y | (ONES * 0x20), b'a', b'z');
        let word = (alpha | in_range(y, b'0', b'9')) & ascii;
        (word, lower & ascii)
    }

    /// The number of bytes before the first zero high bit of `word`, with the mask of those
    /// bytes: (8, all) when every byte is a word byte.
    #[inline(always)]
    pub fn run(word: u64) -> (usize, u64) {
        let stop = !word & HI;
        if stop == 0 {
            return (8, u64::MAX);
        }
        let k = stop.trailing_zeros() / 8;
        (k as usize, (1u64 << (k * 8)) - 1)
    }
}

/// The non-ASCII character at byte `i` (a char boundary).
fn wide_char(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or(' ')
}

/// True when the character at byte `i` (a char boundary) is a letter or digit.
fn word_at(text: &str, i: usize) -> bool {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        class::OF[b as usize] & class::WORD != 0
    } else {
        is_word_char(wide_char(text, i))
    }
}

/// Facts about the line being tokenized, gathered on the way and given to its tokens at its
/// end: whether it has no lower-case letter (and more than three letters), and whether it is
/// a Title Case line (of its words split at single spaces, at least three are longer than three
/// bytes and at least 70% of those start upper case).
struct Line {
    /// Its first token.
    first_tok: usize,
    letters: usize,
    lower: bool,
    /// Start of the current space-separated word.
    word_start: usize,
    long: usize,
    cap: usize,
}

impl Line {
    fn new(from: usize, first_tok: usize) -> Line {
        Line { first_tok, letters: 0, lower: false, word_start: from, long: 0, cap: 0 }
    }

    /// Ends the space-separated word before byte `at`.
    #[inline(always)]
    fn end_word(&mut self, text: &str, at: usize) {
        let ws = self.word_start;
        if at - ws > 3 {
            self.long += 1;
            let b = text.as_bytes()[ws];
            let upper = if b < 0x80 {
                b.is_ascii_uppercase()
            } else {
                text.is_char_boundary(ws) && wide_char(text, ws).is_uppercase()
            };
            self.cap += usize::from(upper);
        }
        self.word_start = at + 1;
    }

    /// Ends the line at byte `at` (a `\n` or the end of the text).
    fn finish(mut self, text: &str, at: usize, toks: &mut [Tok]) {
        self.end_word(text, at);
        let caps_line = !self.lower && self.letters > 3;
        let title_line = self.long >= 3 && self.cap * 10 >= self.long * 7;
        for t in &mut toks[self.first_tok..] {
            t.caps_line = caps_line;
            t.title_line = title_line;
        }
    }
}

/// Splits `text` into word tokens, in one pass over its bytes (ASCII bytes by table, the
/// bytes of words eight at a time). Not inlined into [`build_scan`]: alone, its loops keep
/// their state in registers.
#[inline(never)]
fn tokenize_into(text: &str, toks: &mut Vec<Tok>) {
    use class::{ALPHA, HIGH, LOWER, UPPER, WORD};
    toks.clear();
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut line = Line::new(0, 0);
    let mut prev_end = 0;
    let mut i = 0;
    // Facts about the gap since the previous token, gathered while skipping it: most gaps are
    // one space, which decides `joined` and `sent_start` without looking at the gap again.
    let (mut gap_newline, mut gap_spaces) = (false, true);
    while i < n {
        let b = bytes[i];
        let k = class::OF[b as usize];
        // `lower`: the word has a lower-case letter; `wide`: a non-ASCII character. Letters
        // are counted only for a word without lower case (rare), where they matter.
        let (cap, mut lower, mut wide, first_len);
        if k & WORD != 0 {
            (cap, lower, wide, first_len) = (k & UPPER != 0, k & LOWER != 0, false, 1);
        } else if k & HIGH == 0 {
            match b {
                b' ' => line.end_word(text, i),
                b'\n' => {
                    let done = std::mem::replace(&mut line, Line::new(i + 1, toks.len()));
                    done.finish(text, i, toks);
                    gap_newline = true;
                }
                _ => gap_spaces = false,
            }
            i += 1;
            continue;
        } else {
            let c = wide_char(text, i);
            if !is_word_char(c) {
                gap_spaces = false;
                line.lower |= c.is_lowercase();
                i += c.len_utf8();
                continue;
            }
            (cap, lower, wide, first_len) =
                (c.is_uppercase(), c.is_lowercase(), true, c.len_utf8());
        }
        let start = i;
        let mut j = i + first_len;
        let mut multi = false;
        loop {
            while let Some(chunk) = bytes.get(j..j + 8) {
                let (word, low) =
                    swar::classes(u64::from_le_bytes(chunk.try_into().unwrap_or_default()));
                let (len, mask) = swar::run(word);
                lower |= low & mask != 0;
                j += len;
                if len < 8 {
                    break;
                }
            }
            while j < n {
                let k = class::OF[bytes[j] as usize];
                if k & WORD == 0 {
                    break;
                }
                lower |= k & LOWER != 0;
                j += 1;
            }
            if j >= n {
                break;
            }
            let b = bytes[j];
            let d = if b < 0x80 {
                b as char
            } else {
                let d = wide_char(text, j);
                if is_word_char(d) {
                    lower |= d.is_lowercase();
                    wide = true;
                    j += d.len_utf8();
                    continue;
                }
                d
            };
            if matches!(d, '-' | '.' | '&' | '\'' | '’') {
                let k = j + d.len_utf8();
                if k < n && word_at(text, k) {
                    // A possessive `'s` ends the word; `O'Shea` does not.
                    let possessive = matches!(d, '\'' | '’')
                        && bytes[k] == b's'
                        && !(k + 1 < n && word_at(text, k + 1));
                    if !possessive {
                        multi = true;
                        j = k;
                        continue;
                    }
                }
            }
            break;
        }
        let letters = match (lower, wide) {
            (true, _) => 0,
            (false, false) => {
                bytes[start..j].iter().filter(|&&b| class::OF[b as usize] & ALPHA != 0).count()
            }
            (false, true) => text[start..j].chars().filter(|c| c.is_alphabetic()).count(),
        };
        let end = j;
        i = end;
        let (joined, sent_start) = match toks.last() {
            None => (false, true),
            Some(_) if gap_newline => (false, true),
            Some(_) if gap_spaces => (true, false),
            Some(p) => {
                let gap = &text[prev_end..start];
                (
                    (gap == ". " || gap == ".") && abbrev_like(p.text(text), p.cap),
                    starts_sentence(text, p, gap),
                )
            }
        };
        (gap_newline, gap_spaces) = (false, true);
        line.letters += letters;
        line.lower |= lower;
        toks.push(Tok {
            start,
            end,
            cap,
            caps: letters >= 2 && !lower,
            joined,
            sent_start,
            caps_line: false,
            title_line: false,
            namey: false,
            multi,
            w: Word::NONE,
        });
        prev_end = end;
    }
    line.finish(text, n, toks);
}

/// Whether the gap after token `prev` ends a sentence (or line, or opens a quotation).
fn starts_sentence(text: &str, prev: &Tok, gap: &str) -> bool {
    if gap.contains('\n') {
        return true;
    }
    let g = gap.trim();
    if g.is_empty() {
        return false;
    }
    if g.starts_with('.') {
        // `U.S. officials`, `Gen. Smith`, `J. Smith`: an abbreviation, not a full stop.
        let w = prev.text(text);
        return !abbrev_like(w, prev.cap) || g.len() > 1;
    }
    g.chars()
        .any(|c| matches!(c, '!' | '?' | ':' | ';' | '"' | '“' | '”' | '‘' | '(' | '[' | '—' | '–'))
        || g == "-"
        || g.ends_with(" -")
}

/// `U.S`, `J`, `Gen`: a word whose following `.` marks an abbreviation, not a full stop.
fn abbrev_like(w: &str, cap: bool) -> bool {
    w.contains('.') || (w.chars().count() == 1 && cap) || is_abbrev(w)
}

fn is_abbrev(w: &str) -> bool {
    matches!(
        w,
        "Mr" | "Mrs"
            | "Ms"
            | "Dr"
            | "Gen"
            | "Col"
            | "Lt"
            | "Sgt"
            | "Capt"
            | "Maj"
            | "Rep"
            | "Sen"
            | "Gov"
            | "St"
            | "Prof"
            | "Rev"
            | "Jr"
            | "Sr"
            | "No"
            | "Adm"
            | "Cpl"
            | "Brig"
            | "Pte"
    )
}

/// True for a word or alias that starts upper case or with a lower-case Arabic article
/// (`al-Hol`, `el-Sisi`), the forms a name takes in running text, and does not end in a
/// lower-case hyphenated part (`US-backed`).
pub(crate) fn namey(word: &str) -> bool {
    // `US-backed`, `Kabul-based`, `Kurdish-led` are modifiers, not names.
    if let Some(h) = word.bytes().rposition(|b| b == b'-') {
        if word[h + 1..].starts_with(char::is_lowercase) {
            return false;
        }
    }
    let mut cs = word.chars();
    match cs.next() {
        Some(c) if c.is_uppercase() => true,
        Some(c) if c.is_lowercase() => {
            let rest = word.split_once('-');
            matches!(rest, Some((p, r)) if ARTICLES.contains(&p) && r.chars().next().is_some_and(char::is_uppercase))
        }
        _ => false,
    }
}

/// Lower-case name prefixes joined by a hyphen (`al-Assad`).
pub(crate) const ARTICLES: &[&str] = &["al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "ul"];

/// True when the byte before `start` and the byte at `end` are not inside a word.
pub(crate) fn on_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// The index of the first token starting at or after byte `offset`.
pub(crate) fn tok_at(toks: &[Tok], offset: usize) -> usize {
    toks.partition_point(|t| t.start < offset)
}

/// Maximal runs of joined tokens `[first, last]` (inclusive token indices) in which every token
/// satisfies `name` or is a `connector` between two name tokens (`of` in `Ministry of Health`,
/// `bin` in `Osama bin Laden`).
pub(crate) fn chunks(
    toks: &[Tok],
    mut name: impl FnMut(usize) -> bool,
    mut connector: impl FnMut(usize) -> bool,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !name(i) {
            i += 1;
            continue;
        }
        let first = i;
        let mut last = i;
        let mut j = i + 1;
        while j < toks.len() && toks[j].joined {
            if name(j) {
                last = j;
                j += 1;
            } else if connector(j) {
                // A connector must be followed, joined, by more name.
                let mut k = j;
                while k < toks.len() && toks[k].joined && connector(k) && !name(k) {
                    k += 1;
                }
                if k < toks.len() && toks[k].joined && name(k) && k - j <= 2 {
                    j = k;
                } else {
                    break;
                }
            } else {
                break;
            }
        }
        out.push((first, last));
        i = last + 1;
    }
    out
}
