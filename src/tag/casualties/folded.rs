//! Unit text with each run of blanks folded to one space, and patterns run over it.
//!
//! A space of a rule pattern stands for a run of blanks (`killing  one`, a line break). Were
//! it compiled as `[ \t\r\n]+`, the phrases of the word lists (`at least`, `shot dead`) would
//! be no literals and would not share the lists' prefix tries: every phrase became a branch of
//! its own in each lazy-DFA state, and the automata were half again as costly to build and to
//! run. So the patterns keep literal spaces and run over the folded text; the offsets of their
//! groups map back to the text. That gives the same groups: no part of a pattern that can
//! end or start a group takes blanks next to a space of the pattern (the lazy `[^;]*?` stops
//! before a run, as the space after it takes the whole run), so no group edge falls inside a
//! run.
use std::borrow::Cow;

use regex::Regex;

/// A unit's text and its folded form.
pub(super) struct Folded<'t> {
    text: &'t str,
    folded: Cow<'t, str>,
    /// Per byte of `folded` (and one past its end), the offset in `text`; empty when nothing
    /// was folded (the common case: one space between words).
    map: Vec<u32>,
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

impl<'t> Folded<'t> {
    /// Folds `text`.
    pub fn new(text: &'t str) -> Folded<'t> {
        let bytes = text.as_bytes();
        let plain = !bytes.iter().enumerate().any(|(i, &b)| {
            matches!(b, b'\t' | b'\r' | b'\n') || b == b' ' && bytes.get(i + 1) == Some(&b' ')
        });
        if plain {
            return Folded { text, folded: Cow::Borrowed(text), map: Vec::new() };
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut map = Vec::with_capacity(bytes.len() + 1);
        let mut i = 0;
        while i < bytes.len() {
            map.push(i as u32);
            if is_blank(bytes[i]) {
                out.push(b' ');
                while i < bytes.len() && is_blank(bytes[i]) {
                    i += 1;
                }
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        map.push(bytes.len() as u32);
        // Only ASCII blanks were replaced, each run by an ASCII space.
        let folded = String::from_utf8(out).map_or(Cow::Borrowed(text), Cow::Owned);
        Folded { text, folded, map }
    }

    /// The original text.
    pub fn text(&self) -> &'t str {
        self.text
    }

    /// The offset in the folded text of `at` in the text (past the run when inside one).
    fn fold(&self, at: usize) -> usize {
        if self.map.is_empty() {
            at
        } else {
            self.map.partition_point(|&m| (m as usize) < at)
        }
    }

    /// The offset in the text of `at` in the folded text.
    fn unfold(&self, at: usize) -> usize {
        self.map.get(at).map_or(at, |&m| m as usize)
    }
}

/// A group of a [`Caps`], with offsets relative to its haystack.
#[derive(Clone, Copy)]
pub(super) struct Group<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Group<'t> {
    /// Start offset.
    pub fn start(&self) -> usize {
        self.start
    }
    /// End offset.
    pub fn end(&self) -> usize {
        self.end
    }
    /// The group's text.
    pub fn as_str(&self) -> &'t str {
        self.text
    }
}

/// The groups of a pattern's match, in offsets of the (unfolded) haystack it was run on.
pub(super) struct Caps<'t, 'p> {
    hay: &'t str,
    groups: Vec<Option<(usize, usize)>>,
    names: &'p [Option<String>],
}

impl<'t> Caps<'t, '_> {
    /// Group `i` (0 is the whole match).
    pub fn get(&self, i: usize) -> Option<Group<'t>> {
        let (start, end) = (*self.groups.get(i)?)?;
        Some(Group { start, end, text: self.hay.get(start..end)? })
    }
    /// The group named `name`.
    pub fn name(&self, name: &str) -> Option<Group<'t>> {
        self.get(self.names.iter().position(|n| n.as_deref() == Some(name))?)
    }
}

/// A compiled pattern with literal spaces, run over folded text.
pub(super) struct Pattern {
    re: Regex,
    names: Vec<Option<String>>,
}

impl Pattern {
    /// Wraps a compiled pattern.
    pub fn new(re: Regex) -> Pattern {
        let names = re.capture_names().map(|n| n.map(str::to_string)).collect();
        Pattern { re, names }
    }

    /// The index of the group named `name`.
    pub fn index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n.as_deref() == Some(name))
    }

    /// The match in `f.text()[start..end]` found from `at` (as `captures_at` finds it), with
    /// group offsets relative to `start`. `start` is not inside a run of blanks.
    pub fn captures<'t>(
        &self,
        f: &Folded<'t>,
        start: usize,
        end: usize,
        at: usize,
    ) -> Option<Caps<'t, '_>> {
        let (fs, fe) = (f.fold(start), f.fold(end));
        let c = self.re.captures_at(f.folded.get(fs..fe)?, f.fold(at).checked_sub(fs)?)?;
        let groups = (0..c.len())
            .map(|i| {
                c.get(i).map(|m| (f.unfold(fs + m.start()) - start, f.unfold(fs + m.end()) - start))
            })
            .collect();
        Some(Caps { hay: f.text.get(start..end)?, groups, names: &self.names })
    }

    /// True when the pattern matches in `f.text()[start..]` (`start` not inside a run).
    pub fn is_match(&self, f: &Folded, start: usize) -> bool {
        f.folded.get(f.fold(start)..).is_some_and(|h| self.re.is_match(h))
    }
}
