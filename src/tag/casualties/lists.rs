//! Word lists as automaton fragments instead of regex text.
//!
//! The word lists (victim nouns, number words, casualty terms, each in its cased variants) are
//! alternations of some thousand literals, repeated in most rule patterns: parsing them again
//! in each pattern was nearly all the cost of building the stage. A pattern instead holds one
//! placeholder per list; it is compiled small, and each placeholder in its NFA is replaced by
//! an acyclic automaton of the list ([`Dawg`]) built straight into the NFA. Of two words that
//! match at one place, it prefers the longer, as the alternation of the words longest first
//! does, so the NFA matches exactly as the pattern with the alternation written out (the
//! `regex` engine still gets it written out: [`Lists::expand`]).
use std::collections::HashMap;
use std::sync::Arc;

use regex_automata::nfa::thompson::{self, Builder, State, Transition, NFA};
use regex_automata::util::look::Look;
use regex_automata::util::primitives::StateID;
use regex_automata::PatternID;

/// The first placeholder: characters of the private use area (`U+E000`...), three bytes
/// `EE xx xx` in UTF-8, which no pattern holds otherwise.
const FIRST: u32 = 0xE000;
/// Placeholders stay within `U+E000..=U+EFFF` (all opening with the byte `EE`).
const LAST: u32 = 0xEFFF;

/// What follows each placeholder: an assertion, which keeps the parser from merging
/// placeholders into a class (`(?:{a}|{b})` would lose the order of the two lists) or the
/// compiler from making a byte trie of them; each is then the chain of its three bytes and
/// this assertion.
const GUARD: &str = "(?-u:\\B)";

/// The word lists of the patterns, each known by its placeholder.
#[derive(Default)]
pub(super) struct Lists {
    /// Per placeholder, the words: sorted and distinct.
    lists: Vec<Vec<String>>,
    /// Per placeholder, its automaton.
    dawgs: Vec<Dawg>,
}

impl Lists {
    /// The placeholder standing for an alternation of `words`, in their cased variants
    /// (`killed|Killed|KILLED`): literal alternatives become an acyclic automaton, which keeps
    /// the lazy DFA small, where `(?i)` would make a class per letter.
    pub fn alternation<'a>(&mut self, words: impl Iterator<Item = &'a str>) -> String {
        let mut variants: Vec<String> = Vec::new();
        for w in words {
            let lower = w.to_ascii_lowercase();
            let first = capitalize(&lower, false);
            let title = capitalize(&lower, true);
            let upper = w.to_ascii_uppercase();
            variants.extend([lower, first, title, upper]);
        }
        variants.sort();
        variants.dedup();
        let k = match self.lists.iter().position(|l| *l == variants) {
            Some(k) => k,
            None => {
                self.dawgs.push(Dawg::new(&variants));
                self.lists.push(variants);
                self.lists.len() - 1
            }
        };
        let ch = u32::try_from(k).ok().and_then(|k| FIRST.checked_add(k)).filter(|&c| c <= LAST);
        // more lists than placeholders: an invalid pattern, reported when it is compiled
        ch.and_then(char::from_u32).map_or_else(|| "(".to_string(), |c| format!("{c}{GUARD}"))
    }

    /// The list a placeholder character stands for.
    fn list_of(&self, ch: char) -> Option<&[String]> {
        let k = (ch as u32).checked_sub(FIRST).filter(|_| ch as u32 <= LAST)?;
        self.lists.get(k as usize).map(Vec::as_slice)
    }

    /// `src` with each placeholder written out as the alternation of its words, longest first
    /// (for a regex engine built from pattern text).
    pub fn expand(&self, src: &str) -> String {
        let mut out = String::with_capacity(src.len());
        let mut rest = src;
        while let Some(ch) = rest.chars().next() {
            rest = &rest[ch.len_utf8()..];
            match self.list_of(ch) {
                Some(words) => {
                    let mut words: Vec<&String> = words.iter().collect();
                    words.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
                    let alts: Vec<String> = words.iter().map(|w| regex::escape(w)).collect();
                    out.push_str(&format!("(?:{})", alts.join("|")));
                    rest = rest.strip_prefix(GUARD).unwrap_or(rest);
                }
                None => out.push(ch),
            }
        }
        out
    }

    /// The NFA of `src`, its placeholders replaced by their lists.
    pub fn nfa(&self, src: &str) -> Result<NFA, String> {
        let err = |e: &dyn std::fmt::Display| e.to_string();
        case_sensitive(src)?;
        let nfa = thompson::Compiler::new().build(src).map_err(|e| err(&e))?;
        let used: Vec<usize> = src
            .chars()
            .filter_map(|c| self.list_of(c).map(|_| (c as u32 - FIRST) as usize))
            .collect();
        self.splice(&nfa, &used)
    }

    /// The placeholder starting at a state: its list and the state after it. A placeholder
    /// is compiled to three single-byte transitions in a row and its guard.
    fn placeholder(&self, nfa: &NFA, first: &Transition) -> Option<(usize, StateID)> {
        let single = |sid: StateID| match nfa.state(sid) {
            State::ByteRange { trans } if trans.start == trans.end => Some(*trans),
            _ => None,
        };
        if first.start != 0xEE || first.end != 0xEE {
            return None;
        }
        let second = single(first.next)?;
        let third = single(second.next)?;
        let bytes = [first.start, second.start, third.start];
        let ch = std::str::from_utf8(&bytes).ok()?.chars().next()?;
        self.list_of(ch)?;
        match nfa.state(third.next) {
            State::Look { look: Look::WordAsciiNegate, next } => {
                Some(((ch as u32 - FIRST) as usize, *next))
            }
            _ => None,
        }
    }

    /// A copy of `nfa` (one pattern) with each placeholder replaced by the automaton of its
    /// list. The states are copied in order, so their IDs stay; the lists come after them.
    fn splice(&self, nfa: &NFA, src_lists: &[usize]) -> Result<NFA, String> {
        let err = |e: thompson::BuildError| e.to_string();
        let mut b = Builder::new();
        b.set_utf8(nfa.is_utf8());
        b.set_reverse(nfa.is_reverse());
        b.set_look_matcher(nfa.look_matcher().clone());
        b.start_pattern().map_err(err)?;
        let groups = nfa.group_info();
        let mut found = Vec::new();
        for (i, state) in nfa.states().iter().enumerate() {
            let sid = match state {
                State::ByteRange { trans } => match self.placeholder(nfa, trans) {
                    Some((k, exit)) => {
                        let at = b.add_empty().map_err(err)?;
                        found.push((at, k, exit));
                        at
                    }
                    None => b.add_range(*trans).map_err(err)?,
                },
                State::Sparse(s) => b.add_sparse(s.transitions.to_vec()).map_err(err)?,
                State::Dense(d) => {
                    let mut sparse: Vec<Transition> = Vec::new();
                    for (byte, &next) in (0..=255u8).zip(d.transitions.iter()) {
                        match sparse.last_mut() {
                            _ if next == StateID::ZERO => {}
                            Some(t) if t.next == next && t.end.checked_add(1) == Some(byte) => {
                                t.end = byte;
                            }
                            _ => sparse.push(Transition { start: byte, end: byte, next }),
                        }
                    }
                    b.add_sparse(sparse).map_err(err)?
                }
                State::Look { look, next } => b.add_look(*next, *look).map_err(err)?,
                State::Union { alternates } => b.add_union(alternates.to_vec()).map_err(err)?,
                State::BinaryUnion { alt1, alt2 } => {
                    b.add_union(vec![*alt1, *alt2]).map_err(err)?
                }
                State::Capture { next, pattern_id, group_index, slot } => {
                    let index = group_index.as_usize();
                    // a group's first slot is where its start is recorded
                    if groups.slot(*pattern_id, index) == Some(slot.as_usize()) {
                        let name = groups.to_name(*pattern_id, index).map(Arc::from);
                        b.add_capture_start(*next, group_index.as_u32(), name).map_err(err)?
                    } else {
                        b.add_capture_end(*next, group_index.as_u32()).map_err(err)?
                    }
                }
                State::Fail => b.add_fail().map_err(err)?,
                State::Match { .. } => b.add_match().map_err(err)?,
            };
            // the states keep their IDs: the copies point where the originals did
            if sid.as_usize() != i {
                return Err("NFA states out of order".to_string());
            }
        }
        let mut wanted: Vec<usize> = src_lists.to_vec();
        wanted.retain(|k| !found.iter().any(|f| f.1 == *k));
        if !wanted.is_empty() {
            return Err("a word list was not found in the NFA".to_string());
        }
        for (at, k, exit) in found {
            let start = self.dawgs[k].add(&mut b, exit)?;
            b.patch(at, start).map_err(err)?;
        }
        let start = nfa.start_pattern(PatternID::ZERO).ok_or("no pattern")?;
        b.finish_pattern(start).map_err(err)?;
        let spliced = b.build(nfa.start_anchored(), nfa.start_unanchored()).map_err(err)?;
        let names = |n: &NFA| {
            n.group_info()
                .all_names()
                .map(|(_, i, n)| (i, n.map(str::to_string)))
                .collect::<Vec<_>>()
        };
        if names(&spliced) != names(nfa) {
            return Err("capture groups changed".to_string());
        }
        Ok(spliced)
    }
}

/// A word list as an acyclic automaton: its prefix trie with equal subtrees merged (the
/// variants of a word share their endings, most words their plural `s`), a fraction of the
/// trie's states. From each node the words go on by distinct bytes, so the words that match
/// at one place lie on one path, and preferring to go on where one ends prefers the longest.
struct Dawg {
    /// The nodes, each after the nodes it leads to; the last is the start.
    nodes: Vec<Node>,
}

/// A node of a [`Dawg`]: whether a word ends there, and where each next byte leads (a node,
/// or `None` for the end of the words, where the automaton goes on after the list).
#[derive(Clone, PartialEq, Eq, Hash)]
struct Node {
    terminal: bool,
    edges: Vec<(u8, Option<u32>)>,
}

impl Dawg {
    fn new(words: &[String]) -> Dawg {
        let mut dawg = Dawg { nodes: Vec::new() };
        let mut known = HashMap::new();
        match dawg.node(words, 0, &mut known) {
            // the start holds the longest words, so it is made last
            Some(start) if start as usize + 1 == dawg.nodes.len() => {}
            Some(start) => {
                let node = dawg.nodes[start as usize].clone();
                dawg.nodes.push(node);
            }
            // no words, or just the empty word: the empty match, as `(?:)`
            None => dawg.nodes.push(Node { terminal: true, edges: Vec::new() }),
        }
        dawg
    }

    /// The node for `words` (sorted, distinct, sharing their first `depth` bytes) after that
    /// prefix; `None` where only the end is left.
    fn node(
        &mut self,
        words: &[String],
        depth: usize,
        known: &mut HashMap<Node, u32>,
    ) -> Option<u32> {
        let terminal = words.first().is_some_and(|w| w.len() == depth);
        let rest = &words[usize::from(terminal)..];
        if rest.is_empty() {
            return None;
        }
        let mut edges = Vec::new();
        let mut i = 0;
        while i < rest.len() {
            let byte = rest[i].as_bytes()[depth];
            let n = rest[i..].iter().take_while(|w| w.as_bytes()[depth] == byte).count();
            edges.push((byte, self.node(&rest[i..i + n], depth + 1, known)));
            i += n;
        }
        let node = Node { terminal, edges };
        let nodes = &mut self.nodes;
        Some(*known.entry(node).or_insert_with_key(|node| {
            nodes.push(node.clone());
            nodes.len() as u32 - 1
        }))
    }

    /// Adds the automaton's states, going to `exit` at the end: the state where it starts.
    fn add(&self, b: &mut Builder, exit: StateID) -> Result<StateID, String> {
        let err = |e: thompson::BuildError| e.to_string();
        let mut ids: Vec<StateID> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let to = |next: Option<u32>| next.map_or(exit, |n| ids[n as usize]);
            let trans: Vec<Transition> = node
                .edges
                .iter()
                .map(|&(byte, next)| Transition { start: byte, end: byte, next: to(next) })
                .collect();
            let on = match trans.as_slice() {
                [] => exit,
                [one] => b.add_range(*one).map_err(err)?,
                _ => b.add_sparse(trans).map_err(err)?,
            };
            let id = match node.terminal && !node.edges.is_empty() {
                true => b.add_union(vec![on, exit]).map_err(err)?,
                false => on,
            };
            ids.push(id);
        }
        ids.last().copied().ok_or_else(|| "an empty word list".to_string())
    }
}

/// Fails when a placeholder is inside a case-insensitive group: its automaton would not be.
fn case_sensitive(src: &str) -> Result<(), String> {
    let is_placeholder = |c: char| (FIRST..=LAST).contains(&(c as u32));
    for (i, _) in src.match_indices("(?i") {
        let rest = &src[i..];
        // a flag group `(?i)` holds for the rest of the pattern
        let end = match rest.starts_with("(?i)") {
            true => rest.len(),
            false => super::rules::group_end(rest).unwrap_or(rest.len()),
        };
        if rest[..end].chars().any(is_placeholder) {
            return Err("a word list inside a case-insensitive group".to_string());
        }
    }
    Ok(())
}

/// `word` with its first letter (or, `every`, each word's first letter) in upper case.
fn capitalize(word: &str, every: bool) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for ch in word.chars() {
        out.push(if start { ch.to_ascii_uppercase() } else { ch });
        start = every && ch == ' ' || start && !ch.is_ascii_alphanumeric();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Lists;
    use regex_automata::nfa::thompson::pikevm::PikeVM;

    /// The spliced automaton finds the groups the pattern with its lists written out finds.
    #[test]
    fn splice_matches_as_written_out() {
        let mut lists = Lists::default();
        let kill = lists.alternation(["kill", "kill them"].into_iter());
        let killed = lists.alternation(["killed", "killing", "kill them all"].into_iter());
        let nouns = lists.alternation(["man", "men", "police", "police officer"].into_iter());
        assert_eq!(
            lists.alternation(["men", "man"].into_iter()),
            lists.alternation(["man", "men"].into_iter())
        );
        let patterns = [
            // the first list is preferred where both match, though the second is longer
            format!("(?P<v>(?:{kill}|{killed}))(?P<rest>.*)"),
            format!("(?P<v>(?:{killed}|{kill}))(?P<rest>.*)"),
            format!("(?P<v>{kill})(?: (?P<n>{nouns}))?"),
            format!("(?:{kill} )*(?P<n>{nouns})(?-u:\\b)"),
            format!("(?:(?:{nouns}) )+?(?P<v>{killed})"),
        ];
        let hays = [
            "killed the man",
            "kill them all",
            "Kill them. Police officer",
            "KILL POLICE OFFICERS",
            "kill men",
            "police officer police killing",
            "Police Officer killed",
            "kill Police officer",
        ];
        for p in &patterns {
            let written = regex::Regex::new(&lists.expand(p)).unwrap();
            let vm = PikeVM::new_from_nfa(lists.nfa(p).unwrap()).unwrap();
            let (mut cache, mut caps) = (vm.create_cache(), vm.create_captures());
            for h in hays {
                vm.captures(&mut cache, h, &mut caps);
                let mine: Vec<_> = (0..caps.group_len())
                    .map(|i| caps.get_group(i).map(|s| (s.start, s.end)))
                    .collect();
                let want: Vec<_> = written.captures(h).map_or(vec![None; mine.len()], |c| {
                    c.iter().map(|m| m.map(|m| (m.start(), m.end()))).collect()
                });
                assert_eq!(mine, want, "{} on {h:?}", lists.expand(p));
            }
        }
    }

    /// A list inside a case-insensitive group would not be: an error.
    #[test]
    fn no_list_in_case_insensitive_group() {
        let mut lists = Lists::default();
        let kill = lists.alternation(["kill"].into_iter());
        assert!(lists.nfa(&format!("(?i:a {kill})")).is_err());
        assert!(lists.nfa(&format!("(?i:a) {kill}")).is_ok());
    }
}
