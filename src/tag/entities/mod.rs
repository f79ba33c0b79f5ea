/*!
Shared data and rules of the entity stages (orgs, persons, places).

[`Entities::load`] reads the gazetteers once (`countries.tsv`, `admin1.tsv`, `cities.tsv`,
`regions.tsv`, `orgs.tsv`, `first_names.tsv`, `titles.txt`, `stopwords.txt`, `org_heads.txt`)
and compiles one case-sensitive leftmost-longest automaton for places and one for organizations.
Case variants are generated at build time (the name as written, a capitalised form of an
`al-X` alias, and an UPPER CASE form that is only trusted on all-capitals lines), which is ~5×
faster than an ASCII-case-insensitive automaton.

The three stages run in the order orgs, persons, places; each adds candidates to the shared
mention list under the one overlap policy of [`overlap`].

Other stages that need a country for a demonym (`Syrian` → `SY`) construct [`Demonyms`] from the
gazetteers (cheap: one small file), or call [`Entities::demonym_country`].
*/
pub mod overlap;
#[cfg(test)]
mod tests;
pub(crate) mod text;

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Anchored, Input, MatchKind, StartKind};

use crate::data::{DataFile, Gazetteers};
use crate::error::{Error, Result};

/// FxHash (as in rustc): word lookups happen per token, where SipHash's cost shows.
#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b))
                .wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// A hash map with [`FxHasher`].
pub(crate) type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// A case-insensitive word list without allocation per lookup: each word is stored as written
/// in lower case, Capitalised and UPPER CASE, and looked up exactly.
#[derive(Default)]
pub(crate) struct WordSet(HashSet<String, BuildHasherDefault<FxHasher>>);

impl WordSet {
    fn from_words<'a>(words: impl Iterator<Item = &'a str>) -> WordSet {
        let mut set = HashSet::default();
        for w in words {
            let lower = w.to_lowercase();
            let mut cs = lower.chars();
            let cap: String =
                cs.next().map(|c| c.to_uppercase().chain(cs).collect()).unwrap_or_default();
            set.insert(lower.to_uppercase());
            set.insert(cap);
            set.insert(lower);
        }
        WordSet(set)
    }

    /// True when `w` is in the list in lower case, Capitalised or UPPER CASE.
    pub fn contains(&self, w: &str) -> bool {
        self.0.contains(w)
    }
}

/// A place entry: a country, first-level division, city, region, camp or area.
#[derive(Debug, Clone)]
pub(crate) struct Place {
    pub name: String,
    pub cc: String,
    pub admin1: Option<String>,
    pub feature: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub population: u64,
    /// The name is also an English word or common first name: needs evidence.
    pub common: bool,
    /// Provenance: `file:line`.
    pub source: String,
}

/// An organization entry from `orgs.tsv` or `orgs_world.tsv`.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub name: String,
    pub kind: String,
    pub country: String,
    /// `FILE:LINE` of the entry, for provenance.
    pub source: String,
}

/// One gazetteer entry a pattern of an automaton stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    /// Index into the entry table.
    pub entry: u32,
    /// True when only the UPPER CASE variant matched: trusted on all-capitals lines only.
    pub upper: bool,
}

/// A case-sensitive automaton over many surface forms, each pattern standing for one or more
/// entries.
pub(crate) struct Names {
    ac: AhoCorasick,
    /// Bit `b0 << 8 | b1` is set when some pattern starts with the bytes `b0 b1` (or is the
    /// single byte `b0`): a word start failing it cannot begin a match, so most lower-case
    /// words never reach the automaton (an 8 KB table, cheaper than a hash lookup).
    prefix2: Vec<u64>,
    /// The first word (letters and digits) of every pattern: a match ends on a word boundary,
    /// so it can only start at a text word that is some pattern's first word. One hash lookup
    /// per capitalised word spares most automaton runs (which dominated the entity stages).
    first_words: HashSet<String, BuildHasherDefault<FxHasher>>,
    pats: Vec<Vec<Hit>>,
    index: FxMap<String, u32>,
}

impl Names {
    fn build(surfaces: Vec<(String, u32, bool)>, strip_articles: bool, dfa: bool) -> Result<Names> {
        let mut index: FxMap<String, u32> = FxMap::default();
        let mut pats: Vec<Vec<Hit>> = Vec::new();
        let mut strings: Vec<String> = Vec::new();
        let mut add = |s: String, entry: u32, upper: bool| {
            let id = *index.entry(s.clone()).or_insert_with(|| {
                strings.push(s);
                pats.push(Vec::new());
                (pats.len() - 1) as u32
            });
            let list = &mut pats[id as usize];
            match list.iter_mut().find(|h| h.entry == entry) {
                Some(h) => h.upper &= upper,
                None => list.push(Hit { entry, upper }),
            }
        };
        for (s, entry, with_upper) in surfaces {
            let s = s.trim();
            let s = s.strip_prefix("the ").unwrap_or(s);
            if s.chars().count() < 2 || !s.chars().next().is_some_and(char::is_alphabetic) {
                continue;
            }
            // `northeast Syria` is a name; `Borno state`, `Lower Shabelle region` are a name
            // and a generic word, which the mention leaves out.
            let generic = s.rsplit(' ').next().is_some_and(|w| {
                matches!(w, "state" | "region" | "province" | "governorate" | "oblast" | "district")
            });
            if generic || !(text::namey(s) || s.contains(char::is_uppercase)) {
                continue;
            }
            let upper = s.to_uppercase();
            if with_upper && upper != s && upper.len() == s.len() {
                add(upper, entry, true);
            }
            if s.starts_with(char::is_lowercase) {
                let mut cs = s.chars();
                let first: String =
                    cs.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
                add(first + cs.as_str(), entry, false);
            }
            add(s.to_string(), entry, false);
            // `al-Hawija` is also written `Hawija`.
            if let Some(bare) = ["al-", "Al-", "al ", "Al "].iter().find_map(|a| s.strip_prefix(a))
            {
                if bare.chars().count() >= 4 && text::namey(bare) && strip_articles {
                    add(bare.to_string(), entry, false);
                }
            }
        }
        let first_words = strings.iter().map(|st| first_word(st).to_string()).collect();
        let mut prefix2 = vec![0u64; 65536 / 64];
        for st in &strings {
            let b = st.as_bytes();
            let lo = (b[0] as usize) << 8;
            let (from, to) = match b.get(1) {
                Some(&b1) => (lo | b1 as usize, lo | b1 as usize),
                None => (lo, lo | 0xFF),
            };
            for k in from..=to {
                prefix2[k / 64] |= 1 << (k % 64);
            }
        }
        let ac = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .start_kind(StartKind::Anchored)
            // A DFA is fastest but too big for the ~10⁵ place names: only the small org list.
            .kind(dfa.then_some(aho_corasick::AhoCorasickKind::DFA))
            .build(&strings)
            .map_err(|e| Error::Data {
                file: "entities".into(),
                line: 0,
                message: format!("cannot build automaton: {e}"),
            })?;
        Ok(Names { ac, prefix2, first_words, pats, index })
    }

    /// Every match on word boundaries, leftmost-longest, in one pass over the text's word
    /// starts: the automaton runs anchored at each word start not inside an earlier match
    /// (names start at word starts, so this finds what an unanchored scan with restarts finds,
    /// while the bytes inside words never enter the automaton). When the longest match at a
    /// start fails the boundary check, shorter ones are tried (`New York Citys` still yields
    /// `New York`; `Iranian` yields nothing).
    pub fn find(&self, text: &str) -> Vec<(usize, usize, u32)> {
        let bytes = text.as_bytes();
        let mut out = Vec::new();
        let mut next_free = 0;
        for i in 0..bytes.len() {
            let b = bytes[i];
            if i < next_free || !(b.is_ascii_alphabetic() || b >= 0xC0) {
                continue;
            }
            let word_start = match i.checked_sub(1).map(|j| bytes[j]) {
                None => true,
                Some(p) if p < 0x80 => !p.is_ascii_alphanumeric(),
                Some(_) => !text[..i].chars().next_back().is_some_and(char::is_alphanumeric),
            };
            if !word_start {
                continue;
            }
            let k = (b as usize) << 8 | bytes.get(i + 1).map_or(0, |&b1| b1 as usize);
            if self.prefix2[k / 64] & (1 << (k % 64)) == 0
                || !self.first_words.contains(first_word(&text[i..]))
            {
                continue;
            }
            let mut end = bytes.len();
            while let Some(m) = self.ac.find(Input::new(text).range(i..end).anchored(Anchored::Yes))
            {
                if text::on_word_boundary(text, i, m.end()) {
                    out.push((i, m.end(), m.pattern().as_u32()));
                    next_free = m.end();
                    break;
                }
                end = m.end() - 1;
                if end <= i {
                    break;
                }
            }
        }
        out
    }

    /// The entries of pattern `pid`.
    pub fn hits(&self, pid: u32) -> &[Hit] {
        &self.pats[pid as usize]
    }

    /// The entries of an exact surface form, if it is one.
    pub fn lookup(&self, surface: &str) -> Option<&[Hit]> {
        self.index.get(surface).map(|&p| self.pats[p as usize].as_slice())
    }
}

/// The leading run of letters and digits of `s`.
fn first_word(s: &str) -> &str {
    let end = s.find(|c: char| !c.is_alphanumeric()).unwrap_or(s.len());
    &s[..end]
}

/// Demonyms (`Syrian`, `Syrians`, `Afghan`) with the ISO 3166-1 alpha-2 code of their country.
#[derive(Debug, Clone, Default)]
pub struct Demonyms {
    map: FxMap<String, String>,
}

impl Demonyms {
    /// Reads the demonym column of `countries.tsv`.
    pub fn load(gazetteers: &Gazetteers) -> Result<Demonyms> {
        let file = gazetteers.file("countries.tsv")?;
        let mut map = FxMap::default();
        for row in file.tsv(4)? {
            for d in row.list(3) {
                map.entry(d.to_string()).or_insert_with(|| row.get(0).to_string());
            }
        }
        Ok(Demonyms { map })
    }

    /// The country code of a demonym as written (`Syrian` → `SY`), if it is one.
    pub fn country(&self, word: &str) -> Option<&str> {
        self.map.get(word).map(String::as_str)
    }
}

/// The shared entity data: gazetteers compiled once, shared by the three stages (cheap to
/// clone).
#[derive(Clone)]
pub struct Entities(pub(crate) Arc<Inner>);

/// What [`Entities`] holds.
pub(crate) struct Inner {
    pub places: Vec<Place>,
    pub place_names: Names,
    pub orgs: Vec<Org>,
    pub org_names: Names,
    pub demonyms: Demonyms,
    /// First name → is it also a common word (`Grace`, `Will`).
    pub first_names: FxMap<String, bool>,
    /// Titles and roles, without a final `.`.
    pub titles: WordSet,
    /// Capitalised words that are never (part of) a name.
    pub stopwords: WordSet,
    /// Head nouns of organization names (`Group`, `Ministry`), as written.
    pub org_heads: HashSet<String, BuildHasherDefault<FxHasher>>,
    /// Sports named at the start of a headline (`SOCCER`).
    pub sports_headlines: HashSet<String>,
    /// Lower-case words of sports reports (`beat`, `halftime`), as one small automaton.
    pub sports_cues: AhoCorasick,
}

fn parse_f64(file: &DataFile, line: usize, s: &str) -> Result<Option<f64>> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| file.error(line, format!("not a number: {s:?}")))
}

impl Entities {
    /// Loads the shared entity data and builds the automata.
    pub fn load(gazetteers: &Gazetteers) -> Result<Entities> {
        let mut places = Vec::new();
        let mut place_surfaces = Vec::new();
        let mut centroid: HashMap<String, (f64, f64)> = HashMap::new();

        let file = gazetteers.file("countries.tsv")?;
        for row in file.tsv(6)? {
            let lat = parse_f64(&file, row.line, row.get(4))?.unwrap_or(0.0);
            let lon = parse_f64(&file, row.line, row.get(5))?.unwrap_or(0.0);
            centroid.insert(row.get(0).to_string(), (lat, lon));
            let id = places.len() as u32;
            places.push(Place {
                name: row.get(1).to_string(),
                cc: row.get(0).to_string(),
                admin1: None,
                feature: "country",
                lat,
                lon,
                population: u64::MAX,
                common: false,
                source: format!("countries.tsv:{}", row.line),
            });
            place_surfaces.push((row.get(1).to_string(), id, true));
            place_surfaces.extend(row.list(2).map(|a| (a.to_string(), id, true)));
        }

        let file = gazetteers.file("admin1.tsv")?;
        let mut admin1_names: HashMap<String, String> = HashMap::new();
        for row in file.tsv(3)? {
            let cc = row.get(0);
            let (clat, clon) = centroid.get(cc).copied().unwrap_or((0.0, 0.0));
            let lat = parse_f64(&file, row.line, row.get(4))?.unwrap_or(clat);
            let lon = parse_f64(&file, row.line, row.get(5))?.unwrap_or(clon);
            admin1_names.insert(row.get(1).to_string(), row.get(2).to_string());
            let id = places.len() as u32;
            places.push(Place {
                name: row.get(2).to_string(),
                cc: cc.to_string(),
                admin1: Some(row.get(2).to_string()),
                feature: "admin1",
                lat,
                lon,
                population: 0,
                common: false,
                source: format!("admin1.tsv:{}", row.line),
            });
            place_surfaces.push((row.get(2).to_string(), id, true));
            place_surfaces.extend(row.list(3).map(|a| (a.to_string(), id, true)));
        }

        let file = gazetteers.file("cities.tsv")?;
        for row in file.tsv(8)? {
            let cc = row.get(2);
            let id = places.len() as u32;
            places.push(Place {
                name: row.get(1).to_string(),
                cc: cc.to_string(),
                admin1: admin1_names.get(&format!("{cc}.{}", row.get(3))).cloned(),
                feature: "city",
                lat: parse_f64(&file, row.line, row.get(4))?.unwrap_or(0.0),
                lon: parse_f64(&file, row.line, row.get(5))?.unwrap_or(0.0),
                population: row.get(6).parse().unwrap_or(0),
                common: row.get(7) == "1",
                source: format!("cities.tsv:{}", row.line),
            });
            place_surfaces.push((row.get(1).to_string(), id, true));
            // City aliases get no UPPER CASE form: capitals lines and datelines use main names,
            // and it halves the automaton.
            place_surfaces.extend(row.list(8).map(|a| (a.to_string(), id, false)));
        }

        // Hand-curated areas; optional so that a build without them still runs.
        for name in ["regions.tsv", "place_overrides.tsv"] {
            if !Gazetteers::names().any(|n| n == name) {
                continue;
            }
            let file = gazetteers.file(name)?;
            for row in file.tsv(5)? {
                let cc = row.get(1);
                let (clat, clon) = centroid.get(cc).copied().unwrap_or((0.0, 0.0));
                let id = places.len() as u32;
                let feature = match row.get(2) {
                    "camp" => "camp",
                    "area" => "area",
                    "water" => "water",
                    "city" => "city",
                    "admin1" => "admin1",
                    "county" => "county",
                    _ => "region",
                };
                places.push(Place {
                    name: row.get(0).to_string(),
                    cc: cc.to_string(),
                    admin1: None,
                    feature,
                    lat: parse_f64(&file, row.line, row.get(3))?.unwrap_or(clat),
                    lon: parse_f64(&file, row.line, row.get(4))?.unwrap_or(clon),
                    population: u64::MAX / 2,
                    common: false,
                    source: format!("{name}:{}", row.line),
                });
                place_surfaces.push((row.get(0).to_string(), id, true));
                place_surfaces.extend(row.list(5).map(|a| (a.to_string(), id, true)));
            }
        }

        // The hand-curated core first: where both files list a surface form, the core's entry
        // wins (the automaton keeps the first entry of a surface).
        let mut orgs = Vec::new();
        let mut org_surfaces = Vec::new();
        for name in ["orgs.tsv", "orgs_world.tsv"] {
            let file = gazetteers.file(name)?;
            for row in file.tsv(2)? {
                const TYPES: &[&str] = &[
                    "armed_group",
                    "igo",
                    "ngo",
                    "military",
                    "government",
                    "police",
                    "party",
                    "media",
                    "company",
                    "sports",
                    "other",
                ];
                if !TYPES.contains(&row.get(1)) {
                    return Err(file.error(row.line, format!("unknown org type {:?}", row.get(1))));
                }
                // `Dawn (newspaper)`: the qualifier only tells homonyms apart; it is neither
                // output nor matched.
                let canonical = row.get(0);
                let (shown, qualified) = match canonical.split_once(" (") {
                    Some((bare, _)) if canonical.ends_with(')') => (bare, true),
                    _ => (canonical, false),
                };
                let id = orgs.len() as u32;
                orgs.push(Org {
                    name: shown.to_string(),
                    kind: row.get(1).to_string(),
                    country: row.get(2).to_string(),
                    source: format!("{name}:{}", row.line),
                });
                if !qualified {
                    org_surfaces.push((shown.to_string(), id, true));
                }
                org_surfaces.extend(row.list(3).map(|a| (a.to_string(), id, true)));
            }
        }

        let file = gazetteers.file("first_names.tsv")?;
        let first_names =
            file.tsv(1)?.iter().map(|r| (r.get(0).to_string(), r.get(1) == "1")).collect();
        let lower_set = |name: &str| -> Result<WordSet> {
            let file = gazetteers.file(name)?;
            Ok(WordSet::from_words(
                crate::data::word_list(&file).into_iter().map(|w| w.trim_end_matches('.')),
            ))
        };
        let titles = lower_set("titles.txt")?;
        let stopwords = lower_set("stopwords.txt")?;
        let file = gazetteers.file("org_heads.txt")?;
        let org_heads = crate::data::word_list(&file).into_iter().map(str::to_string).collect();

        let file = gazetteers.file("sports_cues.txt")?;
        let (mut sports_headlines, mut sports_cues) = (HashSet::new(), Vec::new());
        for (line, text) in file.lines() {
            match text.split_once(' ') {
                Some(("headline", w)) => sports_headlines.insert(w.trim().to_string()),
                Some(("cue", w)) => {
                    sports_cues.push(w.trim().to_string());
                    true
                }
                _ => return Err(file.error(line, "expected `headline WORD` or `cue WORD`")),
            };
        }
        let demonyms = Demonyms::load(gazetteers)?;
        // A demonym is never a place (`German` is also a parish of the Isle of Man).
        place_surfaces.retain(|(s, _, _)| demonyms.country(s).is_none());

        Ok(Entities(Arc::new(Inner {
            place_names: Names::build(place_surfaces, true, false)?,
            places,
            org_names: Names::build(org_surfaces, false, true)?,
            orgs,
            demonyms,
            first_names,
            titles,
            stopwords,
            org_heads,
            sports_headlines,
            sports_cues: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                .build(&sports_cues)
                .map_err(|e| file.error(0, format!("cannot build automaton: {e}")))?,
        })))
    }

    /// The country code of a demonym as written (`Syrian` → `SY`), if it is one.
    pub fn demonym_country(&self, word: &str) -> Option<&str> {
        self.0.demonyms.country(word)
    }
}
