/*!
The one overlap policy for places, organizations and persons.

When two entity candidates share bytes, exactly one survives, decided in this order:

1. **Names contain places.** An organization or person that strictly contains the other
   candidate wins, unless it has lower [`Priority`] (`Kabul University` beats `Kabul`,
   `Michael Jordan` beats `Jordan`). A place that strictly contains another candidate wins
   only with at least equal priority.
2. **Priority**: [`Priority::Curated`] (a gazetteer entry, or a name the document itself
   defines: an acronym in parentheses, a person's surname after the full name) beats
   [`Priority::Pattern`] (a title, a head noun, a listed first name), which beats
   [`Priority::Weak`] (a capitalised chunk with weak context only).
3. **Longest** span wins.
4. **Context**: the candidate already in the document keeps its span. Stages run orgs, persons,
   places, so earlier stages have read more context for the span (a `said` attribution, an
   acronym definition), and the places stage breaks its own ties by context in resolution
   (`Washington` the city, `Georgia` the country or the US state).

The priority of a mention already in the document is read from its provenance rule: a rule
naming a gazetteer line (`orgs.tsv:41`) or starting with `doc_` is curated, one starting with
`weak_` is weak, any other is a pattern.
*/
use crate::doc::{Kind, Mention, Span};

/// Strength of the evidence for a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// A capitalised chunk with weak context only.
    Weak,
    /// A pattern with an explicit cue: title, organization head noun, listed first name.
    Pattern,
    /// A gazetteer entry, or a name defined by the document itself.
    Curated,
}

impl Priority {
    /// The priority of a provenance rule name (see the module docs).
    pub fn of_rule(rule: &str) -> Priority {
        if rule.contains(".tsv:") || rule.starts_with("doc_") {
            Priority::Curated
        } else if rule.starts_with("weak_") {
            Priority::Weak
        } else {
            Priority::Pattern
        }
    }
}

/// An entity candidate competing for a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// Its bytes.
    pub span: Span,
    /// Place, org or person.
    pub kind: Kind,
    /// Strength of its evidence.
    pub priority: Priority,
}

impl Candidate {
    /// The candidate an existing mention stands for.
    pub fn of(m: &Mention) -> Candidate {
        Candidate { span: m.span, kind: m.kind(), priority: Priority::of_rule(&m.provenance.rule) }
    }
}

/// True when the new candidate `new` beats `old`, an overlapping candidate already in place.
pub fn beats(new: &Candidate, old: &Candidate) -> bool {
    let strictly = |a: Span, b: Span| a.contains(b) && a != b;
    if strictly(new.span, old.span) {
        return new.kind != Kind::Place || new.priority >= old.priority;
    }
    if strictly(old.span, new.span) {
        return !(old.kind != Kind::Place || old.priority >= new.priority);
    }
    if new.priority != old.priority {
        return new.priority > old.priority;
    }
    new.span.len() > old.span.len()
}

fn is_entity(m: &Mention) -> bool {
    matches!(m.kind(), Kind::Place | Kind::Org | Kind::Person)
}

/// Applies the policy: if `cand` beats every overlapping entity mention in `mentions`, those
/// are removed and true is returned (the caller then adds its mention); otherwise nothing
/// changes and false is returned.
pub fn admit(mentions: &mut Vec<Mention>, cand: &Candidate) -> bool {
    let mut overlapped = false;
    for m in mentions.iter() {
        if m.span.overlaps(cand.span) && is_entity(m) {
            if !beats(cand, &Candidate::of(m)) {
                return false;
            }
            overlapped = true;
        }
    }
    // Most candidates overlap nothing: the list is then left as it is.
    if overlapped {
        mentions.retain(|m| !(m.span.overlaps(cand.span) && is_entity(m)));
    }
    true
}

/// True when `span` overlaps one of `spans`, which are sorted and do not overlap each other
/// (entity mentions after the policy has run).
pub fn taken_sorted(spans: &[Span], span: Span) -> bool {
    let i = spans.partition_point(|s| s.start < span.end);
    i > 0 && spans[i - 1].end > span.start
}
