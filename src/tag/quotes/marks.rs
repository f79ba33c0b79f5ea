/*!
Quote spans from quote marks alone, before any attribution (CoreNLP's order): marks are found with
`memchr`, paired within a paragraph, and an unclosed quote is kept only under the open-quote
continuation convention, so an unbalanced mark never swallows more than its own paragraph.
*/
use memchr::{memchr2_iter, memchr3_iter, memchr_iter};

/// Which way a mark faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Open,
    Close,
    /// Straight marks have no direction: it comes from the flanking characters and the state.
    Either,
}

/// One quote mark in the text.
#[derive(Debug, Clone, Copy)]
struct Mark {
    pos: usize,
    len: usize,
    dir: Dir,
    /// Double-level (`"`, `“”`, `«»`, ``` `` ```, `''`) or single-level (`'`, `‘’`).
    double: bool,
}

/// A quotation found from its marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RawQuote {
    /// Byte where the opening mark starts.
    pub open: usize,
    /// First byte of the quoted words.
    pub start: usize,
    /// One past the last quoted byte.
    pub end: usize,
    /// One past the closing mark (equals `end` for an unclosed paragraph under continuation).
    pub close: usize,
    /// Start of the paragraph the quote lies in.
    pub para_start: usize,
    /// End of that paragraph.
    pub para_end: usize,
    /// Index of that paragraph.
    pub para: usize,
    /// The quote runs on into the next paragraph (left unclosed, next paragraph reopens).
    pub runs_on: bool,
}

fn is_space(c: Option<char>) -> bool {
    c.is_none_or(char::is_whitespace)
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// All quote marks in `text`, in order.
fn marks(text: &str) -> Vec<Mark> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    for pos in memchr3_iter(b'"', b'\'', b'`', bytes) {
        // a doubled `''` or ``` `` ``` is one double-level mark: skip its second byte
        if pos > 0 && bytes[pos - 1] == bytes[pos] && matches!(bytes[pos], b'\'' | b'`') {
            continue;
        }
        let doubled = bytes.get(pos + 1) == Some(&bytes[pos]) && bytes[pos] != b'"';
        let (len, double) = if doubled { (2, true) } else { (1, bytes[pos] == b'"') };
        let dir = if bytes[pos] == b'`' { Dir::Open } else { Dir::Either };
        out.push(Mark { pos, len, dir, double });
    }
    for pos in memchr2_iter(0xE2, 0xC2, bytes) {
        let mark = match bytes.get(pos..pos + 3) {
            Some([0xE2, 0x80, 0x9C]) | Some([0xE2, 0x80, 0x9E]) => Some((3, Dir::Open, true)),
            Some([0xE2, 0x80, 0x9D]) => Some((3, Dir::Close, true)),
            Some([0xE2, 0x80, 0x98]) => Some((3, Dir::Open, false)),
            Some([0xE2, 0x80, 0x99]) => Some((3, Dir::Close, false)),
            _ => match bytes.get(pos..pos + 2) {
                Some([0xC2, 0xAB]) => Some((2, Dir::Open, true)),
                Some([0xC2, 0xBB]) => Some((2, Dir::Close, true)),
                _ => None,
            },
        };
        if let Some((len, dir, double)) = mark {
            out.push(Mark { pos, len, dir, double });
        }
    }
    out.sort_by_key(|m| m.pos);
    out
}

/// Paragraph boundaries: blank lines, and single line breaks that end a sentence or a quote or
/// start a quote (hard-wrapped lines inside a sentence stay joined).
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let wrapped = hard_wrapped(text);
    let mut out = Vec::new();
    let mut start = 0;
    for nl in memchr_iter(b'\n', bytes) {
        let line = text[start..nl].trim_end();
        let next = text[nl + 1..].trim_start_matches([' ', '\t', '\r']);
        let blank = line.trim().is_empty() || next.starts_with('\n') || next.is_empty();
        let ends = line.ends_with(['.', '!', '?', ':', '"', '\'', '”', '’', '»']);
        let opens = next.starts_with(['"', '“', '‘', '«', '`', '\'', '―', '—', '-']);
        let indented = text[nl + 1..].starts_with([' ', '\t']);
        // in hard-wrapped text (AQUAINT-style newswire) only blank lines and indents count
        if blank || indented || !wrapped && (ends || opens) {
            if !line.trim().is_empty() {
                out.push((start, start + line.len()));
            }
            start = nl + 1;
        }
    }
    if !text[start..].trim().is_empty() {
        out.push((start, text.trim_end().len().max(start)));
    }
    out
}

/// True for hard-wrapped text: many lines, nearly all under 90 bytes, and a good share of them
/// ending inside a sentence.
fn hard_wrapped(text: &str) -> bool {
    let (mut lines, mut short, mut open_ended) = (0, 0, 0);
    // the lines found with `memchr` (blank lines, and so a final line break or `\r`, count not)
    let mut start = 0;
    let ends = memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len()));
    for end in ends {
        let line = text[start..end].trim_end();
        start = end + 1;
        if line.trim().is_empty() {
            continue;
        }
        lines += 1;
        short += usize::from(line.len() < 90);
        open_ended += usize::from(!line.ends_with(['.', '!', '?', ':', '"', '\'', '”', '’']));
    }
    lines >= 6 && short * 10 >= lines * 9 && open_ended * 3 >= lines
}

/// Which way a straight mark faces from its neighbours, if they tell.
fn flank(text: &str, m: &Mark) -> Dir {
    let before = text[..m.pos].chars().next_back();
    let after = text[m.pos + m.len..].chars().next();
    let left = is_space(before)
        || before.is_some_and(|c| matches!(c, '(' | '[' | '{' | '—' | '–' | '-' | '/'));
    let right = is_space(after)
        || after.is_some_and(|c| {
            matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | ']' | '}' | '—' | '–' | '-')
        });
    match (left && !is_space(after), right && !is_space(before)) {
        (true, false) => Dir::Open,
        (false, true) => Dir::Close,
        _ => Dir::Either,
    }
}

/// A single-level mark is a quote mark only at a word edge: never inside `doesn't` or before
/// `'90s`.
fn single_ok(text: &str, m: &Mark, dir: Dir) -> bool {
    let before = text[..m.pos].chars().next_back();
    let after = text[m.pos + m.len..].chars().next();
    if is_word(before) && is_word(after) {
        return false;
    }
    match dir {
        Dir::Open => !is_word(before) && after.is_some_and(char::is_alphabetic),
        _ => !is_space(before),
    }
}

/// Direct quotations in `text`, in text order.
pub(super) fn find(text: &str) -> Vec<RawQuote> {
    let marks = marks(text);
    let paras = paragraphs(text);
    let mut out: Vec<RawQuote> = Vec::new();
    let mut mi = 0;
    for (pi, &(ps, pe)) in paras.iter().enumerate() {
        while mi < marks.len() && marks[mi].pos < ps {
            mi += 1;
        }
        let mut open_d: Option<Mark> = None;
        let mut open_s: Option<Mark> = None;
        let emit = |out: &mut Vec<RawQuote>, o: &Mark, c: &Mark| {
            let (start, end) = (o.pos + o.len, c.pos);
            if start < end && !text[start..end].trim().is_empty() {
                out.push(RawQuote {
                    open: o.pos,
                    start,
                    end,
                    close: c.pos + c.len,
                    para_start: ps,
                    para_end: pe,
                    para: pi,
                    runs_on: false,
                });
            }
        };
        while mi < marks.len() && marks[mi].pos < pe {
            let m = marks[mi];
            mi += 1;
            let dir = if m.dir == Dir::Either { flank(text, &m) } else { m.dir };
            if m.double {
                match (open_d, dir) {
                    (Some(o), Dir::Close | Dir::Either) => {
                        emit(&mut out, &o, &m);
                        open_d = None;
                    }
                    (Some(o), Dir::Open) if m.dir == Dir::Either && o.dir == Dir::Either => {
                        // straight marks alternate: a second opener-looking mark still closes
                        emit(&mut out, &o, &m);
                        open_d = None;
                    }
                    (_, Dir::Open | Dir::Either) => {
                        open_d = Some(m);
                        open_s = None;
                    }
                    (None, Dir::Close) => {}
                }
            } else if open_d.is_none() && single_ok(text, &m, dir) {
                // single marks count only as the outer level: inside a double quote they nest
                match (open_s, dir) {
                    (Some(o), Dir::Close | Dir::Either) => {
                        emit(&mut out, &o, &m);
                        open_s = None;
                    }
                    (None, Dir::Open | Dir::Either) if m.dir != Dir::Close => open_s = Some(m),
                    _ => {}
                }
            }
        }
        // an unclosed quote survives only when the next paragraph reopens one
        if let Some(o) = open_d {
            let next_opens = paras.get(pi + 1).is_some_and(|&(ns, _)| {
                text[ns..].trim_start().starts_with(['"', '“', '«', '`', '\'', '„'])
            });
            let start = o.pos + o.len;
            let end = ps + text[ps..pe].trim_end().len();
            if next_opens && start < end {
                out.push(RawQuote {
                    open: o.pos,
                    start,
                    end,
                    close: end,
                    para_start: ps,
                    para_end: pe,
                    para: pi,
                    runs_on: true,
                });
            }
        }
    }
    out
}
