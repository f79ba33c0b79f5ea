//! Reading a sentence: rule matches, their victim lists item by item, and the checks that
//! void a count.
use super::folded::{Caps, Folded};
use super::rules::Head;
use super::{CasualtyRule, CasualtyTagger, CasualtyValue, Found};
use crate::doc::Span;

/// How a rule's list items are read: the type, the rule, and whether a bare number counts.
#[derive(Clone, Copy)]
struct How<'a> {
    ty: &'static str,
    rule: &'a CasualtyRule,
    bare_ok: bool,
    /// An unknown plural head counts (`3 gangsters were killed`); before a verb it cannot
    /// be a time or an object (`killed 2 days ago`), so only there.
    unknown_ok: bool,
    /// The list ends the rule's match, so its last items may run past it.
    open_end: bool,
}

/// A subject phrase within a list, with its offset in the sentence.
pub(super) struct Phrase<'t> {
    pub text: &'t str,
    pub start: usize,
}

impl<'t> Phrase<'t> {
    fn as_str(&self) -> &'t str {
        self.text
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The last clause of `list` (at `start`): after the last `who`, `when`, `before`, `and`...
fn last_clause(list: &str, start: usize) -> Phrase<'_> {
    let lower = list.to_ascii_lowercase();
    let cut = [
        " who ", " when ", " before ", " after ", " and ", " but ", " that ", " as ", " while ",
        " where ",
    ]
    .iter()
    .filter_map(|w| lower.rfind(w).map(|i| i + w.len()))
    .max()
    .unwrap_or(0);
    Phrase { text: &list[cut..], start: start + cut }
}

/// Where one of `ends` (up to ASCII case) starts that closes the last blank-delimited word
/// of `text` followed by `and` and another word (the earliest such start in that word).
fn last_chain_end(text: &str, ends: &[String]) -> Option<usize> {
    let blank = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
    let mut at = 0;
    let mut words = text.as_bytes().split(blank).filter_map(|w| {
        let start = at;
        at += w.len() + 1;
        (!w.is_empty()).then_some((start, w))
    });
    let (mut found, mut two, mut one) = (None, words.next(), words.next());
    for next in words {
        if let (Some((start, end)), Some((_, and))) = (two, one) {
            let ends_with = |x: &String| {
                let x = x.as_bytes();
                let cut = end.len().checked_sub(x.len())?;
                end[cut..].eq_ignore_ascii_case(x).then_some(start + cut)
            };
            if and == b"and" {
                found = ends.iter().filter_map(ends_with).min().or(found);
            }
        }
        (two, one) = (one, Some(next));
    }
    found
}

/// True when `text` starts with the words `word` followed by a non-letter.
fn starts_word(text: &str, word: &str) -> bool {
    text.len() > word.len()
        && text.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        && !text.as_bytes()[word.len()].is_ascii_alphabetic()
}

impl CasualtyTagger {
    /// The type of a casualty term as written (`were killed` -> killed), if it is one.
    fn term_type(&self, verb: &str) -> Option<&'static str> {
        let lower = verb.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let key = words.join(" ");
        self.terms.get(&key).map(|(t, _)| *t)
    }

    /// True when `verb` can also be an active verb (`killed` in `gunmen killed two`).
    fn is_active(&self, verb: &str) -> bool {
        let lower = verb.to_ascii_lowercase();
        self.terms.get(&lower).is_some_and(|(_, classes)| classes.iter().any(|c| c == "act"))
    }

    /// The list item at the start of `rest`, its victim phrase cut before a stop word or a
    /// number (`two soldiers and a civilian` -> `two soldiers`).
    fn item_capture<'t>(&self, f: &Folded<'t>, pos: usize, bound: usize) -> Option<Caps<'t, '_>> {
        let rest = &f.text()[pos..bound];
        let mut c = self.item.captures(f, pos, bound, pos)?;
        while let Some(vp) = c.name("vp") {
            let mut cut = None;
            let mut at = vp.start();
            // the complement (`of his family`) may hold stop words
            let head = c.name("tail").map_or(vp.as_str(), |t| &rest[vp.start()..t.start()]);
            for word in head.split([' ', '\t', '\r', '\n']) {
                let lower = word.to_ascii_lowercase();
                if !word.is_empty()
                    && (self.stops.contains(&lower)
                        || self.terms.contains_key(&lower)
                        || self.numbers.is_number(word))
                {
                    cut = Some(at);
                    break;
                }
                at += word.len() + 1;
            }
            let Some(cut) = cut else { break };
            let end = pos + rest.get(..cut)?.trim_end().len();
            let shorter = self.item.captures(f, pos, end, pos)?;
            if shorter.get(0).map(|m| m.end()) == c.get(0).map(|m| m.end()) {
                break;
            }
            c = shorter;
        }
        Some(c)
    }

    /// True when a word of the clause just before `start` makes the count hypothetical,
    /// negated or background.
    fn blocked(&self, text: &str, start: usize, extra: &[String]) -> bool {
        let before = &text[..start];
        let clause_start = [";", ": ", ". ", " but ", " while ", " whereas ", " however"]
            .iter()
            .filter_map(|b| before.rfind(b).map(|i| i + b.len()))
            .max()
            .unwrap_or(0);
        let clause = &before[clause_start..];
        clause
            .split(|c: char| !c.is_ascii_alphabetic())
            .rev()
            .filter(|w| !w.is_empty())
            .take(8)
            .any(|w| {
                let w = w.to_ascii_lowercase();
                self.blockers.iter().chain(extra).any(|b| *b == w)
            })
    }

    /// Reads the items of `list` (`two soldiers and a civilian, including ...`) into mentions
    /// (those after a `subset` cue are sub-counts),
    /// each with its longest phrase, cut at a stop word; a list that ends its pattern
    /// (`killing [two] soldiers`) may run on. Items of the `sub` part are sub-counts. False when
    /// the list does not read as items from its start to its end.
    fn read_list(
        &self,
        f: &Folded,
        list: Span,
        how: How,
        out: &mut Vec<(Span, CasualtyValue, String, bool)>,
    ) -> bool {
        let text = f.text();
        let mut pos = list.start;
        let mut in_sub = false;
        let mut clean = true;
        // Before the verb the list is whole; after it (`killing [two] soldiers`) the last item
        // may run on.
        let bound = if how.open_end { text.len() } else { list.end };
        while pos < bound {
            let rest = &text[pos..bound];
            let blank = rest.len() - rest.trim_start().len();
            pos += blank;
            let rest = &rest[blank..];
            let item = self.item_capture(f, pos, bound);
            let m = item.as_ref().and_then(|c| c.get(0)).map_or(0, |m| m.end());
            if m == 0 && pos >= list.end {
                // after a separator past the list (`killing two and wounding five`)
                return clean;
            }
            if m == 0 {
                // not an item here (`the other attack three people`): try the next word
                pos += rest.find([' ', '\n']).map_or(rest.len(), |i| i + 1);
                clean = in_sub;
                continue;
            }
            let Some(c) = item else { break };
            // the complement (`of his family`) is read but not part of the mention
            let shown = c.name("tail").map_or(m, |t| t.start());
            let span = Span::new(pos, pos + shown);
            let beyond = pos >= list.end;
            // Past the list, the subject of a new clause ends it
            // (`arrested 43 people and [11 officers] were injured`).
            if beyond && self.starts_clause(&text[span.end..]) {
                return clean;
            }
            match self.item_value(text, span, &c, how) {
                Some((mut value, class, generic)) => {
                    value.subset = in_sub;
                    out.push((span, value, class, generic));
                }
                None if beyond => return clean,
                None => clean &= in_sub,
            }
            pos += m;
            // Go on only over a list separator, or into the sub-count part.
            let after = &text[pos..];
            let sep = after.len() - after.trim_start_matches([',', ' ', '\n']).len();
            let next = &after[sep..];
            let cue = self.subset_cues.iter().find(|w| starts_word(next, w));
            if let Some(word) =
                ["and ", "or ", "along with "].iter().find(|w| next.starts_with(**w))
            {
                pos += sep + word.len();
            } else if let Some(cue) = cue.filter(|_| !in_sub) {
                in_sub = true;
                pos += sep + cue.len();
            } else if sep > 0 && after.starts_with(',') && !in_sub {
                pos += sep;
            } else {
                return in_sub || (clean && pos + sep >= list.end);
            }
        }
        clean
    }

    /// True when `rest` opens with an auxiliary or a casualty term: the words before it are a
    /// new clause's subject, not an object.
    fn starts_clause(&self, rest: &str) -> bool {
        let word = rest.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        matches!(word, "were" | "was" | "are" | "is" | "have" | "has" | "had")
            || self.terms.contains_key(&word.to_ascii_lowercase())
    }

    /// The value of one list item; `None` when it is no count (a year, an age, a bare number
    /// where one is not allowed).
    fn item_value(
        &self,
        text: &str,
        span: Span,
        c: &Caps,
        how: How,
    ) -> Option<(CasualtyValue, String, bool)> {
        let How { ty, rule, bare_ok, unknown_ok, .. } = how;
        let noun = c.name("noun").map(|n| n.as_str().to_ascii_lowercase());
        let noun = noun.as_deref().and_then(|n| {
            let key = n.split_whitespace().collect::<Vec<_>>().join(" ");
            self.nouns.get(&key)
        });
        let victim = match (c.name("vp"), c.name("tail")) {
            (Some(v), Some(t)) => v.as_str().get(..t.start() - v.start()).unwrap_or(""),
            (Some(v), None) => v.as_str(),
            _ => "",
        }
        .trim()
        .to_string();
        if let Some(r) = c.name("refl") {
            let class = "attacker".to_string();
            let value = CasualtyValue {
                casualty_type: ty,
                count: 1,
                victim: r.as_str().to_string(),
                role: "perpetrator",
                lower_bound: false,
                estimate: false,
                subset: false,
            };
            return Some((value, class, false));
        }
        let n = c.name("n")?;
        if noun.is_some_and(|x| x.role == "none") {
            return None;
        }
        let item_end = span.start + c.get(0).map_or(0, |m| m.end());
        let det = self.numbers.read(n.as_str()).is_some_and(|r| r.needs_noun);
        // An unknown head word counts before the verb (`3 gangsters were killed`), or after an
        // active verb when the phrase ends there (`killing a rider in`), but a determiner with
        // an unknown word before the verb is left to the singular rule.
        let unknown = c.name("unk").filter(|_| {
            noun.is_none() && if unknown_ok { !det } else { self.bare_follow(&text[item_end..]) }
        });
        // An unknown head has no `vp` group: the victim is what follows the number.
        let victim = match unknown {
            Some(_) => c.get(0).map_or("", |m| m.as_str()).get(n.end()..).unwrap_or("").trim(),
            None => victim.as_str(),
        };
        let victim = victim.strip_prefix("of ").unwrap_or(victim).to_string();
        let after = text[span.start + n.end()..].chars().next();
        // A number before an unknown word that cannot be a victim (`killed 2 days ago`).
        if noun.is_none() && unknown.is_none() && (!bare_ok || c.name("unk").is_some()) {
            return None;
        }
        // `25-year-old`, `30%`, `10:30`, `3.5`: not a head count.
        let decimal = after == Some('.')
            && text[span.start + n.end() + 1..].starts_with(|ch: char| ch.is_ascii_digit());
        if c.name("vp").is_none()
            && unknown.is_none()
            && (matches!(after, Some('-' | '%' | ':' | '/')) || decimal)
        {
            return None;
        }
        let read = self.numbers.read(n.as_str())?;
        if read.needs_noun && (noun.is_none() || noun.is_some_and(|x| x.plural)) {
            return None;
        }
        if noun.is_none() && (1900..=2100).contains(&read.value) && n.as_str().len() == 4 {
            return None;
        }
        let q = c.name("q").map(|q| q.as_str().to_ascii_lowercase());
        let qual = q.as_deref().unwrap_or("");
        let lower = read.lower
            || matches!(qual, "at least" | "more than" | "over" | "as many as")
            || qual.starts_with("more");
        let estimate = read.estimate
            || matches!(
                qual,
                "about"
                    | "around"
                    | "approximately"
                    | "roughly"
                    | "nearly"
                    | "almost"
                    | "some"
                    | "close to"
                    | "an estimated"
                    | "estimated"
                    | "up to"
            );
        let (class, role, generic) = match (noun, unknown) {
            (Some(x), _) => (x.class.clone(), x.role, x.class == "generic" || rule.generic),
            (None, Some(u)) => (u.as_str().to_ascii_lowercase(), "victim", rule.generic),
            (None, None) => ("generic".to_string(), "victim", true),
        };
        let value = CasualtyValue {
            casualty_type: ty,
            count: rule.count.unwrap_or(read.value),
            victim,
            role: rule.role.unwrap_or(role),
            lower_bound: lower,
            estimate,
            subset: false,
        };
        Some((value, class, generic))
    }

    /// Finds the casualty mentions of one sentence (`base` is its offset in the text).
    pub(super) fn sentence(
        &self,
        text: &str,
        folded: &str,
        base: usize,
        found: &mut Vec<Found>,
        zeros: &mut Vec<&'static str>,
    ) {
        let mut claims: Vec<Span> = Vec::new();
        let unit = Folded::new(text);
        let bytes = text.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        // a word start every few bytes: reserving for them saves regrowing
        let mut starts = Vec::with_capacity(bytes.len() / 4 + 1);
        let mut prev = false;
        for (i, &b) in bytes.iter().enumerate() {
            let w = word(b);
            if w && !prev {
                starts.push(i);
            }
            prev = w;
        }
        let mut active = 0u64;
        let mut hits = Vec::new();
        for m in self.anchors.find_overlapping_iter(folded) {
            let word_start = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphabetic();
            if word_start {
                let mask = self.masks[m.pattern().as_usize()];
                active |= mask;
                hits.push((m.start(), mask));
            }
        }
        hits.sort_unstable();
        let mut item_at = vec![None; starts.len()];
        let mut tried = Vec::new();
        for (ri, rule) in self.rules.iter().enumerate() {
            let bit = 1u64 << ri.min(63);
            if active & bit == 0 {
                continue;
            }
            if rule.anchored {
                self.openings(&unit, rule, bit, (&starts, &hits), &mut item_at, &mut tried);
            }
            let mut at = 0;
            while at < text.len() {
                let Some(c) = rule.find(&unit, &tried, at) else { break };
                let whole = c.whole;
                // A list that does not read cleanly may have started too early
                // (`The blast left [3] dead`): then search again from the next word.
                let retry =
                    text[whole.start()..].find(' ').map_or(text.len(), |i| whole.start() + i + 1);
                at = if whole.end() > whole.start() { whole.end() } else { retry };
                let Some(verb) = c.verb else { continue };
                let (whole, whole_end) = (whole.start(), whole.end());
                let ty = match rule.ty.or_else(|| self.term_type(verb.as_str())) {
                    Some(t) => t,
                    None => continue,
                };
                let verb_span = Span::new(base + verb.start(), base + verb.end());
                let taken = |sp: Span| {
                    claims.iter().any(|c: &Span| c.overlaps(sp))
                        || found.iter().any(|f| f.verb.overlaps(sp) || f.span.contains(sp))
                };
                if taken(verb_span) {
                    continue;
                }
                if let Some(zero) = rule.zero {
                    if zero {
                        zeros.push(ty);
                    }
                    claims.push(verb_span);
                    continue;
                }
                // A chained term (`abducted and later killed`) belongs to this match.
                if let Some(also) = c.also {
                    claims.push(Span::new(base + also.start(), base + also.end()));
                }
                let Some(list) = c.list else { continue };
                if self.blocked(text, whole, &rule.block) {
                    continue;
                }
                // `arrested 43 people and 11 officers were injured`: the first items are the
                // object of the active term before the list; look again after the `and`.
                let word_before = text[..list.start()].trim_end().rsplit(' ').next().unwrap_or("");
                let and = list.as_str().find(" and ");
                if let Some(and) =
                    and.filter(|_| list.end() <= verb.start() && self.is_active(word_before))
                {
                    at = list.start() + and + 5;
                    continue;
                }
                // `gunmen killed two` is active, not `gunmen [were] killed`.
                let between = text.get(list.end()..verb.start());
                if between
                    .is_some_and(|b| b.trim_matches(|ch: char| ch == ',' || ch == ' ').is_empty())
                    && self.is_active(verb.as_str())
                    && !self.bare_follow(&text[verb.end()..])
                {
                    continue;
                }
                let mut items = Vec::new();
                if let Some(n) = rule.count {
                    // The subject is the last clause of the list (`X was a star before [she]`);
                    // a bare relative pronoun has no antecedent here.
                    let list = last_clause(list.as_str(), list.start());
                    let subject = list.as_str().to_ascii_lowercase();
                    if list.is_empty()
                        || matches!(subject.as_str(), "who" | "which" | "that" | "it")
                    {
                        continue;
                    }
                    // a fixed count is for one person (`he`, `Nabi`), not `the victims` (the first noun)
                    let plural = list
                        .as_str()
                        .split(' ')
                        .find_map(|w| self.nouns.get(&w.to_ascii_lowercase()))
                        .is_some_and(|x| x.plural && x.role != "none");
                    if plural {
                        continue;
                    }
                    let value = CasualtyValue {
                        casualty_type: ty,
                        count: n,
                        victim: list.as_str().to_string(),
                        role: rule.role.unwrap_or("victim"),
                        lower_bound: false,
                        estimate: false,
                        subset: false,
                    };
                    items.push((
                        Span::new(list.start(), list.end()),
                        value,
                        "named".to_string(),
                        false,
                    ));
                } else {
                    let bare_ok = !rule.bare_checked || self.bare_follow(&text[list.end()..]);
                    let how = How {
                        ty,
                        rule,
                        bare_ok,
                        unknown_ok: list.end() <= verb.start(),
                        open_end: list.end() == whole_end,
                    };
                    let list_span = Span::new(list.start(), list.end());
                    if !self.read_list(&unit, list_span, how, &mut items) {
                        at = retry;
                        continue;
                    }
                }
                // People arrested over the attack are its suspected perpetrators.
                let suspects = ty == "arrested"
                    && self.suspect_cues.iter().any(|c| folded.contains(c.as_str()));
                for (span, mut value, class, generic) in items {
                    value.subset |= rule.subset;
                    if suspects {
                        value.role = "perpetrator";
                    }
                    let span = Span::new(base + span.start, base + span.end);
                    if found.iter().any(|f| f.span.overlaps(span)) {
                        continue;
                    }
                    found.push(Found {
                        span,
                        verb: verb_span,
                        value,
                        class,
                        generic: generic || rule.generic,
                        rule: ri,
                    });
                }
            }
        }
    }

    /// The word starts where anchored `rule` (with anchor bit `bit`) can match, into `out`:
    /// those its [`Head`] allows, and none after its last anchor hit (its match holds one of
    /// its anchors). `item_at` caches, per word start, whether the `item` pattern matches.
    fn openings(
        &self,
        unit: &Folded,
        rule: &CasualtyRule,
        bit: u64,
        (starts, hits): (&[usize], &[(usize, u64)]),
        item_at: &mut [Option<bool>],
        out: &mut Vec<usize>,
    ) {
        out.clear();
        let text = unit.text();
        let mine = || hits.iter().filter(|h| h.1 & bit != 0).map(|h| h.0);
        let Some(mut last) = mine().next_back() else { return };
        if !rule.chain_ends.is_empty() {
            // the list opens before the chained term, which starts at or before its last word
            match last_chain_end(text, &rule.chain_ends) {
                Some(end) if end > 0 => last = last.min(end - 1),
                _ => return,
            }
        }
        if rule.head == Head::Anchor {
            out.extend(mine().filter(|p| starts.binary_search(p).is_ok()));
            out.dedup();
            return;
        }
        let bytes = text.as_bytes();
        for (k, &p) in starts.iter().enumerate().take_while(|(_, &p)| p <= last) {
            let ok = match &rule.head {
                Head::Any | Head::Anchor => true,
                Head::Item => *item_at[k].get_or_insert_with(|| self.item.is_match(unit, p)),
                Head::Words(words) => {
                    let run = bytes[p..].iter().take_while(|b| b.is_ascii_alphabetic()).count();
                    let word = &bytes[p..p + run];
                    words.iter().any(|w| w.as_bytes().eq_ignore_ascii_case(word))
                }
            };
            if ok {
                out.push(p);
            }
        }
    }

    /// True when the words after a bare number (or a verb) end the phrase: punctuation, the
    /// end, or a `follow` word of casualty_terms.tsv (`killing 5 and`, `killed 3 in`), not
    /// another noun (`killed 2 days`).
    fn bare_follow(&self, rest: &str) -> bool {
        let rest = rest.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()) {
            return true;
        }
        let word = rest.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        self.follows.iter().any(|f| f == word)
    }
}
