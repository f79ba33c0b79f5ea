/*!
Attribution from the words just outside a quote (CoreNLP's trigram sieve made parser-free): the
speech verb and the noun phrase that names the speaker, after the quote (`," said Hawach`,
`," he said`, `" the ministry said in a statement`) or before it (`Hawach said: "`,
`According to the ministry, "`). Appositives (`Nanar Hawash, a senior analyst with X,`) are
skipped for the speaker span and read for role and affiliation.
*/
use std::cell::Cell;

use super::words::{class, Lexicon};
use crate::doc::Span;

/// Maximum words in a speaker phrase (PETRARCH-style bound).
const MAX_NP: usize = 8;
/// Bounds of the appositives between a speaker's name and the verb, in tokens.
const APPOS: (usize, usize) = (1, 40);
/// Maximum tokens between a speech verb and the quote it introduces (`told CNN's Wolf Blitzer`).
const MAX_COMPLEMENT: usize = 8;

/// A word or punctuation token of the text around a quote.
#[derive(Debug, Clone)]
pub(super) struct Tok<'a> {
    pub s: &'a str,
    pub start: usize,
    pub end: usize,
    pub word: bool,
    /// The token's class bits and speech-verb flag once looked up ([`Tok::classes`],
    /// [`Tok::verb`]): the sieves ask about the same token several times.
    known: Cell<u32>,
}

/// In [`Tok::known`]: the low 16 bits hold the classes once this bit is set.
const CLASSES_KNOWN: u32 = 1 << 16;
/// In [`Tok::known`]: the verb flag is known, and is [`VERB`].
const VERB_KNOWN: u32 = 1 << 17;
const VERB: u32 = 1 << 18;

impl<'a> Tok<'a> {
    fn new(s: &'a str, start: usize, end: usize, word: bool) -> Tok<'a> {
        Tok { s, start, end, word, known: Cell::new(0) }
    }

    /// The class bits of the word ([`Lexicon::classes`]), looked up once.
    pub fn classes(&self, lex: &Lexicon) -> u16 {
        let known = self.known.get();
        if known & CLASSES_KNOWN != 0 {
            return known as u16;
        }
        let bits = lex.classes(self.s);
        self.known.set(known | CLASSES_KNOWN | u32::from(bits));
        bits
    }

    /// True when the word has any of the class bits in `mask`.
    pub fn is_class(&self, lex: &Lexicon, mask: u16) -> bool {
        self.classes(lex) & mask != 0
    }

    /// True for a speech verb form ([`Lexicon::is_verb`]), looked up once.
    pub fn verb(&self, lex: &Lexicon) -> bool {
        let known = self.known.get();
        if known & VERB_KNOWN != 0 {
            return known & VERB != 0;
        }
        let verb = lex.is_verb(self.s);
        self.known.set(known | VERB_KNOWN | if verb { VERB } else { 0 });
        verb
    }

    /// Is exactly `p`.
    pub fn is(&self, p: &str) -> bool {
        self.s == p
    }
    /// Starts with a capital letter.
    pub fn cap(&self) -> bool {
        // ASCII by byte: this runs for every token of a document's name pass
        self.word
            && match self.s.as_bytes().first() {
                Some(b) if b.is_ascii() => b.is_ascii_uppercase(),
                _ => self.s.chars().next().is_some_and(char::is_uppercase),
            }
    }
    fn dash(&self) -> bool {
        matches!(self.s, "—" | "―" | "–" | "--" | "-")
    }
    /// Ends a sentence (`.`, `!`, `?`, `;`).
    pub fn sentence_end(&self) -> bool {
        matches!(self.s, "." | "!" | "?" | ";")
    }
}

/// The char at byte `j` of `seg` (a char boundary), decoding only non-ASCII bytes.
fn char_at(seg: &str, j: usize) -> Option<char> {
    match *seg.as_bytes().get(j)? {
        b if b.is_ascii() => Some(char::from(b)),
        _ => seg.get(j..)?.chars().next(),
    }
}

fn alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

/// True when the char at byte `j` of `seg` is a letter or digit.
fn alnum_at(seg: &str, j: usize) -> bool {
    match seg.as_bytes().get(j) {
        Some(b) if b.is_ascii() => b.is_ascii_alphanumeric(),
        Some(_) => char_at(seg, j).is_some_and(alnum),
        None => false,
    }
}

/// ASCII letters and digits, by byte: one lookup where the word scan runs over every letter.
static ALNUM: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    table
};

const BLANK: u8 = 0;
const ALNUM_BYTE: u8 = 1;
const PUNCT: u8 = 2;
const WIDE: u8 = 3;

/// The token scan's class of each byte: an ASCII blank (tab to carriage return and space, as
/// `char::is_whitespace` has them), an ASCII letter or digit, other ASCII, or part of a wider
/// char.
static BYTE_KIND: [u8; 256] = {
    let mut table = [WIDE; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = if matches!(c, b'\t'..=b'\r' | b' ') {
            BLANK
        } else if c.is_ascii_alphanumeric() {
            ALNUM_BYTE
        } else {
            PUNCT
        };
        b += 1;
    }
    table
};

/// The end of the word of `seg` whose first char ends at `end`: letters and digits, joined by
/// `'`, `’`, `-`, `.`, `&` or `/` when a letter or digit follows. ASCII bytes are read as
/// bytes; only other chars are decoded.
#[inline(always)]
fn word_end(seg: &str, mut end: usize) -> usize {
    let bytes = seg.as_bytes();
    loop {
        // a plain loop: this runs over every letter the stage tokenizes
        while bytes.get(end).is_some_and(|&b| ALNUM[usize::from(b)]) {
            end += 1;
        }
        match bytes.get(end) {
            Some(b'\'' | b'-' | b'.' | b'&' | b'/') if alnum_at(seg, end + 1) => end += 1,
            Some(b) if !b.is_ascii() => match char_at(seg, end) {
                Some(d) if alnum(d) || d == '’' && alnum_at(seg, end + d.len_utf8()) => {
                    end += d.len_utf8();
                }
                _ => return end,
            },
            _ => return end,
        }
    }
}

/// True when the `.` at `end` ends the word of `seg` at `start` (`Mr.`, `U.S.`, `J.`) rather
/// than a sentence.
fn dot_joins(seg: &str, start: usize, end: usize, lex: &Lexicon) -> bool {
    let w = &seg[start..end];
    let Some(c) = w.chars().next() else { return false };
    let upper = c.is_uppercase();
    let initial = end - start == c.len_utf8() && upper;
    // `R-Ky.,` and `(D-Wis.)`: a dot before more punctuation ends no sentence
    let abbrev = matches!(seg.as_bytes().get(end + 1), Some(b',' | b')' | b';' | b':'));
    // titles count only capitalised (see `Lexicon::classes`)
    initial || abbrev || w.contains('.') || upper && lex.is(&seg[start..end + 1], class::ANY_TITLE)
}

/// Tokens of `text[from..to]` (offsets into `text`) into `out`, cleared first (one buffer
/// serves every window of a document). Words keep inner `'`, `’`, `-`, `.` and a final `.`
/// of titles and initials (`Mr.`, `U.S.`, `J.`).
pub(super) fn tokens<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    lex: &Lexicon,
    out: &mut Vec<Tok<'a>>,
) {
    out.clear();
    push_tokens(text, from, to, lex, out);
}

/// The tokens of `text[from..to]` added to those in `out` (several pieces of text, one list).
pub(super) fn push_tokens<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    lex: &Lexicon,
    out: &mut Vec<Tok<'a>>,
) {
    out.reserve(to.saturating_sub(from) / 4 + 1);
    scan_tokens(text, from, to, lex, out, |_| false);
}

/// The tokens of `text[from..to]` that [`after`] reads, into `out` (cleared first): up to the
/// first sentence end (`.`, `!`, `?`, `;`), where every phrase it reads stops, unless a `(`
/// comes before it (a skipped parenthesis may hold one); else all of them. The rest of the
/// window is not tokenized.
pub(super) fn tokens_after<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    lex: &Lexicon,
    out: &mut Vec<Tok<'a>>,
) {
    out.clear();
    let mut paren = false;
    scan_tokens(text, from, to, lex, out, |t| {
        paren |= t.is("(");
        !paren && t.sentence_end()
    });
}

/// Pushes the tokens of `text[from..to]` onto `out` until `stop` holds for one pushed.
fn scan_tokens<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    lex: &Lexicon,
    out: &mut Vec<Tok<'a>>,
    mut stop: impl FnMut(&Tok<'a>) -> bool,
) {
    let seg = &text[from..to];
    let bytes = seg.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // ASCII bytes by class, without decoding; other chars decoded
        let (c, word) = match BYTE_KIND[usize::from(b)] {
            BLANK => {
                i += 1;
                continue;
            }
            ALNUM_BYTE => (char::from(b), true),
            PUNCT => (char::from(b), false),
            _ => {
                let Some(c) = char_at(seg, i) else { break };
                if c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                }
                (c, alnum(c))
            }
        };
        let mut end = i + c.len_utf8();
        if word {
            end = word_end(seg, end);
            if bytes.get(end) == Some(&b'.') {
                end += usize::from(dot_joins(seg, i, end, lex));
            }
        } else if c == '-' && bytes.get(end) == Some(&b'-') {
            end += 1;
        }
        let tok = Tok::new(&seg[i..end], from + i, from + end, word);
        let stop_here = stop(&tok);
        out.push(tok);
        if stop_here {
            return;
        }
        i = end;
    }
}

/// The tokens of `text[from..to]` from some point before its last sentence end (`.`, `!`,
/// `?`, `;`) on, into `out`: what [`before`] reads, without scanning the whole window. A blank
/// is never inside a token, so a scan from just after one gives the window's own tokens from
/// there on.
pub(super) fn last_sentence<'a>(
    text: &'a str,
    from: usize,
    to: usize,
    lex: &Lexicon,
    out: &mut Vec<Tok<'a>>,
) {
    let mut reach = 64;
    // `out` holds the tokens of `text[done..to]`; a wider scan adds those of `text[cut..done]`
    // before them (`done` follows a blank, so together they are those of `text[cut..to]`)
    let (mut done, mut head) = (to, Vec::new());
    loop {
        let blank = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
        let cut = match text.as_bytes().get(from..to.saturating_sub(reach)) {
            Some(head) => head.iter().rposition(blank).map_or(from, |w| from + w + 1),
            None => from,
        };
        let found = if done == to {
            tokens(text, cut, to, lex, out);
            out.iter().any(Tok::sentence_end)
        } else {
            tokens(text, cut, done, lex, &mut head);
            let found = head.iter().any(Tok::sentence_end);
            out.splice(0..0, head.drain(..));
            found
        };
        if cut == from || found {
            return;
        }
        done = cut;
        reach *= 2;
    }
}

/// What kind of words name the speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum SpeakerKind {
    /// A capitalised name (`Nanar Hawash`, `Mr. Alexander`, `the IMF`).
    Name,
    /// A third-person pronoun, with its class bits.
    Pronoun(u16),
    /// A role or common-noun phrase (`the minister`, `a police spokesman`).
    Role,
}

/// One attribution: the speaker's words, the verb, and the appositive's role and affiliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Attr {
    pub speaker: Span,
    pub kind: SpeakerKind,
    pub verb: Option<Span>,
    pub role: Option<Span>,
    pub affiliation: Option<Span>,
    pub rule: &'static str,
}

/// A noun phrase found by the forward or backward scan: token range `[a, b)` and its kind.
struct Np {
    a: usize,
    b: usize,
    kind: SpeakerKind,
}

fn np_kind(toks: &[Tok], a: usize, b: usize, lex: &Lexicon) -> SpeakerKind {
    let last = &toks[b - 1];
    if b - a == 1
        && last.is_class(lex, class::PRONOUN)
        && (!last.cap() || matches!(last.s, "He" | "She" | "They" | "It"))
    {
        return SpeakerKind::Pronoun(last.classes(lex) & class::PRONOUN);
    }
    if last.cap() {
        SpeakerKind::Name
    } else {
        SpeakerKind::Role
    }
}

/// Can `t` be part of a speaker phrase?
fn np_word(t: &Tok, lex: &Lexicon) -> bool {
    if !t.word {
        return false;
    }
    let bits = t.classes(lex);
    if bits & (class::BREAK | class::FIRST_PERSON) != 0 && bits & class::DET == 0 {
        return false;
    }
    // a lower-case speech verb ends the phrase
    !t.verb(lex) || t.cap()
}

/// A phrase can end (have its head) at `t`: a name, a role noun or a possessive name.
fn np_head(t: &Tok, lex: &Lexicon) -> bool {
    t.cap() && !t.is_class(lex, class::DET) || t.is_class(lex, class::ROLE)
}

/// The phrase `[a, b)` trimmed to end at its head; `None` without one. A phrase opened by a
/// determiner keeps its words (`the ad's narrator`, `the ruling`).
fn headed(toks: &[Tok], a: usize, mut b: usize, lex: &Lexicon) -> Option<Np> {
    if b > a + 1 && toks[a].is_class(lex, class::DET) {
        return Some(Np { a, b, kind: np_kind(toks, a, b, lex) });
    }
    while b > a && !np_head(&toks[b - 1], lex) {
        b -= 1;
    }
    (b > a).then(|| Np { a, b, kind: np_kind(toks, a, b, lex) })
}

/// A preposition or conjunction, also capitalised (`During`, `As`): it opens no speaker phrase.
fn lead_word(t: &Tok, lex: &Lexicon) -> bool {
    let bits = t.classes(lex);
    bits & (class::PREP | class::BREAK) != 0 && bits & class::DET == 0
}

fn pronoun(t: &Tok, lex: &Lexicon) -> bool {
    t.is_class(lex, class::PRONOUN) && !t.is_class(lex, class::DET)
}

/// A speaker phrase starting at token `i` and going right.
fn np_forward(toks: &[Tok], i: usize, lex: &Lexicon) -> Option<Np> {
    let t = toks.get(i)?;
    if lead_word(t, lex) {
        return None;
    }
    if pronoun(t, lex) {
        return Some(Np { a: i, b: i + 1, kind: np_kind(toks, i, i + 1, lex) });
    }
    let mut b = i;
    while b < toks.len() && b - i < MAX_NP && np_word(&toks[b], lex) {
        // an adverb or weekday after a name ends it (`Trump said Thursday`, `Cruz later said`)
        if b > i && toks[b].is_class(lex, class::AUX) {
            break;
        }
        b += 1;
    }
    headed(toks, i, b, lex)
}

/// A speaker phrase ending just before token `end` and going left: its head is the last word.
fn np_backward(toks: &[Tok], end: usize, lex: &Lexicon) -> Option<Np> {
    let t = toks.get(end.checked_sub(1)?)?;
    if pronoun(t, lex) {
        return Some(Np { a: end - 1, b: end, kind: np_kind(toks, end - 1, end, lex) });
    }
    if !np_head(t, lex) {
        // `the announcer said`: a short phrase opened by a determiner
        let det =
            (end.saturating_sub(5)..end).rev().find(|&j| toks[j].is_class(lex, class::DET))?;
        // `marching through the streets chanted`: the object of a preposition is no speaker
        if det > 0 && toks[det - 1].is_class(lex, class::PREP) {
            return None;
        }
        let words = toks[det..end]
            .iter()
            .all(|t| np_word(t, lex) && !lead_word(t, lex) || t.is_class(lex, class::DET));
        return words.then_some(Np { a: det, b: end, kind: SpeakerKind::Role });
    }
    let mut a = end;
    while a > 0 && end - a < MAX_NP && np_word(&toks[a - 1], lex) {
        a -= 1;
        if toks[a].is_class(lex, class::DET) {
            break;
        }
    }
    // without a determiner, the phrase starts at its first name or role word
    while a < end && !toks[a].is_class(lex, class::DET) && !np_head(&toks[a], lex) {
        a += 1;
    }
    (a < end).then(|| Np { a, b: end, kind: np_kind(toks, a, end, lex) })
}

/// Skips adverbs and auxiliaries from `i` rightwards.
fn skip_aux(toks: &[Tok], mut i: usize, lex: &Lexicon) -> usize {
    while i < toks.len() && toks[i].word && toks[i].is_class(lex, class::AUX) && !toks[i].cap() {
        i += 1;
    }
    i
}

/// Skips a short parenthesis at `i` (`(D-Wis.)`).
fn skip_paren(toks: &[Tok], i: usize) -> usize {
    if toks.get(i).is_some_and(|t| t.is("(")) {
        if let Some(close) = (i + 1..toks.len().min(i + 10)).find(|&k| toks[k].is(")")) {
            return close + 1;
        }
    }
    i
}

fn appos_mark(t: &Tok) -> bool {
    t.is(",") || t.is("--") || t.is("—") || t.is("–")
}

/// Role and affiliation from an appositive `, a senior Syria analyst with the X Group,` at
/// tokens `[a, b)`; only a phrase opening like a role (a determiner or a lower-case word) is one.
fn appositive(toks: &[Tok], a: usize, b: usize, lex: &Lexicon) -> (Option<Span>, Option<Span>) {
    if a >= b
        || !(toks[a].is_class(lex, class::DET)
            || !toks[a].cap()
            || toks[a].is_class(lex, class::ANY_TITLE))
    {
        return (None, None);
    }
    let mut i = a;
    while i < b && toks[i].is_class(lex, class::DET) {
        i += 1;
    }
    let b = (i..b).find(|&k| !toks[k].word).unwrap_or(b);
    let prep = (i..b)
        .find(|&k| toks[k].is_class(lex, class::PREP | class::BREAK) && !toks[k].cap())
        .unwrap_or(b);
    if prep < b && toks[prep].is_class(lex, class::BREAK) {
        // `a trader who lives nearby`: the role ends at the clause
        return ((i < prep).then(|| span(toks, i, prep)), None);
    }
    let role = (i < prep).then(|| Span::new(toks[i].start, toks[prep - 1].end));
    let mut j = prep + 1;
    while j < b && toks[j].is_class(lex, class::DET) {
        j += 1;
    }
    let aff = (j < b && toks[j].cap()).then(|| {
        let mut k = j;
        while k < b && toks[k].word && (toks[k].cap() || !toks[k].is_class(lex, class::BREAK)) {
            k += 1;
        }
        Span::new(toks[j].start, toks[k - 1].end)
    });
    (role, aff)
}

fn span(toks: &[Tok], a: usize, b: usize) -> Span {
    Span::new(toks[a].start, toks[b - 1].end)
}

/// The attribution of phrase `np`. A name phrase keeps only the name as the speaker words:
/// `ministry spokesman Abdul Wali Haqmal` gives the role `ministry spokesman`, and `Ahmed Jabbar
/// of the Kirkuk Operations Command` the affiliation `Kirkuk Operations Command`.
fn attr(toks: &[Tok], np: &Np, verb: Option<usize>, rule: &'static str, lex: &Lexicon) -> Attr {
    let (mut a, mut b, mut kind) = (np.a, np.b, np.kind);
    let (mut role, mut affiliation) = (None, None);
    let det = |t: &Tok| t.is_class(lex, class::DET);
    if !matches!(kind, SpeakerKind::Pronoun(_)) {
        // `Ahmed Jabbar of the X Command`, `a U.S. Embassy official in Nairobi`: the speaker
        // words end before the preposition; a name after it is the affiliation
        let prep = (a + 1..b).find(|&k| toks[k].is_class(lex, class::PREP) && !toks[k].cap());
        if let Some(p) = prep {
            let j = (p + 1..b).find(|&j| !det(&toks[j])).unwrap_or(b);
            affiliation = (j < b && toks[j].cap()).then(|| span(toks, j, b));
            b = p;
            kind = np_kind(toks, a, b, lex);
        }
    }
    if kind == SpeakerKind::Name {
        if let Some(l) = (a..b).rev().find(|&k| !toks[k].cap() && !det(&toks[k])) {
            if l + 1 < b {
                let r = (a..l).find(|&r| !det(&toks[r])).unwrap_or(l);
                role = Some(span(toks, r, l + 1));
                a = l + 1;
            }
        }
        // the name itself: `the Fed` names `Fed`, `Col. Ahmed Jabbar` names `Ahmed Jabbar`
        while a + 1 < b && toks[a].is_class(lex, class::DET | class::ANY_TITLE) {
            a += 1;
        }
    }
    Attr {
        speaker: span(toks, a, b),
        kind,
        verb: verb.map(|v| Span::new(toks[v].start, toks[v].end)),
        role,
        affiliation,
        rule,
    }
}

/// Adds the role and affiliation of an appositive `[a, b)` after the speaker phrase.
fn with_appositive(mut at: Attr, toks: &[Tok], a: usize, b: usize, lex: &Lexicon) -> Attr {
    let (role, affiliation) = appositive(toks, a, b, lex);
    at.role = role.or(at.role);
    at.affiliation = affiliation.or(at.affiliation);
    at
}

/// After a speaker phrase ending at `b`: a parenthesis and appositives up to `, said`; returns
/// the verb's index and the first appositive's token range.
fn verb_after_np(toks: &[Tok], b: usize, lex: &Lexicon) -> Option<(usize, (usize, usize))> {
    let k = skip_paren(toks, b);
    let v = skip_aux(toks, k, lex);
    let is_verb = |t: &Tok| t.word && t.verb(lex) && !t.cap();
    if toks.get(v).is_some_and(is_verb) {
        return Some((v, (k, k)));
    }
    if !toks.get(k).is_some_and(appos_mark) {
        return None;
    }
    let limit = toks.len().min(k + APPOS.1);
    let mut j = k + 1;
    while j < limit && !toks[j].sentence_end() {
        if appos_mark(&toks[j]) && j > k + APPOS.0 {
            let v = skip_aux(toks, j + 1, lex);
            if toks.get(v).is_some_and(is_verb) {
                let first_end = (k + 1..j).find(|&m| appos_mark(&toks[m])).unwrap_or(j);
                return Some((v, (k + 1, first_end)));
            }
        }
        j += 1;
    }
    None
}

/// Attribution in the tokens right after a quote's closing mark.
pub(super) fn after(toks: &[Tok], lex: &Lexicon) -> Option<Attr> {
    let mut i = 0;
    while toks.get(i).is_some_and(|t| t.is(",")) {
        i += 1;
    }
    let t = toks.get(i)?;
    if t.dash() {
        // `" — Krystal Correa` closing a paragraph
        let np = np_forward(toks, i + 1, lex)?;
        let rest_ok = toks.get(np.b).is_none_or(|t| t.is(",") || t.sentence_end());
        return (np.kind == SpeakerKind::Name && rest_ok)
            .then(|| attr(toks, &np, None, "dash", lex));
    }
    if t.is_class(lex, class::ACCORDING) && toks.get(i + 1).is_some_and(|t| t.is("to")) {
        let np = np_forward(toks, i + 2, lex)?;
        let end = (np.b + 1..toks.len()).find(|&k| !toks[k].word).unwrap_or(toks.len());
        let at = attr(toks, &np, None, "according_to", lex);
        return Some(if toks.get(np.b).is_some_and(|t| t.is(",")) {
            with_appositive(at, toks, np.b + 1, end, lex)
        } else {
            at
        });
    }
    if t.verb(lex) && !t.cap() {
        // `," adding that ...` reports more speech, not a speaker
        if t.s.ends_with("ing") {
            return None;
        }
        let np = np_forward(toks, i + 1, lex)?;
        if matches!(np.kind, SpeakerKind::Pronoun(_))
            && !toks[np.a].is_class(lex, class::HE | class::SHE)
        {
            return None;
        }
        let k = skip_paren(toks, np.b);
        let at = attr(toks, &np, Some(i), "verb_speaker", lex);
        if toks.get(k).is_some_and(|t| t.is(",")) {
            let end = (k + 1..toks.len())
                .find(|&m| !toks[m].word || toks[m].sentence_end())
                .unwrap_or(toks.len());
            return Some(with_appositive(at, toks, k + 1, end, lex));
        }
        return Some(at);
    }
    let np = np_forward(toks, i, lex)?;
    let (v, (a, b)) = verb_after_np(toks, np.b, lex)?;
    Some(with_appositive(attr(toks, &np, Some(v), "speaker_verb", lex), toks, a, b, lex))
}

/// The subject of the sentence `toks[..upto]`: the first name or pronoun phrase, at the start
/// or after a comma, that a lower-case word (its verb) follows.
/// The words naming the subject of a sentence when it is a name (`Gul Bibi, 45, sat ...`).
pub(super) fn subject_span(toks: &[Tok], lex: &Lexicon) -> Option<Span> {
    let np = subject(toks, toks.len(), lex)?;
    (np.kind == SpeakerKind::Name).then(|| attr(toks, &np, None, "subject", lex).speaker)
}

fn subject(toks: &[Tok], upto: usize, lex: &Lexicon) -> Option<Np> {
    let starts = std::iter::once(0).chain((0..upto).filter(|&c| toks[c].is(",")).map(|c| c + 1));
    for mut c in starts {
        // `As Steven Rosenthal, ...`, `But Trump ...`: a leading conjunction is not the subject;
        // after a preposition (`During a speech, ...`) comes its object, not the subject
        while toks.get(c).is_some_and(|t| lead_word(t, lex)) {
            if toks[c].is_class(lex, class::PREP) {
                break;
            }
            c += 1;
        }
        if toks.get(c).is_some_and(|t| lead_word(t, lex)) {
            continue;
        }
        let Some(np) = np_forward(toks, c, lex) else { continue };
        let role_without_det =
            np.kind == SpeakerKind::Role && !toks[np.a].is_class(lex, class::DET);
        if np.b > upto || role_without_det {
            continue;
        }
        if let SpeakerKind::Pronoun(bits) = np.kind {
            if bits & class::IT != 0 {
                continue;
            }
        }
        let next = skip_aux(toks, skip_paren(toks, np.b), lex);
        if toks.get(next).is_some_and(|t| t.word && !t.cap() || appos_mark(t)) {
            return Some(np);
        }
    }
    None
}

/// Attribution in the tokens of the sentence just before a quote's opening mark.
pub(super) fn before(toks: &[Tok], lex: &Lexicon) -> Option<Attr> {
    // the sentence the quote opens in
    let from = toks.iter().rposition(|t| t.sentence_end()).map_or(0, |p| p + 1);
    let toks = &toks[from..];
    let mut k = toks.len();
    let last = toks.last()?;
    let introduces = last.is(":") || last.is(",") || last.is("that") || last.verb(lex);
    if !introduces {
        return None;
    }
    if last.is(":") || last.is(",") {
        k -= 1;
    }
    if toks[..k].last().is_some_and(|t| t.is("that")) {
        k -= 1;
    }
    // `according to the ministry, "`
    if let Some(acc) = (k.saturating_sub(MAX_NP + 2)..k).find(|&j| {
        toks[j].is_class(lex, class::ACCORDING) && toks.get(j + 1).is_some_and(|t| t.is("to"))
    }) {
        let np = np_forward(toks, acc + 2, lex)?;
        return Some(attr(toks, &np, None, "according_to", lex));
    }
    let v = (k.saturating_sub(MAX_COMPLEMENT + 1)..k).rev().find(|&j| {
        let t = &toks[j];
        t.verb(lex) && (!t.cap() || j == 0)
    })?;
    // the words between verb and quote are a complement (`told Reuters`, `said in a
    // statement`); punctuation there (`said on Fox News's "Fox and Friends"`) means a title
    let clause = |t: &Tok| !t.word || t.is_class(lex, class::BREAK) && !t.is_class(lex, class::DET);
    if toks[v + 1..k].iter().any(clause) {
        return None;
    }
    // inverted: `Said Hawach: "`
    if v + 1 < k && (v == 0 || !toks[v - 1].word) {
        if let Some(np) = np_forward(toks, v + 1, lex) {
            if np.b == k && np.kind != SpeakerKind::Role {
                return Some(attr(toks, &np, Some(v), "verb_speaker", lex));
            }
        }
    }
    let mut end = v;
    while end > 0
        && toks[end - 1].word
        && toks[end - 1].is_class(lex, class::AUX)
        && !toks[end - 1].cap()
    {
        end -= 1;
    }
    if end > 0 && toks[end - 1].is(")") {
        if let Some(open) = (end.saturating_sub(10)..end - 1).rev().find(|&j| toks[j].is("(")) {
            end = open;
        }
    }
    let participle = toks[v].s.ends_with("ing");
    let after_comma = end > 0 && appos_mark(&toks[end - 1]);
    // `footage of Trump saying`: a participle takes the name right before it
    let np = if after_comma {
        None
    } else {
        np_backward(toks, end, lex).filter(|np| !participle || np.kind == SpeakerKind::Name)
    };
    let np = match np {
        Some(np) => np,
        // `Flynn, a top Trump surrogate, said`, `Trump attacked Clinton, saying`, `She then
        // urges him and says`: the speaker is the sentence's subject
        None => subject(toks, end, lex)?,
    };
    let mut at = attr(toks, &np, Some(v), "speaker_verb", lex);
    let a = skip_paren(toks, np.b);
    if after_comma && !participle && a < end - 1 && appos_mark(&toks[a]) {
        let b = (a + 1..end - 1).find(|&m| appos_mark(&toks[m])).unwrap_or(end - 1);
        at = with_appositive(at, toks, a + 1, b, lex);
    }
    Some(at)
}
