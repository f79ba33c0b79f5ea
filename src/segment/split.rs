//! The splitter: lines into blocks, blocks into list items, items into sentences.
use memchr::{memchr, memchr3, memmem};

use super::{Class, Segmenter, Start};
use crate::doc::{Sentence, Span};

/// A line this short without final punctuation (a heading, a dateline, a byline) ends its block
/// when the next line starts with a capital.
const SHORT_LINE: usize = 40;

/// Bullets that start a list item anywhere in a block.
const BULLETS: [char; 5] = ['•', '⁃', '▪', '◦', '‣'];

/// Walks one body, appending sentences.
pub(super) struct Splitter<'a> {
    seg: &'a Segmenter,
    text: &'a str,
    bytes: &'a [u8],
    start: Start,
    next_paragraph: usize,
    /// The paragraph of the last sentence, while no paragraph break has been seen since.
    paragraph: Option<usize>,
    out: &'a mut Vec<Sentence>,
}

/// One non-blank line of a block.
#[derive(Clone, Copy)]
struct Line {
    end: usize,
    indent: usize,
    /// A short line without final punctuation: what follows starts a new block.
    ends_block: bool,
    /// Ends with terminal punctuation or a colon, or is a list item: a list item may follow.
    item_may_follow: bool,
}

/// What kind of terminal a run of `.?!…` is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Period,
    /// `?`, `!` and their runs (`?!`).
    Question,
    /// `...`, `…`, `. . .`, `....`.
    Ellipsis {
        dots: usize,
        spaced: bool,
    },
}

impl<'a> Splitter<'a> {
    pub(super) fn new(
        seg: &'a Segmenter,
        text: &'a str,
        start: Start,
        out: &'a mut Vec<Sentence>,
    ) -> Splitter<'a> {
        Splitter {
            seg,
            text,
            bytes: text.as_bytes(),
            start,
            next_paragraph: start.paragraph,
            paragraph: None,
            out,
        }
    }

    /// Cuts `body` into blocks by lines and segments each.
    pub(super) fn body(&mut self, body: Span) {
        let end = body.end.min(self.bytes.len());
        let mut pos = body.start.min(end);
        let mut block: Option<(usize, usize)> = None;
        let mut prev: Option<Line> = None;
        while pos < end {
            let nl = memchr(b'\n', &self.bytes[pos..end]).map_or(end, |k| pos + k);
            let (cs, ce) = self.trim(pos, nl);
            if cs == ce {
                self.flush(block.take());
                self.paragraph = None;
                prev = None;
                pos = nl + 1;
                continue;
            }
            let line_start = match prev {
                Some(_) => pos,
                None => self.text[..pos].rfind('\n').map_or(0, |k| k + 1),
            };
            let indent = cs - line_start;
            if let Some(p) = prev {
                let first = self.bytes[cs];
                let capital = first.is_ascii_uppercase()
                    || self.text[cs..].starts_with(['"', '“'])
                    || (first >= 0x80 && self.text[cs..].starts_with(char::is_uppercase));
                let new_paragraph = indent > p.indent;
                let new_block = new_paragraph
                    || (p.ends_block && capital)
                    || first == b'#'
                    || self.starts_with_bullet(cs)
                    || (p.item_may_follow && self.item_line(cs, ce))
                    || self.start.break_after == Some(p.end);
                if new_block {
                    self.flush(block.take());
                }
                if new_paragraph {
                    self.paragraph = None;
                }
            }
            let last = self.text[cs..ce].chars().next_back().unwrap_or(' ');
            let first_of_block = block.is_none();
            let is_item = self.item_line(cs, ce);
            prev = Some(Line {
                end: ce,
                indent,
                // Only a block's first line: a wrapped paragraph's lines may be short too.
                ends_block: (first_of_block
                    && ce - cs <= SHORT_LINE
                    && (last.is_alphanumeric() || last == ')'))
                    || self.bytes[cs] == b'#',
                item_may_follow: is_item || matches!(last, '.' | '!' | '?' | ':' | ';'),
            });
            block = Some((block.map_or(cs, |b| b.0), ce));
            pos = nl + 1;
        }
        self.flush(block);
    }

    /// Segments one block: a heading, or list items cut at bullets.
    fn flush(&mut self, block: Option<(usize, usize)>) {
        let Some((bs, be)) = block else { return };
        if self.bytes[bs] == b'#' {
            let words = bs + self.bytes[bs..be].iter().take_while(|b| **b == b'#').count();
            let words = self.skip_space(words, be);
            self.emit(words, be);
            return;
        }
        let mut item = bs;
        let mut pos = bs;
        while let Some(k) = memchr(0xE2, &self.bytes[pos..be]) {
            let at = pos + k;
            pos = at + 1;
            if at > item && self.starts_with_bullet(at) && self.space_before(at) {
                self.item(item, at);
                item = at;
            }
        }
        self.item(item, be);
    }

    /// One list item (or a whole block): an inline numbered or lettered list (`1. A 2. B`) is
    /// cut at its markers, whose periods are not terminals.
    fn item(&mut self, start: usize, end: usize) {
        let mut from = start;
        if self.starts_with_bullet(start) {
            let len = self.text[start..].chars().next().map_or(1, char::len_utf8);
            from = self.skip_space(start + len, end);
        }
        let Some((mut value, marker_end)) = self.item_marker(from, end) else {
            self.sentences(start, from, end);
            return;
        };
        let mut item_start = start;
        let mut scan_from = marker_end;
        loop {
            value = successor(&value);
            let Some((at, after)) = self.find_marker(&value, scan_from, end) else { break };
            self.sentences(item_start, scan_from, at);
            item_start = at;
            scan_from = after;
        }
        self.sentences(item_start, scan_from, end);
    }

    /// The sentences of `[start, end)`, looking for terminals from `scan_from`.
    fn sentences(&mut self, start: usize, scan_from: usize, end: usize) {
        let bytes = self.bytes;
        let mut sentence = start;
        let mut pos = scan_from;
        if (start..end).contains(&self.start.no_scan_until) {
            pos = pos.max(self.start.no_scan_until);
        }
        let ellipsis = &self.seg.ellipsis;
        let find_ellipsis =
            |from: usize| ellipsis.find(&bytes[from..end]).map_or(end, |k| from + k);
        let mut next_ellipsis = find_ellipsis(pos.min(end));
        while pos < end {
            if next_ellipsis < pos {
                next_ellipsis = find_ellipsis(pos);
            }
            let dot = memchr3(b'.', b'?', b'!', &bytes[pos..end]).map_or(end, |k| pos + k);
            let i = dot.min(next_ellipsis);
            if i >= end {
                break;
            }
            let (cluster_end, kind) = self.cluster(i, end);
            pos = cluster_end;
            // `[...]`, `(...)`: an omission mark, not a terminal.
            if i > 0 && matches!(bytes[i - 1], b'[' | b'(') {
                continue;
            }
            let mut e = cluster_end;
            while e < end {
                match closer_len(&bytes[e..]) {
                    0 => break,
                    n => e += n,
                }
            }
            if e >= end || space_len(&bytes[e..]) == 0 {
                continue;
            }
            let next = self.skip_space(e, end);
            if next < end && self.boundary(sentence, i, kind, next, end) {
                self.emit(sentence, e);
                sentence = next;
                pos = pos.max(next);
            }
        }
        self.emit(sentence, end);
    }

    /// The extent and kind of the terminal run at `i`.
    fn cluster(&self, i: usize, end: usize) -> (usize, Kind) {
        let bytes = &self.bytes[..end];
        let (mut j, mut dots, mut question, mut spaced) = (i, 0, false, false);
        while j < end {
            match bytes[j] {
                b'.' => dots += 1,
                b'?' | b'!' => question = true,
                0xE2 if bytes[j..].starts_with("…".as_bytes()) => {
                    dots += 3;
                    j += 3;
                    continue;
                }
                // `. . .`: a spaced ellipsis continues over single spaces.
                b' ' if dots >= 1
                    && !question
                    && (dots == 1 || spaced)
                    && bytes.get(j + 1) == Some(&b'.')
                    && !bytes.get(j + 2).is_some_and(u8::is_ascii_alphanumeric) =>
                {
                    spaced = true
                }
                _ => break,
            }
            j += 1;
        }
        let kind = if question {
            Kind::Question
        } else if dots >= 2 || spaced {
            Kind::Ellipsis { dots, spaced }
        } else {
            Kind::Period
        };
        (j, kind)
    }

    /// Whether the terminal at `i` ends the sentence begun at `sentence`, the next one starting
    /// at `next`.
    fn boundary(&self, sentence: usize, i: usize, kind: Kind, next: usize, end: usize) -> bool {
        let mut m = next;
        while m < end {
            match opener_len(&self.bytes[m..]) {
                0 => break,
                n => m += n,
            }
        }
        let Some(c) = self.text[m..end].chars().next() else { return false };
        if c.is_lowercase()
            || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | ')' | ']' | '.' | '%')
        {
            return false;
        }
        match kind {
            Kind::Question => true,
            // Three spaced dots mark an omission inside a sentence; four end it.
            Kind::Ellipsis { dots, spaced } => !(spaced && dots == 3) && c.is_uppercase(),
            Kind::Period => self.period(sentence, i, m, c),
        }
    }

    /// Whether a single period at `i` ends the sentence, `c` at `m` starting the next word.
    fn period(&self, sentence: usize, i: usize, m: usize, c: char) -> bool {
        let bytes = self.bytes;
        let mut ws = i;
        while ws > sentence && !is_space_end(bytes, ws) {
            ws -= 1;
        }
        while ws < i {
            match opener_len(&bytes[ws..]) {
                // `<J.P.` in a ticker.
                0 if bytes[ws] == b'<' => ws += 1,
                0 => break,
                n => ws += n,
            }
        }
        let word = &bytes[ws..i];
        let class = self.seg.abbreviation(word);
        if c.is_ascii_digit() {
            return class.is_none() && !word.is_empty() && self.list_marker_at(m);
        }
        if word.is_empty()
            || word.contains(&b'@')
            || memmem::find(word, b"://").is_some()
            || word.starts_with(b"www.")
            || (word.iter().any(u8::is_ascii_digit)
                && word.iter().all(|b| b.is_ascii_digit() || b",.$%/:-".contains(b)))
        {
            return true;
        }
        match class {
            Some(Class::Prepositive) => false,
            Some(Class::Numeric) => true,
            Some(Class::General) => self.starter(m),
            Some(Class::Time) => {
                self.starter(m)
                    || (!self.seg.after_time.contains(self.word_at(m))
                        && self.text[sentence..i].split_whitespace().count() > 3)
            }
            None if word.len() == 1 && word[0].is_ascii_uppercase() => {
                // An initial (`George W. Bush`), or the pronoun or a letter ending a sentence
                // (`you and I. Did`).
                self.starter(m) && (word == b"I" || self.previous_word_lower(ws, sentence))
            }
            None if word.len() == 1 || is_dotted(word) => self.starter(m),
            None => true,
        }
    }

    fn starter(&self, m: usize) -> bool {
        self.seg.starters.contains(self.word_at(m))
    }

    /// The ASCII letters at `m`.
    fn word_at(&self, m: usize) -> &[u8] {
        let len = self.bytes[m..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
        &self.bytes[m..m + len]
    }

    /// Whether the word before the one at `ws` starts in lower case.
    fn previous_word_lower(&self, ws: usize, sentence: usize) -> bool {
        let before = self.text[sentence..ws].trim_end();
        let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
        word.starts_with(char::is_lowercase)
    }

    /// A list marker (`2.`, `2)`, `2.)`) followed by a space at `m`.
    fn list_marker_at(&self, m: usize) -> bool {
        let digits = self.bytes[m..].iter().take_while(|b| b.is_ascii_digit()).count();
        (1..=3).contains(&digits) && self.marker_end(m + digits).is_some()
    }

    /// After a marker's number or letter at `i`: `.`, `)` or `.)`, then a space; returns the
    /// marker's end.
    fn marker_end(&self, i: usize) -> Option<usize> {
        let b = self.bytes;
        let mut j = i;
        if b.get(j) == Some(&b'.') {
            j += 1;
        }
        if b.get(j) == Some(&b')') {
            j += 1;
        }
        (j > i && b.get(j).is_some_and(|c| *c == b' ' || *c == b'\t')).then_some(j)
    }

    /// A list-item marker at `i` (`1.`, `2)`, `a.`), with its value and end.
    fn item_marker(&self, i: usize, end: usize) -> Option<(Marker, usize)> {
        let b = &self.bytes[..end];
        let digits = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if (1..=3).contains(&digits) {
            let n = self.text[i..i + digits].parse().ok()?;
            return self.marker_end(i + digits).map(|e| (Marker::Number(n), e));
        }
        let letter = *b.get(i)?;
        let alone = !b.get(i + 1).is_some_and(u8::is_ascii_alphabetic);
        if letter.is_ascii_lowercase() && alone {
            return self.marker_end(i + 1).map(|e| (Marker::Letter(letter), e));
        }
        None
    }

    /// The next marker of value `value` after a space in `[from, end)`: its start and end.
    fn find_marker(&self, value: &Marker, from: usize, end: usize) -> Option<(usize, usize)> {
        let label = match value {
            Marker::Number(n) => n.to_string(),
            Marker::Letter(c) => char::from(*c).to_string(),
        };
        let mut pos = from;
        while let Some(k) = memmem::find(&self.bytes[pos..end], label.as_bytes()) {
            let at = pos + k;
            pos = at + 1;
            let mut start = at;
            // A bullet before the number (`⁃10.`) belongs to the marker.
            if let Some(bullet) = BULLETS.iter().find(|b| self.text[..at].ends_with(**b)) {
                start -= bullet.len_utf8();
            }
            if self.space_before(start) {
                if let Some(e) = self.marker_end(at + label.len()).filter(|e| *e <= end) {
                    return Some((start, e));
                }
            }
        }
        None
    }

    /// A line starting with a bullet, `- `, `* ` or a list marker.
    fn item_line(&self, start: usize, end: usize) -> bool {
        self.starts_with_bullet(start)
            || (matches!(self.bytes[start], b'-' | b'*')
                && self.bytes.get(start + 1) == Some(&b' '))
            || self.item_marker(start, end).is_some()
    }

    fn starts_with_bullet(&self, i: usize) -> bool {
        self.text[i..].starts_with(BULLETS)
    }

    fn space_before(&self, i: usize) -> bool {
        i > 0 && is_space_end(self.bytes, i)
    }

    /// `[s, e)` without surrounding whitespace.
    fn trim(&self, s: usize, e: usize) -> (usize, usize) {
        match self.text.get(s..e) {
            Some(t) => {
                let start = s + (t.len() - t.trim_start().len());
                (start, start + t.trim().len())
            }
            None => (s, s),
        }
    }

    fn skip_space(&self, mut i: usize, end: usize) -> usize {
        while i < end {
            match space_len(&self.bytes[i..]) {
                0 => break,
                n => i += n,
            }
        }
        i
    }

    /// Adds `[s, e)`, trimmed, as a sentence of the current paragraph.
    fn emit(&mut self, s: usize, e: usize) {
        let (s, e) = self.trim(s, e);
        if s == e {
            return;
        }
        let paragraph = *self.paragraph.get_or_insert_with(|| {
            self.next_paragraph += 1;
            self.next_paragraph - 1
        });
        self.out.push(Sentence { span: Span::new(s, e), paragraph });
    }
}

/// A list item's number or letter.
enum Marker {
    Number(u32),
    Letter(u8),
}

fn successor(marker: &Marker) -> Marker {
    match marker {
        Marker::Number(n) => Marker::Number(n + 1),
        Marker::Letter(c) => Marker::Letter(c.saturating_add(1)),
    }
}

/// A word of letters with inner periods (`U.S`, `Ph.D`, `e.g`), each part at most 3 letters.
fn is_dotted(word: &[u8]) -> bool {
    word.contains(&b'.')
        && word.split(|b| *b == b'.').all(|p| p.len() <= 3 && p.iter().all(u8::is_ascii_alphabetic))
}

/// Length of the whitespace character starting `b` (ASCII space, NBSP, Unicode spaces), or 0.
fn space_len(b: &[u8]) -> usize {
    match b {
        [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c, ..] => 1,
        [0xc2, 0xa0, ..] => 2,
        [0xe2, 0x80, 0x80..=0x8a | 0xa8 | 0xa9 | 0xaf, ..] | [0xe2, 0x81, 0x9f, ..] => 3,
        [0xe3, 0x80, 0x80, ..] => 3,
        _ => 0,
    }
}

/// Whether a whitespace character ends just before `i`.
fn is_space_end(b: &[u8], i: usize) -> bool {
    (i >= 1 && space_len(&b[i - 1..]) == 1)
        || (i >= 2 && space_len(&b[i - 2..]) == 2)
        || (i >= 3 && space_len(&b[i - 3..]) == 3)
}

/// Length of a closing quote or bracket starting `b`, or 0.
fn closer_len(b: &[u8]) -> usize {
    match b {
        [b'"' | b'\'' | b')' | b']' | b'}', ..] => 1,
        [0xe2, 0x80, 0x9d | 0x99, ..] => 3,
        [0xc2, 0xbb, ..] => 2,
        _ => 0,
    }
}

/// Length of an opening quote or bracket starting `b`, or 0.
fn opener_len(b: &[u8]) -> usize {
    match b {
        [b'"' | b'\'' | b'(' | b'[' | b'{', ..] => 1,
        [0xe2, 0x80, 0x9c | 0x98, ..] => 3,
        [0xc2, 0xab, ..] => 2,
        _ => 0,
    }
}
