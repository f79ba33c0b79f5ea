/*!
Article layout: leading timestamp, title line, dateline and trailing boilerplate.

Found once per document, before segmentation, by a few anchored scans of the first and last
lines (no regex): the cost does not grow with the article. The boilerplate phrases and the
words allowed in datelines are data (`boilerplate.txt`, `dateline_words.tsv`).
*/
use std::collections::HashSet;
use std::sync::OnceLock;

use chrono::NaiveDate;

use crate::data::Gazetteers;
use crate::doc::{Dateline, Layout, Span};
use crate::error::Result;

/// What layout detection found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The layout.
    pub layout: Layout,
    /// A publication date read from a leading timestamp.
    pub published: Option<NaiveDate>,
}

/// Finds the layout of `text` with the embedded word lists. `plain_text` is true for a
/// plain-text file, whose first lines may hold a timestamp and a title; JSON articles carry
/// those as fields.
pub fn detect(text: &str, plain_text: bool) -> Found {
    static DEFAULT: OnceLock<Option<Layouter>> = OnceLock::new();
    match DEFAULT.get_or_init(|| Layouter::new(&Gazetteers::embedded()).ok()) {
        Some(layouter) => layouter.detect(text, plain_text),
        None => Found {
            layout: Layout { body: Span::new(0, text.len()), ..Layout::default() },
            published: None,
        },
    }
}

/// Layout detection built from its word lists.
#[derive(Debug, Clone)]
pub struct Layouter {
    lines: Vec<String>,
    prefixes: Vec<String>,
    signoffs: Vec<String>,
    particles: HashSet<String>,
    months: HashSet<String>,
}

/// Longest title line taken as a title, in bytes.
const MAX_TITLE: usize = 300;
/// Longest dateline (place, date and agency) before its dash, in bytes.
const MAX_DATELINE: usize = 80;
/// Most trailing lines examined for boilerplate.
const MAX_BOILERPLATE_LINES: usize = 6;

impl Layouter {
    /// Loads `boilerplate.txt` and `dateline_words.tsv`.
    pub fn new(gazetteers: &Gazetteers) -> Result<Layouter> {
        let file = gazetteers.file("boilerplate.txt")?;
        let mut layouter = Layouter {
            lines: Vec::new(),
            prefixes: Vec::new(),
            signoffs: Vec::new(),
            particles: HashSet::new(),
            months: HashSet::new(),
        };
        for row in file.tsv(2)? {
            let phrase = row.get(1).to_string();
            match row.get(0) {
                "line" => layouter.lines.push(phrase),
                // Keep the trailing space of a prefix (`Reporting by `): tsv() trims columns.
                "prefix" => layouter.prefixes.push(phrase + " "),
                "signoff" => layouter.signoffs.push(phrase),
                other => {
                    return Err(file.error(row.line, format!("unknown boilerplate kind {other:?}")))
                }
            }
        }
        let words = gazetteers.file("dateline_words.tsv")?;
        for row in words.tsv(2)? {
            let word = row.get(0);
            match row.get(1) {
                "particle" => layouter.particles.insert(word.to_string()),
                // Wire copy writes months in any case (`FEb 26`): kept folded.
                "month" => layouter.months.insert(word.to_ascii_lowercase()),
                other => {
                    return Err(words.error(row.line, format!("unknown dateline class {other:?}")))
                }
            };
        }
        Ok(layouter)
    }

    /// Finds the layout of `text` (see [`detect`]).
    pub fn detect(&self, text: &str, plain_text: bool) -> Found {
        let mut found = Found::default();
        let mut body_start = 0;
        if plain_text {
            body_start = self.header(text, &mut found);
        }
        let body_start = skip_space(text, body_start);
        let (body_end, boilerplate) = self.trailer(text, body_start);
        found.layout.boilerplate = boilerplate;
        found.layout.body = Span::new(body_start, body_end.max(body_start));
        found.layout.dateline =
            self.dateline(&text[body_start..body_end.max(body_start)]).map(|d| Dateline {
                span: Span::new(body_start + d.span.start, body_start + d.span.end),
                place: Span::new(body_start + d.place.start, body_start + d.place.end),
            });
        found
    }

    /// Reads the timestamp and title of a plain-text file; returns where the body starts.
    fn header(&self, text: &str, found: &mut Found) -> usize {
        let start = skip_space(text, 0);
        let (line_end, next) = line_at(text, start);
        let mut title_from = start;
        let mut title_line_end = line_end;
        let mut after_title = next;
        if let Some((len, date)) = timestamp(&text[start..line_end]) {
            let mut end = start + len;
            if text[end..line_end].starts_with(':') {
                end += 1;
            }
            found.published = Some(date);
            found.layout.timestamp = Some(Span::new(start, end));
            let rest = skip_inline_space(text, end);
            if rest >= line_end {
                // A timestamp line of its own: the title is the next line.
                title_from = next;
                (title_line_end, after_title) = line_at(text, next);
                if title_from >= text.len() {
                    return next;
                }
            } else {
                title_from = rest;
            }
        }
        let marked = text[title_from..title_line_end].starts_with('#');
        let words_from =
            skip_inline_space(text, title_from + count_leading(text, title_from, b'#'));
        let line = text[words_from..title_line_end].trim_end();
        let words_end = words_from + line.len();
        let blank_after = after_title >= text.len() || {
            let (e, _) = line_at(text, after_title);
            text[after_title..e].trim().is_empty()
        };
        let is_title = !line.is_empty()
            && line.len() <= MAX_TITLE
            && !line.ends_with('.')
            && blank_after
            && (marked
                || found.layout.timestamp.is_some()
                || self.dateline(line).is_none_or(|d| d.span.end < line.len()));
        if is_title {
            found.layout.title = Some(Span::new(words_from, words_end));
            after_title
        } else if found.layout.timestamp.is_some() {
            title_from
        } else {
            0
        }
    }

    /// Finds trailing boilerplate lines; returns the body end and the boilerplate spans (in
    /// text order).
    fn trailer(&self, text: &str, body_start: usize) -> (usize, Vec<Span>) {
        let mut end = text.len();
        let mut spans = Vec::new();
        for round in 0..MAX_BOILERPLATE_LINES {
            let content_end = text[..end].trim_end().len();
            if content_end <= body_start {
                break;
            }
            let line_start = text[..content_end].rfind('\n').map_or(0, |i| i + 1).max(body_start);
            let line = text[line_start..content_end].trim_start();
            let line_start = content_end - line.len();
            let whole = self.lines.iter().any(|l| l == line)
                || self.prefixes.iter().any(|p| line.starts_with(p.as_str()))
                || self.signoffs.iter().any(|s| s == line);
            if whole {
                spans.push(Span::new(line_start, content_end));
                end = line_start;
                continue;
            }
            // A sign-off run into the last paragraph: `... said.  Reuter`.
            if round == 0 {
                let space = line.char_indices().rev().find(|(_, c)| c.is_whitespace());
                if let Some(word_start) = space.map(|(i, c)| i + c.len_utf8()) {
                    let word = &line[word_start..];
                    let before = line[..word_start].trim_end();
                    if self.signoffs.iter().any(|s| s == word)
                        && before.ends_with(['.', '!', '?', '"', '\u{201d}'])
                    {
                        spans.push(Span::new(line_start + word_start, content_end));
                        end = line_start + word_start;
                    }
                }
            }
            break;
        }
        spans.reverse();
        (text[..end].trim_end().len().max(body_start), spans)
    }

    /// A dateline at the start of `body`: `PLACE[, Region][, Mon DD][ (Agency)] -` inline, or
    /// `PLACE, Region` on a line of its own. Offsets are relative to `body`.
    fn dateline(&self, body: &str) -> Option<Dateline> {
        let bytes = body.as_bytes();
        let limit = body.len().min(MAX_DATELINE + 8);
        let mut i = 0;
        let mut place_end = 0;
        let mut words = 0;
        let mut first_caps = false;
        let mut region = false;
        let mut dated = false;
        // Place words, separated by spaces or `, `.
        while i < limit {
            let Some((word_end, caps)) = place_word(body, i) else { break };
            let word = &body[i..word_end];
            let is_particle = self.particles.contains(word);
            if words > 0 && self.months.contains(&word.trim_end_matches('.').to_ascii_lowercase()) {
                // `SALVADOR, Feb 26 -`: a date ends the place.
                let d = skip_inline_space(body, word_end);
                let digits = bytes[d..].iter().take_while(|b| b.is_ascii_digit()).count();
                if (1..=2).contains(&digits) && bytes.get(word_end) == Some(&b' ') {
                    i = d + digits;
                    dated = true;
                    break;
                }
            }
            if !is_particle && !word.starts_with(|c: char| c.is_uppercase()) {
                return None;
            }
            if words == 0 {
                first_caps = caps && word.len() >= 2;
            }
            words += 1;
            place_end = word_end;
            i = word_end;
            match bytes.get(i) {
                Some(b',') if bytes.get(i + 1) == Some(&b' ') => {
                    region = true;
                    i += 2;
                }
                Some(b' ') if next_is_word(body, i + 1) => i += 1,
                _ => break,
            }
            if words > 8 {
                return None;
            }
        }
        if place_end == 0 || place_end > MAX_DATELINE {
            return None;
        }
        if !dated {
            i = place_end;
        }
        let mut agency = false;
        let after = skip_inline_space(body, i);
        if bytes.get(after) == Some(&b'(') {
            let close = body[after..].find(')').filter(|&c| c <= 32)?;
            agency = true;
            i = after + close + 1;
        }
        let d = skip_inline_space(body, i);
        let dash_len = dash_at(body, d);
        if dash_len > 0 {
            let end = d + dash_len;
            let follows = body[end..].chars().next();
            let ok = follows.is_none_or(char::is_whitespace)
                && (first_caps || region || agency || dated)
                && (d > i || agency);
            return ok
                .then(|| Dateline { span: Span::new(0, end), place: Span::new(0, place_end) });
        }
        // On a line of its own: `KIRKUK, Iraq`.
        let line_end = body[place_end..].find('\n').map_or(body.len(), |e| place_end + e);
        let own_line = body[place_end..line_end].trim().is_empty();
        (own_line && first_caps && region && !dated && !agency)
            .then(|| Dateline { span: Span::new(0, place_end), place: Span::new(0, place_end) })
    }
}

/// A place word at `i`: letters, `.`, `-`, `'`, `’`; returns its end and whether it is in
/// capitals.
fn place_word(text: &str, i: usize) -> Option<(usize, bool)> {
    let mut end = i;
    let mut letters = 0;
    let mut upper = 0;
    for (k, c) in text[i..].char_indices() {
        if c.is_alphabetic() {
            letters += 1;
            upper += usize::from(c.is_uppercase());
        } else if !matches!(c, '.' | '-' | '\'' | '\u{2019}') {
            break;
        }
        end = i + k + c.len_utf8();
    }
    (letters > 0).then_some((end, letters == upper))
}

fn next_is_word(text: &str, i: usize) -> bool {
    text.get(i..).and_then(|t| t.chars().next()).is_some_and(char::is_alphabetic)
}

/// Length of a dateline dash at `i` (`-`, `--`, `–`, `—`, `_`), or 0.
fn dash_at(text: &str, i: usize) -> usize {
    let rest = &text[i..];
    if rest.starts_with("--") {
        2
    } else if rest.starts_with(['-', '_']) {
        1
    } else if rest.starts_with(['\u{2013}', '\u{2014}']) {
        3
    } else {
        0
    }
}

/// Skips whitespace (any Unicode space, newlines included) from `i`.
fn skip_space(text: &str, i: usize) -> usize {
    text.len() - text[i..].trim_start().len()
}

/// Skips spaces and tabs from `i`.
fn skip_inline_space(text: &str, i: usize) -> usize {
    i + text.as_bytes()[i..].iter().take_while(|b| **b == b' ' || **b == b'\t').count()
}

fn count_leading(text: &str, i: usize, byte: u8) -> usize {
    text.as_bytes()[i..].iter().take_while(|b| **b == byte).count()
}

/// The line starting at `i`: its content end (before `\r\n`/`\n`) and the next line's start.
fn line_at(text: &str, i: usize) -> (usize, usize) {
    match memchr::memchr(b'\n', &text.as_bytes()[i..]) {
        Some(n) => {
            let end = i + n;
            let content = if end > i && text.as_bytes()[end - 1] == b'\r' { end - 1 } else { end };
            (content, end + 1)
        }
        None => (text.len(), text.len()),
    }
}

const MONTHS: [&str; 12] =
    ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A timestamp at the start of `line`: `Sat Dec 27 13:46:17 UTC 2025`, RFC 2822
/// (`Tue, 04 Nov 2025 07:20:00 +0000`), RFC 3339 or a bare `2025-12-27`. Returns its length
/// and date.
pub fn timestamp(line: &str) -> Option<(usize, NaiveDate)> {
    iso_timestamp(line).or_else(|| unix_date(line)).or_else(|| rfc2822(line))
}

fn iso_timestamp(line: &str) -> Option<(usize, NaiveDate)> {
    let b = line.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r.clone()).is_some_and(|s| s.iter().all(u8::is_ascii_digit))
    };
    if !(digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10))
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(&line[0..4])?, num(&line[5..7])?, num(&line[8..10])?)?;
    let mut end = 10;
    if matches!(b.get(10), Some(b'T' | b't'))
        || (b.get(10) == Some(&b' ') && digits(11..13) && b.get(13) == Some(&b':'))
    {
        end = 11
            + b[11..]
                .iter()
                .take_while(|c| {
                    c.is_ascii_digit() || matches!(c, b':' | b'.' | b'+' | b'-' | b'Z' | b'z')
                })
                .count();
    }
    if b.get(end).is_some_and(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some((end, date))
}

/// `date(1)` output: `Sat Dec 27 13:46:17 UTC 2025`.
fn unix_date(line: &str) -> Option<(usize, NaiveDate)> {
    let tokens = tokens(line, 6);
    let [wd, mon, day, time, _zone, year] = tokens.as_slice() else { return None };
    if !WEEKDAYS.contains(&wd.1) || !time.1.contains(':') {
        return None;
    }
    let month = MONTHS.iter().position(|m| *m == mon.1)? as u32 + 1;
    // `2025:` when a title follows on the same line.
    let year_digits = year.1.trim_end_matches(':');
    let date = NaiveDate::from_ymd_opt(num(year_digits)?, month, num(day.1)?)?;
    (year_digits.len() == 4).then_some((year.0 + 4, date))
}

/// RFC 2822: `[Tue, ]04 Nov 2025 07:20:00 +0000`.
fn rfc2822(line: &str) -> Option<(usize, NaiveDate)> {
    let mut tokens = tokens(line, 6);
    if tokens
        .first()
        .is_some_and(|t| t.1.ends_with(',') && WEEKDAYS.contains(&t.1.trim_end_matches(',')))
    {
        tokens.remove(0);
    }
    let [day, mon, year, time, zone, ..] = tokens.as_slice() else { return None };
    let month = MONTHS.iter().position(|m| *m == mon.1)? as u32 + 1;
    if !time.1.contains(':') || year.1.len() != 4 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(year.1)?, month, num(day.1)?)?;
    let zone_ok = zone.1.starts_with(['+', '-']) || zone.1.chars().all(|c| c.is_ascii_uppercase());
    let end = if zone_ok { zone.0 + zone.1.len() } else { time.0 + time.1.len() };
    Some((end, date))
}

/// The first `n` space-separated tokens of `line` with their offsets.
fn tokens(line: &str, n: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::with_capacity(n);
    let mut i = 0;
    while out.len() < n {
        i = skip_inline_space(line, i);
        let len = line[i..].find([' ', '\t']).unwrap_or(line.len() - i);
        if len == 0 {
            break;
        }
        out.push((i, &line[i..i + len]));
        i += len;
    }
    out
}

fn num<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.parse().ok()
}

#[cfg(test)]
mod tests;
