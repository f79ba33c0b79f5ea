//! Number phrases in digits and words (`1,200`, `twenty-five`, `a dozen`, `dozens`).
use std::collections::HashMap;

use crate::data::DataFile;
use crate::error::Result;

/// One number word's value and flags.
#[derive(Debug, Clone, Copy, Default)]
struct Word {
    value: u32,
    mult: bool,
    noun: bool,
    estimate: bool,
    lower: bool,
}

/// A number read from text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Read {
    /// The value.
    pub value: u32,
    /// Counts only with a singular victim noun after it (`an interpreter`).
    pub needs_noun: bool,
    /// A vague amount coded as a fixed number (`dozens`).
    pub estimate: bool,
    /// The value is a minimum (`dozens` = at least 12).
    pub lower: bool,
}

/// The number words of `number_words.tsv`.
pub(super) struct Numbers {
    words: HashMap<String, Word>,
}

impl Numbers {
    /// Loads `number_words.tsv`.
    pub fn load(file: &DataFile) -> Result<Numbers> {
        let mut words = HashMap::new();
        for row in file.tsv(2)? {
            let value = row
                .get(1)
                .parse()
                .map_err(|_| file.error(row.line, format!("not a number: {:?}", row.get(1))))?;
            let mut w = Word { value, ..Word::default() };
            for flag in row.list(2).flat_map(|f| f.split(',')) {
                match flag.trim() {
                    "mult" => w.mult = true,
                    "noun" => w.noun = true,
                    "singular" => {}
                    "estimate" => w.estimate = true,
                    "lower" => w.lower = true,
                    other => return Err(file.error(row.line, format!("unknown flag {other:?}"))),
                }
            }
            words.insert(row.get(0).to_ascii_lowercase(), w);
        }
        Ok(Numbers { words })
    }

    /// The regex for a number in words: determiners (`a`, `the`) alone or before a number
    /// word, or number words joined by spaces or hyphens.
    pub fn pattern(&self, lists: &mut super::lists::Lists) -> String {
        let dets: Vec<&str> =
            self.words.iter().filter(|(_, w)| w.noun).map(|(k, _)| k.as_str()).collect();
        let nums: Vec<&str> =
            self.words.iter().filter(|(_, w)| !w.noun).map(|(k, _)| k.as_str()).collect();
        let det = lists.alternation(dets.into_iter());
        let num = lists.alternation(nums.into_iter());
        format!("(?:(?:{det} )?{num}(?:(?:-| |-and-| and ){num})*|{det})(?-u:\\b)")
    }

    /// True for a digit string or a number word other than a determiner (`three`, `12`).
    pub fn is_number(&self, word: &str) -> bool {
        word.bytes().all(|b| b.is_ascii_digit() || b == b',') && !word.is_empty()
            || self.words.get(&word.to_ascii_lowercase()).is_some_and(|w| !w.noun)
    }

    /// The value of a number phrase in digits or words.
    pub fn read(&self, text: &str) -> Option<Read> {
        let t = text.trim();
        if t.starts_with(|c: char| c.is_ascii_digit()) {
            let digits: String = t.chars().filter(|c| *c != ',').collect();
            let value = digits.parse().ok()?;
            return Some(Read { value, needs_noun: false, estimate: false, lower: false });
        }
        let lower = t.to_ascii_lowercase();
        if let Some(w) = self.words.get(&lower) {
            return Some(Read {
                value: w.value,
                needs_noun: w.noun,
                estimate: w.estimate,
                lower: w.lower,
            });
        }
        let mut total = 0u32;
        let mut current = 0u32;
        let mut read = Read { value: 0, needs_noun: false, estimate: false, lower: false };
        let tokens: Vec<&str> =
            lower.split([' ', '-']).filter(|t| !t.is_empty() && *t != "and").collect();
        // a multiword entry (`a few`) is matched whole above; here words combine.
        for (i, tok) in tokens.iter().enumerate() {
            let w = self.words.get(*tok)?;
            read.estimate |= w.estimate;
            read.lower |= w.lower;
            if w.noun {
                // `a dozen` keeps the determiner as one; `the two` drops it.
                if tokens.get(i + 1).and_then(|n| self.words.get(*n)).is_some_and(|n| n.mult) {
                    current = 1;
                }
                continue;
            }
            if w.mult {
                current = current.max(1).saturating_mul(w.value);
                if w.value >= 1000 {
                    total = total.saturating_add(current);
                    current = 0;
                }
            } else {
                current = current.saturating_add(w.value);
            }
        }
        read.value = total.saturating_add(current);
        Some(read)
    }
}
