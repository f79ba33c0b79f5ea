/*!
The events stage's data: the type table, the trigger and cue lists, and the demonyms, loaded once
from `event_types.tsv`, `event_triggers.tsv`, `event_cues.tsv` and `countries.tsv`.
*/
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

use super::scan::WordScan;
use crate::data::Gazetteers;
use crate::error::{Error, Result};
use crate::hash::FxMap;

/// One row of `event_types.tsv`: our type and subtype with their ACLED and CAMEO codes.
#[derive(Debug, Clone)]
pub(crate) struct TypeRow {
    pub event_type: String,
    pub subtype: String,
    pub acled_type: String,
    pub acled_sub: String,
    pub cameo: String,
}

/// How a trigger may start an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strength {
    /// Always a new event (or merged into a compatible one).
    Strong,
    /// Only when its sentence reports casualties (plural generic nouns: `attacks`).
    Weak,
    /// Joins the latest compatible event (`the incident`).
    Anaphor,
    /// Only `the X` joining an earlier compatible event, never an event of its own (`the
    /// strike` after an airstrike; a labour strike joins nothing).
    Refer,
}

/// One trigger entry.
#[derive(Debug, Clone)]
pub(crate) struct Trigger {
    /// Index into [`EventData::types`].
    pub type_index: usize,
    pub rank: u8,
    pub strength: Strength,
    /// Its position in the trigger list.
    pub index: usize,
    /// `event_triggers.tsv:LINE`, for provenance.
    pub rule: String,
}

/// What a cue marks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    Future,
    Negated,
    Hypothetical,
    Perpetrator,
    Claim,
    Target,
    Agent,
    Background,
    Disaster,
    Speech,
    Armed,
    Crowd,
    Home,
    Distinct,
    Accord,
    Rampage,
    OwnAction,
    Repel,
    /// An ACLED actor type (`inter`) code 1-8 for a head noun.
    Inter(u8),
    // Word classes, looked up one word at a time (never searched for in the text):
    /// Before a noun phrase, not part of it (`the`).
    Determiner,
    /// Before a trigger, makes it refer to a known incident (`the attack`).
    Definite,
    /// Ends a noun phrase read after a trigger (`in`, `was`).
    PhraseStop,
    /// A number or quantity word that belongs to the agent noun after it (`two gunmen`).
    Count,
    /// Before a trigger, makes it passive (`was attacked`).
    Auxiliary,
    /// After a trigger, introduces the agent of a passive (`killed by`).
    PassiveAgent,
    /// Before a place, belongs to the event's location words (`near Palmyra`).
    PlacePreposition,
    /// A past tense not ending in `-ed` (`struck`): such a trigger takes an object.
    IrregularPast,
    /// After a target cue, makes it a quantity, not a target (`at least`).
    Quantity,
}

impl Cue {
    fn parse(s: &str) -> Option<Cue> {
        Some(match s {
            "future" => Cue::Future,
            "negated" => Cue::Negated,
            "hypothetical" => Cue::Hypothetical,
            "perpetrator" => Cue::Perpetrator,
            "claim" => Cue::Claim,
            "target" => Cue::Target,
            "agent" => Cue::Agent,
            "background" => Cue::Background,
            "disaster" => Cue::Disaster,
            "speech" => Cue::Speech,
            "armed" => Cue::Armed,
            "crowd" => Cue::Crowd,
            "home" => Cue::Home,
            "distinct" => Cue::Distinct,
            "accord" => Cue::Accord,
            "rampage" => Cue::Rampage,
            "own_action" => Cue::OwnAction,
            "repel" => Cue::Repel,
            "determiner" => Cue::Determiner,
            "definite" => Cue::Definite,
            "phrase_stop" => Cue::PhraseStop,
            "count" => Cue::Count,
            "auxiliary" => Cue::Auxiliary,
            "passive_agent" => Cue::PassiveAgent,
            "place_preposition" => Cue::PlacePreposition,
            "irregular_past" => Cue::IrregularPast,
            "quantity" => Cue::Quantity,
            _ => match s.strip_prefix("inter").and_then(|n| n.parse().ok()) {
                Some(n @ 1..=8) => Cue::Inter(n),
                _ => return None,
            },
        })
    }

    /// True for the word classes, which are looked up by word, not searched for.
    fn is_word_class(self) -> bool {
        matches!(
            self,
            Cue::Determiner
                | Cue::Definite
                | Cue::PhraseStop
                | Cue::Count
                | Cue::Auxiliary
                | Cue::PassiveAgent
                | Cue::PlacePreposition
                | Cue::IrregularPast
                | Cue::Quantity
        )
    }

    /// True for the cues that cancel an event before its trigger (modality, background).
    pub fn is_modal(self) -> bool {
        matches!(self, Cue::Future | Cue::Negated | Cue::Hypothetical | Cue::Background)
    }
}

/// A word-list automaton with one value per pattern, matched on whole words.
pub(crate) struct WordMatcher<T> {
    automaton: AhoCorasick,
    values: Vec<T>,
    /// The word-start scan, for a list searched over whole articles.
    scan: Option<WordScan>,
}

/// How much text a list is searched over: it decides how its automaton is built.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Whole articles: the word-start scan, when the list allows it.
    Articles,
    /// Sentences, several times per event: a DFA, the fastest search.
    Sentences,
    /// A few short phrases per event: a contiguous NFA, several times faster to build.
    Phrases,
}

impl<T> WordMatcher<T> {
    fn build(
        origin: &str,
        patterns: Vec<String>,
        values: Vec<T>,
        ci: bool,
        reach: Reach,
    ) -> Result<Self> {
        let scan = (reach == Reach::Articles && ci).then(|| WordScan::new(&patterns)).flatten();
        // with the scan, the automaton of an article-wide list only checks short phrases
        let kind = if reach == Reach::Phrases || scan.is_some() {
            AhoCorasickKind::ContiguousNFA
        } else {
            AhoCorasickKind::DFA
        };
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .ascii_case_insensitive(ci)
            .kind(Some(kind))
            .build(&patterns)
            .map_err(|e| Error::Data {
                file: origin.to_string(),
                line: 0,
                message: e.to_string(),
            })?;
        Ok(WordMatcher { automaton, values, scan })
    }

    /// Whole-word matches in all of `text`, as [`WordMatcher::find`] finds them (but for a
    /// match starting inside a word, which hides none after it).
    pub fn find_all<'a>(&'a self, text: &'a str) -> Vec<(usize, usize, &'a T)> {
        let Some(scan) = &self.scan else { return self.find(text, 0, text.len()).collect() };
        let mut out = Vec::new();
        scan.find(text, |s, e, p| {
            if is_word_at(text, s, e) {
                out.push((s, e, &self.values[p]));
            }
        });
        out
    }

    /// Whole-word matches in `text[start..end]`: (start, end, value), absolute offsets.
    pub fn find<'a>(
        &'a self,
        text: &'a str,
        start: usize,
        end: usize,
    ) -> impl Iterator<Item = (usize, usize, &'a T)> + 'a {
        let hay = text.get(start..end).unwrap_or("");
        self.automaton.find_iter(hay).filter_map(move |m| {
            let (s, e) = (start + m.start(), start + m.end());
            is_word_at(text, s, e).then(|| (s, e, &self.values[m.pattern().as_usize()]))
        })
    }
}

/// True when `text[s..e]` is not glued to letters or digits on either side.
pub(crate) fn is_word_at(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let glued = |c: u8| c.is_ascii_alphanumeric();
    let before = s > 0 && glued(b[s - 1]);
    let after = e < b.len() && glued(b[e]);
    !before && !after
}

/// The word classes of `event_cues.tsv`: a lower-case word to its classes.
#[derive(Default)]
pub(crate) struct WordClasses(FxMap<String, Vec<Cue>>);

impl WordClasses {
    /// True when `word` (compared as given: callers lower-case it) is of class `class`.
    pub fn has(&self, word: &str, class: Cue) -> bool {
        self.0.get(word).is_some_and(|c| c.contains(&class))
    }
}

/// Everything the events stage reads from data files.
pub(crate) struct EventData {
    pub types: Vec<TypeRow>,
    pub triggers: WordMatcher<Trigger>,
    /// Each cue's kinds (a word can be both an agent and an armed party).
    pub cues: WordMatcher<Vec<Cue>>,
    /// The word classes (determiners, auxiliaries...), by word.
    pub words: WordClasses,
    /// Demonyms (`Syrian`) to ISO codes, case-sensitive.
    pub demonyms: WordMatcher<String>,
    /// ISO code to (name, centroid lat, lon).
    pub countries: HashMap<String, (String, f64, f64)>,
}

impl EventData {
    pub fn load(gazetteers: &Gazetteers) -> Result<EventData> {
        let file = gazetteers.file("event_types.tsv")?;
        let types: Vec<TypeRow> = file
            .tsv(5)?
            .iter()
            .map(|r| TypeRow {
                event_type: r.get(0).to_string(),
                subtype: r.get(1).to_string(),
                acled_type: r.get(2).to_string(),
                acled_sub: r.get(3).to_string(),
                cameo: r.get(4).to_string(),
            })
            .collect();

        let file = gazetteers.file("event_triggers.tsv")?;
        let (mut patterns, mut values) = (Vec::new(), Vec::new());
        for row in file.tsv(5)? {
            let type_index = types
                .iter()
                .position(|t| t.event_type == row.get(1) && t.subtype == row.get(2))
                .ok_or_else(|| file.error(row.line, "type/subtype not in event_types.tsv"))?;
            let rank = row.get(3).parse().map_err(|_| file.error(row.line, "bad rank"))?;
            let strength = match row.get(4) {
                "strong" => Strength::Strong,
                "weak" => Strength::Weak,
                "anaphor" => Strength::Anaphor,
                "refer" => Strength::Refer,
                _ => {
                    return Err(
                        file.error(row.line, "strength must be strong, weak, anaphor or refer")
                    )
                }
            };
            patterns.push(row.get(0).to_string());
            let rule = format!("event_triggers.tsv:{}", row.line);
            values.push(Trigger { type_index, rank, strength, index: values.len(), rule });
        }
        let triggers = WordMatcher::build(&file.origin, patterns, values, true, Reach::Articles)?;

        let file = gazetteers.file("event_cues.tsv")?;
        let (mut patterns, mut values): (Vec<String>, Vec<Vec<Cue>>) = (Vec::new(), Vec::new());
        let mut words = WordClasses::default();
        // each pattern's index, so that a repeated pattern adds its cue without a linear search
        let mut index: FxMap<String, usize> = FxMap::default();
        for row in file.tsv(2)? {
            let cue = Cue::parse(row.get(1)).ok_or_else(|| file.error(row.line, "unknown cue"))?;
            let pattern = row.get(0).to_ascii_lowercase();
            if cue.is_word_class() {
                if pattern.contains(' ') {
                    return Err(file.error(row.line, "a word class holds single words"));
                }
                words.0.entry(pattern).or_default().push(cue);
                continue;
            }
            match index.get(&pattern) {
                Some(&i) => values[i].push(cue),
                None => {
                    index.insert(pattern.clone(), patterns.len());
                    patterns.push(pattern);
                    values.push(vec![cue]);
                }
            }
        }
        let cues = WordMatcher::build(&file.origin, patterns, values, true, Reach::Sentences)?;

        let file = gazetteers.file("countries.tsv")?;
        let (mut patterns, mut values) = (Vec::new(), Vec::new());
        let mut countries = HashMap::new();
        for row in file.tsv(4)? {
            let iso = row.get(0).to_string();
            if let (Ok(lat), Ok(lon)) = (row.get(4).parse(), row.get(5).parse()) {
                countries.insert(iso.clone(), (row.get(1).to_string(), lat, lon));
            }
            for demonym in row.list(3) {
                patterns.push(demonym.to_string());
                values.push(iso.clone());
            }
        }
        let demonyms = WordMatcher::build(&file.origin, patterns, values, false, Reach::Phrases)?;
        Ok(EventData { types, triggers, cues, words, demonyms, countries })
    }

    /// The provenance rule of trigger `index`.
    pub fn rule(&self, index: usize) -> &str {
        self.triggers.values.get(index).map_or("", |t| t.rule.as_str())
    }

    /// The single country the demonyms in `text` point to, if exactly one.
    pub fn demonym_country(&self, text: &str) -> Option<String> {
        let mut found: Option<&String> = None;
        for (s, _, iso) in self.demonyms.find(text, 0, text.len()) {
            // `US-Syrian`: a compound of two countries names neither.
            if text[..s].ends_with('-') {
                return None;
            }
            match found {
                Some(f) if f != iso => return None,
                _ => found = Some(iso),
            }
        }
        found.cloned()
    }
}
