/*!
Quotes: direct quotations and their speakers.

Three passes, each a sieve in the CoreNLP sense. (1) Quote spans from the marks alone
([`marks`]). (2) Each quote's own attribution from the words just after or just before it
([`attrib`]): the speech verb, the words naming the speaker, and an appositive's role and
affiliation. (3) Quotes with no attribution of their own share one in their paragraph (`"A," he
said. "B."`), continue a quote left open in the previous paragraph, or, as a quote-only
paragraph right after an attributed quote, continue that speaker (news keeps one speaker, unlike
fiction's alternation). Short unattributed quotes are scare quotes or titles and are dropped.
Speakers are then made canonical: a person mention's name, a surname or close spelling variant
of a full name met earlier (`Hawach` → Nanar Hawash), a pronoun's latest compatible named speaker.
*/
mod attrib;
mod marks;
#[cfg(test)]
mod tests;
mod words;

use std::borrow::Cow;
use std::cell::OnceCell;

use serde::Serialize;

use self::attrib::{Attr, SpeakerKind, Tok};
use self::marks::RawQuote;
use self::words::{class, Lexicon};
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A quote shorter than this many words needs its own attribution (else: scare quote, title).
const MIN_WORDS: usize = 4;
/// Bytes of context read after and before a quote for its attribution.
const CONTEXT: usize = 300;

/// A direct quotation with its attribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The quoted words, without the marks.
    #[serde(flatten)]
    pub span: Span,
    /// Canonical speaker name (person, organization, or the role phrase when no name is known).
    pub speaker: Option<String>,
    /// Start of the words naming the speaker in this attribution.
    pub speaker_start: Option<usize>,
    /// End of those words.
    pub speaker_end: Option<usize>,
    /// The speech verb as written.
    pub verb: Option<String>,
    /// The speaker's role as stated in an appositive (`senior Syria analyst`).
    pub role: Option<String>,
    /// The organization the speaker is with (`International Crisis Group`).
    pub affiliation: Option<String>,
    /// `quotes/<sieve>`: which sieve attributed it (`verb_speaker`, `speaker_verb`,
    /// `according_to`, `dash`, `paragraph`, `continuation`, `floating`).
    pub rule: String,
}

/// The quotes stage.
pub struct QuoteTagger {
    lex: Lexicon,
}

impl QuoteTagger {
    /// Builds the stage from its gazetteers (`speech_verbs.txt`, `quote_words.tsv`,
    /// `first_names.tsv`).
    pub fn new(gazetteers: &Gazetteers) -> Result<QuoteTagger> {
        Ok(QuoteTagger { lex: Lexicon::load(gazetteers)? })
    }
}

impl Stage for QuoteTagger {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Persons, Layer::Orgs]
    }
    fn provides(&self) -> Layer {
        Layer::Quotes
    }
    fn annotate(&self, doc: &mut Document) {
        doc.quotes = self.quotes(doc);
    }
}

/// The largest char boundary `<= i`.
fn floor(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The smallest char boundary `>= i`.
fn ceil(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// A person known in the document: where it is named and its full name.
#[derive(Clone)]
struct Known<'a> {
    pos: usize,
    name: Cow<'a, str>,
    gender: u16,
}

impl QuoteTagger {
    fn quotes(&self, doc: &Document) -> Vec<Quote> {
        let text = doc.text.as_str();
        let raws = marks::find(text);
        if raws.is_empty() {
            return Vec::new();
        }
        let mut buf = Vec::new();
        let own: Vec<Option<Attr>> =
            (0..raws.len()).map(|i| self.own_attribution(text, &raws, i, &mut buf)).collect();
        let mut assigned: Vec<Option<(Attr, &'static str)>> = Vec::with_capacity(raws.len());
        // each paragraph is read for a headline once, however many quotes it holds
        let mut headlines = vec![None; raws.last().map_or(0, |r| r.para + 1)];
        for (i, raw) in raws.iter().enumerate() {
            let got =
                own[i].map(|a| (a, a.rule)).or_else(|| self.shared(&raws, &own, &assigned, i));
            let short =
                text[raw.start..raw.end].split_whitespace().take(MIN_WORDS).count() < MIN_WORDS;
            // unattributed marks are terms, titles or partial quotes; a short quote is speech
            // only with its own attribution (else: scare quote, title); a dropped quote passes
            // no attribution on
            // `"A," Graham asked. "Neither do I."`: a short quote right after the attribution
            // of the quote before it is speech too
            let adjacent = i > 0
                && raws[i - 1].para == raw.para
                && own[i - 1].is_some_and(|a| {
                    raws[i - 1].close <= a.speaker.start && a.speaker.end <= raw.open
                });
            let keep = (!short || own[i].is_some() || adjacent)
                && !self.term_context(text, raw, &mut buf)
                && !*headlines[raw.para]
                    .get_or_insert_with(|| headline(&text[raw.para_start..raw.para_end]));
            assigned.push(got.filter(|_| keep));
        }
        let mut resolver = Resolver::new(doc, &raws, &self.lex);
        let mut out = Vec::new();
        for (raw, got) in raws.iter().zip(assigned) {
            let Some((a, rule)) = got else { continue };
            out.push(Quote {
                span: Span::new(raw.start, raw.end),
                speaker: resolver.speaker(&a, raw),
                speaker_start: Some(a.speaker.start),
                speaker_end: Some(a.speaker.end),
                verb: a.verb.map(|v| text[v.start..v.end].to_string()),
                role: a.role.map(|r| text[r.start..r.end].to_string()),
                affiliation: a.affiliation.map(|r| text[r.start..r.end].to_string()),
                rule: ["quotes/", rule].concat(),
            });
        }
        out
    }

    /// The attribution written right after or right before quote `i`.
    fn own_attribution<'a>(
        &self,
        text: &'a str,
        raws: &[RawQuote],
        i: usize,
        buf: &mut Vec<Tok<'a>>,
    ) -> Option<Attr> {
        let raw = &raws[i];
        let next_open =
            raws.get(i + 1).filter(|n| n.para == raw.para).map_or(raw.para_end, |n| n.open);
        let prev_close = i
            .checked_sub(1)
            .map(|p| &raws[p])
            .filter(|p| p.para == raw.para)
            .map_or(raw.para_start, |p| p.close);
        let after = if raw.runs_on {
            None
        } else {
            let to = floor(text, next_open.min(raw.close + CONTEXT));
            attrib::tokens_after(text, raw.close, to.max(raw.close), &self.lex, buf);
            attrib::after(buf, &self.lex)
        };
        let mut before = |from: usize, to: usize| {
            let from = ceil(text, from.max(to.saturating_sub(CONTEXT))).min(to);
            attrib::last_sentence(text, from, to, &self.lex, buf);
            attrib::before(buf, &self.lex)
        };
        after.or_else(|| before(prev_close, raw.open)).or_else(|| {
            // `He said:` closing the previous paragraph introduces a quote-only paragraph
            let prev = text[..raw.para_start].trim_end();
            (raw.open == raw.para_start && prev.ends_with(':')).then(|| before(0, prev.len()))?
        })
    }

    /// An attribution quote `i` shares: with a quote of its paragraph (the previous first),
    /// with the quote it continues (open-quote convention), or as a quote-only paragraph right
    /// after an attributed quote.
    fn shared(
        &self,
        raws: &[RawQuote],
        own: &[Option<Attr>],
        assigned: &[Option<(Attr, &'static str)>],
        i: usize,
    ) -> Option<(Attr, &'static str)> {
        let raw = &raws[i];
        let prev_same = (0..i).rev().take_while(|&j| raws[j].para == raw.para).find_map(|j| own[j]);
        let next_same =
            (i + 1..raws.len()).take_while(|&j| raws[j].para == raw.para).find_map(|j| own[j]);
        if let Some(a) = prev_same.or(next_same) {
            return Some((a, "paragraph"));
        }
        let prev = i.checked_sub(1).map(|p| (&raws[p], assigned[p]))?;
        let (prev_raw, prev_attr) = prev;
        let prev_attr = prev_attr?.0;
        if prev_raw.runs_on && prev_raw.para + 1 == raw.para {
            return Some((prev_attr, "continuation"));
        }
        let text_before = raw.open == raw.para_start;
        let quote_only = text_before && raw.close + 4 >= raw.para_end;
        (quote_only && prev_raw.para + 1 == raw.para).then_some((prev_attr, "floating"))
    }

    /// True when the word right before the quote makes it a term, a title or a partial
    /// quote: a naming word (`called`, `so-called`), a preposition (`on "Face the Nation"`), a
    /// determiner or a possessive (`his book "..."`, `CBS's "..."`).
    fn term_context<'a>(&self, text: &'a str, raw: &RawQuote, buf: &mut Vec<Tok<'a>>) -> bool {
        let from = ceil(text, raw.open.saturating_sub(24)).max(raw.para_start).min(raw.open);
        attrib::tokens(text, from, raw.open, &self.lex, buf);
        buf.last().is_some_and(|t| {
            let function = class::NAMING | class::PREP | class::DET;
            t.word
                && (t.is_class(&self.lex, function) && !t.cap()
                    || t.s.ends_with("'s")
                    || t.s.ends_with("’s"))
        })
    }
}

/// Makes speakers canonical: names, surnames, pronouns and roles to full names.
struct Resolver<'a> {
    text: &'a str,
    lex: &'a Lexicon,
    raws: &'a [RawQuote],
    /// Person and organization mentions with their canonical names.
    entities: Vec<(Span, &'a str)>,
    /// Organization mentions, for `it` and `they`.
    orgs: Vec<(Span, &'a str)>,
    /// Person mentions with a full name.
    persons: Vec<Known<'a>>,
    /// Full names known in the document, in text order (person mentions and own name runs).
    known: OnceCell<Vec<Known<'a>>>,
    /// Speakers so far: (position, canonical, gender, role, named: a person's or org's name
    /// rather than a role phrase).
    speakers: Vec<(usize, String, u16, Option<String>, bool)>,
}

impl<'a> Resolver<'a> {
    fn new(doc: &'a Document, raws: &'a [RawQuote], lex: &'a Lexicon) -> Resolver<'a> {
        let entities: Vec<(Span, &str)> = doc
            .mentions
            .iter()
            .filter_map(|m| match &m.value {
                Value::Person(p) => Some((m.span, p.name.as_str())),
                Value::Org(o) => Some((m.span, o.name.as_str())),
                _ => None,
            })
            .collect();
        let orgs = doc
            .mentions_of(Kind::Org)
            .filter_map(|m| match &m.value {
                Value::Org(o) => Some((m.span, o.name.as_str())),
                _ => None,
            })
            .collect();
        let persons = doc
            .mentions_of(Kind::Person)
            .filter_map(|m| match &m.value {
                Value::Person(p) if p.name.contains(' ') => Some(Known {
                    pos: m.span.start,
                    name: Cow::Borrowed(p.name.as_str()),
                    gender: 0,
                }),
                _ => None,
            })
            .collect();
        Resolver {
            text: doc.text.as_str(),
            lex,
            raws,
            entities,
            orgs,
            persons,
            known: OnceCell::new(),
            speakers: Vec::new(),
        }
    }

    /// The document's full names, found on first need (most quotes name their speaker in
    /// full): person mentions plus own name runs outside quotes.
    fn known(&self) -> &[Known<'a>] {
        self.known.get_or_init(|| {
            let (text, lex, raws) = (self.text, self.lex, self.raws);
            let mut known = self.persons.clone();
            // own name runs outside quotes: two to four capitalised words opened by a first name
            // or after a title (`Lt. Mark Hensley`), or followed by a speech verb or an appositive
            // (`Hélène Marchand said`, `Gul Bibi, 45,`)
            // the words of closed quotes are never a run's start, title or cue, and no token
            // runs into or out of a quote mark: they are skipped, not tokenized
            let mut toks = Vec::with_capacity(text.len() / 4 + 1);
            let mut at = 0;
            for r in raws.iter().filter(|r| !r.runs_on) {
                attrib::push_tokens(text, at, r.start, lex, &mut toks);
                at = r.end;
            }
            attrib::push_tokens(text, at, text.len(), lex, &mut toks);
            let in_quote = |p: usize| {
                let i = raws.partition_point(|r| r.end <= p);
                raws.get(i).is_some_and(|r| r.start <= p)
            };
            let lower = |t: &attrib::Tok| t.word && !t.cap();
            let mut i = 0;
            while i < toks.len() {
                let t = &toks[i];
                if !t.cap() {
                    i += 1;
                    continue;
                }
                let mut j = i;
                while j < toks.len()
                    && j - i < 4
                    && toks[j].cap()
                    && !toks[j].is_class(lex, class::DET | class::ANY_TITLE)
                {
                    j += 1;
                }
                // a single capitalised word is no name run: its cues are not looked up
                if j - i < 2 || in_quote(t.start) {
                    i += 1;
                    continue;
                }
                let title = i.checked_sub(1).map_or(0, |p| toks[p].classes(lex));
                let next = toks.get(j);
                let cue = next.is_some_and(|n| lower(n) && n.verb(lex))
                    || next.is_some_and(|n| n.is(","))
                        && toks.get(j + 1).is_some_and(|m| {
                            m.s.starts_with(|c: char| c.is_ascii_digit())
                                || lower(m) && m.is_class(lex, class::DET)
                        });
                let opens = lex.is_first_name(t.s) || title & class::ANY_TITLE != 0 || cue;
                if opens {
                    let last = toks[j - 1].s;
                    let last = last.strip_suffix("'s").or(last.strip_suffix("’s")).unwrap_or(last);
                    let mut name = toks[i..j - 1].iter().map(|t| t.s).collect::<Vec<_>>();
                    name.push(last);
                    let gender = title & (class::TITLE_M | class::TITLE_F);
                    known.push(Known { pos: t.start, name: Cow::Owned(name.join(" ")), gender });
                    i = j;
                    continue;
                }
                i += 1;
            }
            known.sort_by_key(|k| k.pos);
            known
        })
    }

    /// The name subject of the latest sentence before `pos` in the paragraph of `raw`, outside
    /// quotes, compatible with gender `ok`.
    fn paragraph_subject(
        &self,
        raw: &RawQuote,
        pos: usize,
        ok: impl Fn(u16) -> bool,
    ) -> Option<(usize, String)> {
        let from = raw.para_start.min(pos);
        // tokens come in text order: the quote that may hold the next one only moves on
        let mut q = self.raws.partition_point(|r| r.close <= from);
        let outside = |t: &attrib::Tok| {
            while self.raws.get(q).is_some_and(|r| r.close <= t.start) {
                q += 1;
            }
            self.raws.get(q).is_none_or(|r| r.open > t.start)
        };
        // the words between the quotes only: a quote between double marks is skipped whole,
        // as no token runs into or out of such a mark (tokens outside it are the same)
        let mut toks = Vec::new();
        let mut at = from;
        for r in &self.raws[self.raws.partition_point(|r| r.close <= from)..] {
            if r.close > pos {
                break;
            }
            if r.open >= at && self.double_marks(r) {
                attrib::push_tokens(self.text, at, r.open, self.lex, &mut toks);
                at = r.close;
            }
        }
        attrib::push_tokens(self.text, at, pos, self.lex, &mut toks);
        toks.retain(outside);
        toks.split(|t| t.sentence_end()).rev().find_map(|sentence| {
            let span = attrib::subject_span(sentence, self.lex)?;
            let (name, gender) = self.canonical(span);
            ok(gender).then_some((span.start, name))
        })
    }

    /// True when quote `r` opens and closes with a double mark (`"`, `“”`, `«»`).
    fn double_marks(&self, r: &RawQuote) -> bool {
        let (head, tail) = (self.text.get(r.open..r.start), self.text.get(r.end..r.close));
        matches!(head, Some("\"" | "“" | "«")) && matches!(tail, Some("\"" | "”" | "»"))
    }

    /// The canonical speaker of attribution `a` (of quote `raw`), remembering named speakers
    /// for later pronouns.
    fn speaker(&mut self, a: &Attr, raw: &RawQuote) -> Option<String> {
        let pos = a.speaker.start;
        match a.kind {
            SpeakerKind::Pronoun(bits) => {
                let want = if bits & class::HE != 0 {
                    class::TITLE_M
                } else if bits & class::SHE != 0 {
                    class::TITLE_F
                } else {
                    // `it`/`they`: the latest organization named in the paragraph
                    return self
                        .orgs
                        .iter()
                        .rev()
                        .find(|(sp, _)| raw.para_start <= sp.start && sp.end <= pos)
                        .map(|(_, name)| name.to_string());
                };
                let ok = |g: u16| g == 0 || g == want;
                // in its paragraph: the later of the latest speaker and the latest subject
                let subject = self.paragraph_subject(raw, pos, ok);
                let recent = self
                    .speakers
                    .iter()
                    .rev()
                    .find(|s| raw.para_start <= s.0 && s.0 < pos && ok(s.2));
                let local = match (subject, recent) {
                    (Some(sub), Some(r)) if r.0 > sub.0 => Some(r.1.clone()),
                    (Some(sub), _) => Some(sub.1),
                    (None, r) => r.map(|r| r.1.clone()),
                };
                let found = local.or_else(|| {
                    self.speakers
                        .iter()
                        .rev()
                        .find(|s| s.0 < pos && ok(s.2) && s.4 && s.1.contains(' '))
                        .map(|s| s.1.clone())
                        .or_else(|| {
                            self.known()
                                .iter()
                                .rev()
                                .find(|k| k.pos < pos && ok(k.gender))
                                .map(|k| k.name.to_string())
                        })
                });
                if let Some(name) = &found {
                    self.speakers.push((pos, name.clone(), want, None, true));
                }
                found
            }
            SpeakerKind::Name => {
                let (name, gender) = self.canonical(a.speaker);
                let role = a.role.map(|r| self.text[r.start..r.end].to_string());
                self.speakers.push((pos, name.clone(), gender, role, true));
                Some(name)
            }
            SpeakerKind::Role => {
                let phrase = self.strip(a.speaker).join(" ");
                let head = phrase.rsplit(' ').next().unwrap_or("").to_lowercase();
                let by_role = self.speakers.iter().rev().find(|s| {
                    s.0 < pos && s.3.as_deref().is_some_and(|r| r.to_lowercase().contains(&head))
                });
                let name = by_role.map_or(phrase, |s| s.1.clone());
                self.speakers.push((pos, name.clone(), 0, None, false));
                Some(name)
            }
        }
    }

    /// The words of `span` without determiners and titles.
    fn strip(&self, span: Span) -> Vec<&'a str> {
        let words: Vec<&str> = self.text[span.start..span.end].split_whitespace().collect();
        let skip = words
            .iter()
            .take_while(|w| self.lex.is(w, class::DET | class::ANY_TITLE) && words.len() > 1)
            .count();
        words[skip.min(words.len().saturating_sub(1))..].to_vec()
    }

    /// Full name and title gender for a named speaker.
    fn canonical(&self, span: Span) -> (String, u16) {
        let gender = self.text[span.start..span.end]
            .split_whitespace()
            .map(|w| self.lex.classes(w) & (class::TITLE_M | class::TITLE_F))
            .fold(0, |a, b| a | b);
        if let Some((_, name)) = self.entities.iter().find(|(s, _)| s.overlaps(span)) {
            return (name.to_string(), gender);
        }
        let words = self.strip(span);
        if words.len() != 1 {
            // `Senate Majority Leader Mitch McConnell`: the name starts at its first name
            let first = words.iter().position(|w| self.lex.is_first_name(w)).unwrap_or(0);
            let first = if words.len() - first >= 2 { first } else { 0 };
            return (words[first..].join(" "), gender);
        }
        let surname = words[0].trim_end_matches(['\'', '’', 's']);
        let matches = |name: &str| {
            name.rsplit(' ')
                .next()
                .is_some_and(|last| close_spelling(last, words[0]) || close_spelling(last, surname))
        };
        // the latest earlier speaker or known name, then any known name; the known names are
        // found only when no speaker matches
        let earlier =
            |k: &(usize, &str, u16)| k.1.contains(' ') && k.0 < span.start && matches(k.1);
        let found = self
            .speakers
            .iter()
            .rev()
            .map(|s| (s.0, s.1.as_str(), s.2))
            .find(earlier)
            .or_else(|| {
                let known = self.known().iter().map(|k| (k.pos, k.name.as_ref(), k.gender));
                known.clone().rev().find(earlier).or_else(|| known.clone().find(|k| matches(k.1)))
            });
        match found {
            Some((_, name, g)) => (name.to_string(), gender | g),
            None => (words[0].to_string(), gender),
        }
    }
}

/// True for a headline or subhead: most longer words capitalised (`Clinton Speaks 'Directly To
/// White People'`); its quote marks mark phrases, not speech.
fn headline(para: &str) -> bool {
    let (mut long, mut caps) = (0, 0);
    for word in para.split_whitespace().map(|w| w.trim_matches(|c: char| !c.is_alphanumeric())) {
        if word.chars().nth(3).is_some() {
            long += 1;
            caps += usize::from(word.starts_with(|c: char| c.is_uppercase()));
            if long >= 8 && caps * 4 < long * 3 {
                // clearly running text: stop early on long paragraphs
                return false;
            }
        }
    }
    long >= 3 && caps * 4 >= long * 3
}

/// Same surname, or a close spelling variant (`Hawach`/`Hawash`): one substitution in a word of
/// five or more letters with the same first letter.
fn close_spelling(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    // compared char by char, without collecting: this runs for every known name
    let (mut x, mut y) = (a.chars(), b.chars());
    if x.next() != y.next() {
        return false;
    }
    let (mut len, mut diff) = (1, 0);
    loop {
        match (x.next(), y.next()) {
            (Some(p), Some(q)) => {
                len += 1;
                diff += usize::from(p != q);
                if diff > 1 {
                    return false;
                }
            }
            (None, None) => return len >= 5 && diff == 1,
            _ => return false,
        }
    }
}
