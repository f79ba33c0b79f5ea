//! Table tests of the entity stages: exact spans and values per family, and the overlap policy.
use std::sync::OnceLock;

use super::overlap::{admit, beats, Candidate, Priority};
use super::Entities;
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::input::Article;
use crate::pipeline::Stage;
use crate::tag::orgs::{OrgTagger, OrgValue};
use crate::tag::persons::PersonTagger;
use crate::tag::places::PlaceTagger;

struct Stages {
    orgs: OrgTagger,
    persons: PersonTagger,
    places: PlaceTagger,
}

fn stages() -> &'static Stages {
    static S: OnceLock<Stages> = OnceLock::new();
    S.get_or_init(|| {
        let g = Gazetteers::embedded();
        let e = Entities::load(&g).expect("entity data loads");
        Stages {
            orgs: OrgTagger::new(&g, &e).unwrap(),
            persons: PersonTagger::new(&g, &e).unwrap(),
            places: PlaceTagger::new(&g, &e).unwrap(),
        }
    })
}

fn run(text: &str) -> Document {
    let mut doc = Document::new(Article::from_text("t", text));
    let s = stages();
    s.orgs.annotate(&mut doc);
    s.persons.annotate(&mut doc);
    s.places.annotate(&mut doc);
    doc
}

/// A mention as `(kind, text, value)`: the place's `name/CC`, the org's or person's name.
fn summary(doc: &Document) -> Vec<(&'static str, String, String)> {
    doc.mentions
        .iter()
        .map(|m| {
            let v = match &m.value {
                Value::Place(p) => format!("{}/{}", p.name, p.country),
                Value::Org(o) => o.name.clone(),
                Value::Person(p) => p.name.clone(),
                _ => String::new(),
            };
            (m.kind().as_str(), doc.slice(m.span).to_string(), v)
        })
        .collect()
}

/// Asserts the entity mentions of `text`, in order, as `(kind, text, value)`.
fn t(text: &str, want: &[(&str, &str, &str)]) {
    let doc = run(text);
    let got = summary(&doc);
    let want: Vec<(&str, String, String)> =
        want.iter().map(|(k, s, v)| (*k, s.to_string(), v.to_string())).collect();
    assert_eq!(got.len(), want.len(), "{text:?}\n got: {got:?}\nwant: {want:?}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!((g.0, &g.1, &g.2), (w.0, &w.1, &w.2), "{text:?}\n got: {got:?}");
    }
}

#[test]
fn places_countries_aliases_possessives_compounds() {
    t(
        "The US-Syria talks and Syria’s army met US-backed forces in the United States.",
        &[
            ("place", "US", "United States/US"),
            ("place", "Syria", "Syria/SY"),
            ("place", "Syria", "Syria/SY"),
            ("place", "US", "United States/US"),
            ("place", "United States", "United States/US"),
        ],
    );
    t(
        "Officials in Britain and the U.K. spoke to Kabul-based aid groups.",
        &[
            ("place", "Britain", "United Kingdom/GB"),
            ("place", "U.K.", "United Kingdom/GB"),
            ("place", "Kabul", "Kabul/AF"),
        ],
    );
    // Demonyms are not places; a longer word hides no country inside it.
    t("Syrian and Iranian officials met.", &[]);
}

#[test]
fn places_compass_regions_camps() {
    t(
        "Clashes in northern Syria spread to the al-Hol and Roj prison camps.",
        &[
            ("place", "northern Syria", "Syria/SY"),
            ("place", "al-Hol", "Al-Hol camp/SY"),
            ("place", "Roj", "Roj camp/SY"),
        ],
    );
    t("Aid reached the Gaza Strip.", &[("place", "Gaza Strip", "Gaza Strip/PS")]);
    // A bare compass word names no place.
    t(
        "Fighting in the SDF-controlled northeast went on.",
        &[("org", "SDF", "Syrian Democratic Forces")],
    );
}

#[test]
fn places_resolution_in_context() {
    t("Protesters marched in Paris on Sunday.", &[("place", "Paris", "Paris/FR")]);
    t(
        "Storms hit Paris, Texas.",
        &[("place", "Paris", "Paris/US"), ("place", "Texas", "Texas/US")],
    );
    t(
        "Shelling in Beirut and Tripoli killed two.",
        &[("place", "Beirut", "Beirut/LB"), ("place", "Tripoli", "Tripoli/LB")],
    );
    t("Militias in Tripoli clashed.", &[("place", "Tripoli", "Tripoli/LY")]);
    // Common words need a cue.
    t("Nice work, said the coach.", &[]);
    t("A truck drove into a crowd in Nice.", &[("place", "Nice", "Nice/FR")]);
    // An UPPER CASE dateline.
    t("DAMASCUS — Talks began.", &[("place", "DAMASCUS", "Damascus/SY")]);
}

#[test]
fn orgs_gazetteer_patterns_acronyms() {
    t(
        "ISIS, also called ISIL or Daesh, fought Hezbollah and the Taliban.",
        &[
            ("org", "ISIS", "Islamic State"),
            ("org", "ISIL", "Islamic State"),
            ("org", "Daesh", "Islamic State"),
            ("org", "Hezbollah", "Hezbollah"),
            ("org", "Taliban", "Taliban"),
        ],
    );
    t(
        "A report by Karam Shaar Advisory and the Ministry of Health was cited by the Syrian Observatory for Human Rights.",
        &[
            ("org", "Karam Shaar Advisory", "Karam Shaar Advisory"),
            ("org", "Ministry of Health", "Ministry of Health"),
            ("org", "Syrian Observatory for Human Rights", "Syrian Observatory for Human Rights"),
        ],
    );
    t(
        "The Tishrin Workers Front (TWF) met. Later the TWF left.",
        &[
            ("org", "Tishrin Workers Front", "Tishrin Workers Front"),
            ("org", "TWF", "Tishrin Workers Front"),
            ("org", "TWF", "Tishrin Workers Front"),
        ],
    );
    t("Troops of the Nigerian army advanced.", &[("org", "Nigerian army", "Nigerian Army")]);
    t(
        "Spokesman Ali Omar of the Kirkuk Operations Command said so.",
        &[
            ("person", "Ali Omar", "Ali Omar"),
            ("org", "Kirkuk Operations Command", "Kirkuk Operations Command"),
        ],
    );
}

#[test]
fn orgs_sports_teams() {
    t(
        "SOCCER - LEAGUE RESULTS .\nLONDON 1996-08-30\nNewcastle beat Southampton 2-1 on Saturday .",
        &[
            ("place", "LONDON", "London/GB"),
            ("org", "Newcastle", "Newcastle"),
            ("org", "Southampton", "Southampton"),
        ],
    );
}

#[test]
fn orgs_sports_report_from_cues() {
    // Three cues, one hyphenated and one a word of a hyphenated token: a sports report.
    t(
        "Newcastle beat Southampton after a half-time lead and a striker-led rally .",
        &[("org", "Newcastle", "Newcastle"), ("org", "Southampton", "Southampton")],
    );
    // Cue letters inside longer words are no cues: the same names stay places.
    t(
        "Newcastle beaten Southampton after halftimes and strikers .",
        &[("place", "Newcastle", "Newcastle/AU"), ("place", "Southampton", "Southampton/BM")],
    );
}

#[test]
fn persons_titles_first_names_coreference() {
    t(
        "“We are ready,” warned Nanar Hawash, a senior Syria analyst with the International Crisis Group. “It is late,” said Hawach.",
        &[
            ("person", "Nanar Hawash", "Nanar Hawash"),
            ("place", "Syria", "Syria/SY"),
            ("org", "International Crisis Group", "International Crisis Group"),
            ("person", "Hawach", "Nanar Hawash"),
        ],
    );
    t(
        "President Ahmed al-Sharaa met Gen. Mazloum Abdi. Later al-Sharaa spoke and Sharaa left.",
        &[
            ("person", "Ahmed al-Sharaa", "Ahmed al-Sharaa"),
            ("person", "Mazloum Abdi", "Mazloum Abdi"),
            ("person", "al-Sharaa", "Ahmed al-Sharaa"),
            ("person", "Sharaa", "Ahmed al-Sharaa"),
        ],
    );
    // Surnames used as modifiers are not persons.
    t("After the fall of the Assad regime, the Al-Sharaa government ruled.", &[]);
    // Credit lines name journalists, not actors.
    t("Reporting by John Smith; Editing by Jane Doe", &[]);
}

#[test]
fn person_role_and_affiliation() {
    let doc =
        run("Nanar Hawash, a senior Syria analyst with the International Crisis Group, said so.");
    let p = doc.mentions.iter().find_map(|m| match &m.value {
        Value::Person(p) => Some(p.clone()),
        _ => None,
    });
    let p = p.expect("a person");
    assert_eq!(p.role.as_deref(), Some("senior Syria analyst"));
    assert_eq!(p.affiliation.as_deref(), Some("International Crisis Group"));
}

#[test]
fn overlap_policy() {
    let c = |s, e, kind, priority| Candidate { span: Span::new(s, e), kind, priority };
    // An org containing a place beats it, and so does a person.
    assert!(beats(
        &c(0, 16, Kind::Org, Priority::Pattern),
        &c(0, 5, Kind::Place, Priority::Curated)
    ));
    assert!(beats(
        &c(0, 14, Kind::Person, Priority::Pattern),
        &c(8, 14, Kind::Place, Priority::Curated)
    ));
    assert!(!beats(
        &c(8, 14, Kind::Place, Priority::Curated),
        &c(0, 14, Kind::Person, Priority::Pattern)
    ));
    // A place containing a curated org needs at least its priority.
    assert!(!beats(
        &c(0, 12, Kind::Place, Priority::Pattern),
        &c(0, 5, Kind::Org, Priority::Curated)
    ));
    // Same span: priority, then the one already there.
    assert!(beats(
        &c(0, 6, Kind::Place, Priority::Curated),
        &c(0, 6, Kind::Person, Priority::Weak)
    ));
    assert!(!beats(
        &c(0, 6, Kind::Place, Priority::Curated),
        &c(0, 6, Kind::Person, Priority::Curated)
    ));
    // Partial overlap: priority, then longest.
    assert!(beats(
        &c(3, 12, Kind::Org, Priority::Pattern),
        &c(0, 6, Kind::Person, Priority::Pattern)
    ));
    assert!(!beats(
        &c(3, 7, Kind::Org, Priority::Pattern),
        &c(0, 6, Kind::Person, Priority::Pattern)
    ));
    assert_eq!(Priority::of_rule("orgs.tsv:12"), Priority::Curated);
    assert_eq!(Priority::of_rule("doc_coref"), Priority::Curated);
    assert_eq!(Priority::of_rule("weak_org_head"), Priority::Weak);
    assert_eq!(Priority::of_rule("org_head"), Priority::Pattern);

    // `admit` removes what the winner overlaps, and keeps what it loses to.
    let m = |s, e, rule: &str| Mention {
        span: Span::new(s, e),
        sentence: 0,
        value: Value::Org(OrgValue { name: "x".into(), org_type: "other".into(), country: None }),
        provenance: Provenance::new("orgs", rule),
    };
    let mut ms = vec![m(0, 5, "org_head")];
    assert!(admit(&mut ms, &c(0, 9, Kind::Org, Priority::Pattern)));
    assert!(ms.is_empty());
    let mut ms = vec![m(0, 9, "orgs.tsv:3")];
    assert!(!admit(&mut ms, &c(0, 5, Kind::Place, Priority::Curated)));
    assert_eq!(ms.len(), 1);
}

#[test]
fn overlap_policy_in_text() {
    // Washington: the city (a big city beats the state of the same name).
    t("Officials in Washington said no.", &[("place", "Washington", "Washington/US")]);
    // Georgia: the country, unless a qualifier or cue says the US state.
    t(
        "Russia and Georgia talked.",
        &[("place", "Russia", "Russia/RU"), ("place", "Georgia", "Georgia/GE")],
    );
    t(
        "Storms hit Atlanta, Georgia.",
        &[("place", "Atlanta", "Atlanta/US"), ("place", "Georgia", "Georgia/US")],
    );
    // Jordan: a person when a listed first name precedes, else the country.
    t(
        "Michael Jordan visited Jordan.",
        &[("person", "Michael Jordan", "Michael Jordan"), ("place", "Jordan", "Jordan/JO")],
    );
    // An org containing a place name beats it.
    t(
        "Students of Kabul University protested.",
        &[("org", "Kabul University", "Kabul University")],
    );
}

#[test]
fn demonyms_map_to_countries() {
    let ent = Entities::load(&Gazetteers::embedded()).unwrap();
    assert_eq!(ent.demonym_country("Syrian"), Some("SY"));
    assert_eq!(ent.demonym_country("Afghans"), Some("AF"));
    assert_eq!(ent.demonym_country("Syria"), None);
}

#[test]
fn odd_input_never_panics() {
    for text in
        ["", "“", "A", "al-", "US-", "’s", "Ré’s Ünïcode — “Paris” (", "X (Y", "Mr.", "\n\n\n"]
    {
        let doc = run(text);
        for m in &doc.mentions {
            assert!(text.is_char_boundary(m.span.start) && text.is_char_boundary(m.span.end));
        }
    }
}

#[test]
fn later_short_forms_and_appositive_evidence() {
    t(
        "Shares of Norvale Energy fell. Norvale said more.",
        &[("org", "Norvale Energy", "Norvale Energy"), ("org", "Norvale", "Norvale Energy")],
    );
    t(
        "Tunde Okafor, a 38-year-old teacher, said so.",
        &[("person", "Tunde Okafor", "Tunde Okafor")],
    );
    t("The wicket fell to S. Waugh later.", &[("person", "S. Waugh", "S. Waugh")]);
    // One-word aliases inside a longer capitalised name are not the organization.
    t("The UEFA Cup final was played.", &[]);
}

/// The places of `text` whose value is flagged as standing for a government.
fn metonyms(text: &str) -> Vec<String> {
    let doc = run(text);
    doc.mentions
        .iter()
        .filter(|m| crate::tag::places::stands_for_government(m))
        .map(|m| doc.slice(m.span).to_string())
        .collect()
}

#[test]
fn capitals_and_countries_as_subjects_stand_for_governments() {
    assert_eq!(
        metonyms(
            "Washington said it would act. Moscow denied it, and Beijing has warned against it."
        ),
        ["Washington", "Moscow", "Beijing"]
    );
    assert_eq!(metonyms("Syria announced a truce on Monday."), ["Syria"]);
    // A preposition before it, a possessive, a city that is no capital, no verb: no metonymy.
    assert!(metonyms("Officials in Washington said so. Syria's army said so.").is_empty());
    assert!(metonyms("Chicago said it would act. He flew to Moscow on Monday.").is_empty());
}

#[test]
fn metonymy_is_an_output_field_of_the_place_only_when_set() {
    let doc = run("Washington said it would act. He flew to Moscow on Monday.");
    let fields: Vec<String> = doc
        .mentions
        .iter()
        .filter_map(|m| match &m.value {
            crate::doc::Value::Place(p) => Some(serde_json::to_string(p).unwrap()),
            _ => None,
        })
        .map(|json| json.split("\"metonymy\":").nth(1).unwrap_or("absent").to_string())
        .collect();
    assert_eq!(fields, ["\"government\"}", "absent"]);
}

#[test]
fn small_places_variants_and_org_cues() {
    t(
        "Police in Hawija, near al-Hawijah, and in Zindajan said analysts at Bernstein agreed.",
        &[
            ("place", "Hawija", "Hawija/IQ"),
            ("place", "al-Hawijah", "Hawija/IQ"),
            ("place", "Zindajan", "Zindajan/AF"),
            ("org", "Bernstein", "Bernstein"),
        ],
    );
    t(
        "The Cook County Medical Examiner's Office named him. Syria's Defence Ministry denied it.",
        &[
            (
                "org",
                "Cook County Medical Examiner's Office",
                "Cook County Medical Examiner's Office",
            ),
            ("place", "Syria", "Syria/SY"),
            ("org", "Defence Ministry", "Defence Ministry"),
        ],
    );
    // Junk aliases and names that are first names or English words need a cue.
    t("Michael met Olympic officials.", &[]);
}

#[test]
fn word_like_org_aliases_need_a_meaningful_capital() {
    t(
        "Shell fragments hit the house. Fed up, he left, Labour said.",
        &[("org", "Labour", "Labour Party")],
    );
    // The article's mid-sentence use confirms the sentence-initial one.
    t(
        "Fed holds rates. Markets rose after the Fed spoke.",
        &[("org", "Fed", "Federal Reserve"), ("org", "Fed", "Federal Reserve")],
    );
}

#[test]
fn sources_show_file_and_line() {
    let rule = |file, line| super::Source { file, line }.rule();
    assert_eq!(rule("cities.tsv", 0), "cities.tsv:0");
    assert_eq!(rule("orgs.tsv", 1207), "orgs.tsv:1207");
    assert_eq!(rule("a", usize::MAX), format!("a:{}", usize::MAX));
}

#[test]
fn short_decimals_parse_as_str_parse_does() {
    for s in
        ["32.0591", "-48.8675", "0.5", "-0.0", "123456789.012345", "1.10", "00.1", "9.999999999999"]
    {
        assert_eq!(super::short_decimal(s), s.parse::<f64>().ok(), "{s}");
        assert_eq!(
            super::short_decimal(s).map(f64::to_bits),
            s.parse::<f64>().ok().map(f64::to_bits)
        );
    }
    // Other forms are left to `str::parse`.
    for s in ["1", ".5", "5.", "1e5", "+1.5", "1.2.3", "1234567890.1234567", "--1.0", "-", "NaN"] {
        assert_eq!(super::short_decimal(s), None, "{s}");
    }
}

/// What `extend` relies on to skip lookups: every name (or UPPER CASE or article-less form)
/// that continues a shorter string after a char that is no letter or digit sets, on that
/// shorter string, the bit of the run that follows the char.
#[test]
fn continuation_masks_cover_every_longer_name() {
    let e = Entities::load(&Gazetteers::embedded()).expect("entity data loads");
    let lex = &e.0.lex;
    let mut checked = 0;
    for (key, w) in lex.all.iter() {
        if w.place == super::NONE && w.org == super::NONE {
            continue;
        }
        for (k, c) in key.char_indices().skip(1).filter(|&(_, c)| !c.is_alphanumeric()) {
            let after = k + c.len_utf8();
            let run_len =
                key[after..].find(|c: char| !c.is_alphanumeric()).unwrap_or(key.len() - after);
            let prefix = lex.get(&key[..k]);
            assert!(prefix.is(super::flag::PLACE_MORE | super::flag::ORG_MORE), "{key:?} at {k}");
            let bit = super::next_bit(&key[after..after + run_len]);
            assert_ne!(prefix.next & bit, 0, "{key:?} at {k}");
            checked += 1;
        }
    }
    assert!(checked > 10_000, "{checked}");
    // And so `New York` is found through `New`.
    assert_ne!(lex.get("New").next & super::next_bit("York"), 0);
}
