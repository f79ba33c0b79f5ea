/*!
Small text helpers for the events stage: clauses, word windows and noun phrases, all on byte
offsets that stay on char boundaries (they only ever cut at ASCII bytes).
*/
use super::data::{Cue, WordClasses};

/// Clause punctuation: a perpetrator or target is looked for within one clause.
fn is_clause_break(c: char) -> bool {
    matches!(c, ',' | ';' | ':' | '(' | ')' | '—' | '–' | '"' | '“' | '”')
}

/// Start of the clause that contains `pos`, not before `floor`.
pub(crate) fn clause_start(text: &str, floor: usize, pos: usize) -> usize {
    text.get(floor..pos)
        .and_then(|s| {
            s.rfind(is_clause_break)
                .map(|i| floor + i + s[i..].chars().next().map_or(1, char::len_utf8))
        })
        .unwrap_or(floor)
}

/// End of the clause that starts before `pos`, not after `ceiling`.
pub(crate) fn clause_end(text: &str, pos: usize, ceiling: usize) -> usize {
    text.get(pos..ceiling).and_then(|s| s.find(is_clause_break).map(|i| pos + i)).unwrap_or(ceiling)
}

/// Start of the `n`-th word before `pos`, not before `floor` (words split on ASCII whitespace).
pub(crate) fn words_before(text: &str, floor: usize, pos: usize, n: usize) -> usize {
    let b = text.as_bytes();
    let mut i = pos.min(b.len());
    for _ in 0..n {
        while i > floor && b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
        while i > floor && !b[i - 1].is_ascii_whitespace() {
            i -= 1;
        }
    }
    i
}

/// End of the `n`-th word after `pos`, not after `ceiling`.
pub(crate) fn words_after(text: &str, pos: usize, ceiling: usize, n: usize) -> usize {
    let b = text.as_bytes();
    let ceiling = ceiling.min(b.len());
    let mut i = pos.min(ceiling);
    for _ in 0..n {
        while i < ceiling && b[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < ceiling && !b[i].is_ascii_whitespace() {
            i += 1;
        }
    }
    i
}

/// The lower-cased words of `text[start..end]`.
pub(crate) fn words(text: &str, start: usize, end: usize) -> Vec<String> {
    text.get(start..end)
        .unwrap_or("")
        .split_ascii_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_ascii_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

/// True when `text[start..end]` holds at most `n` of the words of [`words`] (counted without
/// building them).
pub(crate) fn at_most_words(text: &str, start: usize, end: usize, n: usize) -> bool {
    let words = text.get(start..end).unwrap_or("").split_ascii_whitespace();
    words.filter(|w| w.chars().any(char::is_alphanumeric)).nth(n).is_none()
}

/// The noun phrase starting at `pos` (after whitespace), up to a stop word (class
/// `phrase_stop`), punctuation, a word for which `stop(start, end)` holds (a trigger: `kills`)
/// or six words, without a leading determiner or adverb: (start, end).
pub(crate) fn phrase_after(
    text: &str,
    pos: usize,
    ceiling: usize,
    words: &WordClasses,
    stop: &dyn Fn(usize, usize) -> bool,
) -> Option<(usize, usize)> {
    let b = text.as_bytes();
    let ceiling = ceiling.min(b.len());
    if !text.is_char_boundary(ceiling) || !text.is_char_boundary(pos) || pos > ceiling {
        return None;
    }
    let mut i = pos;
    let (mut start, mut end, mut count) = (None, pos, 0);
    while i < ceiling && count < 6 {
        while i < ceiling && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let word_start = i;
        while i < ceiling && !b[i].is_ascii_whitespace() {
            i += 1;
        }
        if word_start == i {
            break;
        }
        let raw = &text[word_start..i];
        let trimmed = raw.trim_end_matches(|c: char| c.is_ascii_punctuation() && c != '-');
        let trimmed = trimmed.trim_end_matches(['’', '”', '“']);
        let lower = trimmed.to_ascii_lowercase();
        if trimmed.is_empty() || trimmed.starts_with(|c: char| c.is_ascii_punctuation() || c == '“')
        {
            break;
        }
        if start.is_none() && words.has(&lower, Cue::Determiner) {
            continue;
        }
        if words.has(&lower, Cue::PhraseStop) || stop(word_start, word_start + trimmed.len()) {
            break;
        }
        if start.is_none() && lower.ends_with("ly") {
            return None;
        }
        start.get_or_insert(word_start);
        end = word_start + trimmed.len();
        count += 1;
        if trimmed.len() < raw.len() {
            break;
        }
    }
    start.map(|s| (s, end))
}

/// The noun phrase of a clause ending at `end` (a passive subject): from the clause start, without
/// a leading determiner, at most six words.
pub(crate) fn phrase_before(
    text: &str,
    floor: usize,
    end: usize,
    words: &WordClasses,
    stop: &dyn Fn(usize, usize) -> bool,
) -> Option<(usize, usize)> {
    let start = clause_start(text, floor, end).max(words_before(text, floor, end, 6));
    let mut span = phrase_after(text, start, end, words, stop)?;
    span.1 = span.1.min(end);
    let s = text.get(span.0..span.1)?.trim_end();
    (!s.is_empty()).then(|| (span.0, span.0 + s.len()))
}
