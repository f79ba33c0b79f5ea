//! Table tests: exact spans and values of casualty mentions, and article totals.
use super::*;
use crate::data::rules::RuleFile;
use crate::data::Gazetteers;
use crate::doc::Sentence;
use crate::input::Article;
use chrono::NaiveDate;
use std::collections::HashMap;

fn tagger() -> CasualtyTagger {
    CasualtyTagger::new(&Gazetteers::embedded()).expect("casualty gazetteers load")
}

/// A document of `text` as one sentence, annotated by the casualties stage.
fn run(tagger: &CasualtyTagger, text: &str) -> Document {
    let mut article = Article::from_text("test", text);
    article.plain_text = false;
    let mut doc = Document::new(article);
    doc.sentences = vec![Sentence { span: Span::new(0, text.len()), paragraph: 0 }];
    tagger.annotate(&mut doc);
    doc
}

fn casualties(doc: &Document) -> Vec<(&str, &CasualtyValue, &str)> {
    doc.mentions
        .iter()
        .filter_map(|m| match &m.value {
            Value::Casualty(v) => Some((doc.slice(m.span), v, m.provenance.rule.as_str())),
            _ => None,
        })
        .collect()
}

/// Checks the mentions of `text`: (span text, type, count, victim, role).
fn t(text: &str, want: &[(&str, &str, u32, &str, &str)]) {
    let tagger = tagger();
    let doc = run(&tagger, text);
    let got: Vec<(&str, &str, u32, &str, &str)> = casualties(&doc)
        .iter()
        .map(|(s, v, _)| (*s, v.casualty_type, v.count, v.victim.as_str(), v.role))
        .collect();
    assert_eq!(got, want, "in {text:?}");
}

/// Checks the killed and wounded totals of `text`.
fn totals_of(text: &str, killed: Option<u32>, wounded: Option<u32>) {
    let doc = run(&tagger(), text);
    assert_eq!((doc.totals.killed, doc.totals.wounded), (killed, wounded), "in {text:?}");
}

#[test]
fn rule_examples_and_counters() {
    let tagger = tagger();
    let file = Gazetteers::embedded().file("rules/casualties.rules").unwrap();
    let rf = RuleFile::parse(&file).unwrap();
    let mut checked = 0;
    for rule in &rf.rules {
        for ex in rule.all("example") {
            let (text, want) = ex.value.split_once(" => ").expect("example has =>");
            let doc = run(&tagger, text);
            let got: Vec<String> = casualties(&doc)
                .iter()
                .map(|(_, v, _)| {
                    format!("{} {} {}", v.casualty_type, v.count, v.victim).trim().to_string()
                })
                .collect();
            let want: Vec<String> = want.split(';').map(|w| w.trim().to_string()).collect();
            assert_eq!(got, want, "rule {} example {text:?}", rule.name);
            let own = casualties(&doc).iter().filter(|(_, _, r)| *r == rule.name).count();
            assert!(own > 0, "rule {} gives nothing for its example {text:?}", rule.name);
            checked += 1;
        }
        for counter in rule.all("counter") {
            let doc = run(&tagger, &counter.value);
            let own: Vec<_> =
                casualties(&doc).into_iter().filter(|(_, _, r)| *r == rule.name).collect();
            assert!(
                own.is_empty(),
                "rule {} fires on counter {:?}: {own:?}",
                rule.name,
                counter.value
            );
            checked += 1;
        }
    }
    assert!(checked > 20);
}

#[test]
fn forms() {
    t(
        "Gunmen opened fire, killing two soldiers.",
        &[("two soldiers", "killed", 2, "soldiers", "victim")],
    );
    t("Two soldiers were killed.", &[("Two soldiers", "killed", 2, "soldiers", "victim")]);
    t(
        "The blast left 3 dead and 12 wounded.",
        &[("3", "killed", 3, "", "victim"), ("12", "wounded", 12, "", "victim")],
    );
    t(
        "It resulted in the deaths of two US soldiers and an interpreter.",
        &[
            ("two US soldiers", "killed", 2, "US soldiers", "victim"),
            ("an interpreter", "killed", 1, "interpreter", "victim"),
        ],
    );
    t("The death toll rose to 50.", &[("50", "killed", 50, "", "victim")]);
    t(
        "One civilian and six assailants were killed.",
        &[
            ("One civilian", "killed", 1, "civilian", "victim"),
            ("six assailants", "killed", 6, "assailants", "perpetrator"),
        ],
    );
    t("The attacker was killed.", &[("The attacker", "killed", 1, "attacker", "perpetrator")]);
    t(
        "A suicide bomber blew himself up at the gate.",
        &[("A suicide bomber", "killed", 1, "suicide bomber", "perpetrator")],
    );
    t("The bodies of 4 people were found.", &[("4 people", "killed", 4, "people", "victim")]);
    t(
        "Twenty-five people were kidnapped.",
        &[("Twenty-five people", "kidnapped", 25, "people", "victim")],
    );
    t(
        "Police arrested 1,200 protesters.",
        &[("1,200 protesters", "arrested", 1200, "protesters", "victim")],
    );
    t(
        "A dozen villagers were abducted.",
        &[("A dozen villagers", "kidnapped", 12, "villagers", "victim")],
    );
    t("Ten people are missing.", &[("Ten people", "missing", 10, "people", "victim")]);
    t(
        "The floods displaced 300 families.",
        &[("300 families", "displaced", 300, "families", "victim")],
    );
    t("He was killed two days ago.", &[("He", "killed", 1, "He", "victim")]);
}

#[test]
fn qualifiers() {
    let tagger = tagger();
    let cases = [
        ("At least 12 people were killed.", "At least 12 people", 12, true, false),
        ("More than 100 people were injured.", "More than 100 people", 100, true, false),
        ("Up to 30 people were wounded.", "Up to 30 people", 30, false, true),
        ("Nearly 50 people were killed.", "Nearly 50 people", 50, false, true),
        ("Dozens of people were killed.", "Dozens of people", 12, true, true),
        ("Hundreds of people were arrested.", "Hundreds of people", 100, true, true),
        ("Between 10 and 15 people were killed.", "Between 10 and 15 people", 10, false, false),
        ("Scores of villagers were displaced.", "Scores of villagers", 20, true, true),
    ];
    for (text, span, count, lower, estimate) in cases {
        let doc = run(&tagger, text);
        let got = casualties(&doc);
        assert_eq!(got.len(), 1, "{text}");
        let (s, v, _) = got[0];
        assert_eq!(
            (s, v.count, v.lower_bound, v.estimate),
            (span, count, lower, estimate),
            "{text}"
        );
    }
}

#[test]
fn not_casualties() {
    for text in [
        "Monthly attacks dropped from an average of 63 in 2024 to just 10 in 2025.",
        "The group threatened it could kill thousands of people.",
        "No one was killed in the blast.",
        "The war has killed 500,000 people since 2011.",
        "So far this year 300 people have been killed in the province.",
        "The army deployed 300 soldiers to the area.",
        "The team won 3-1 after two players were sent off.",
        "A 25-year-old was arrested.",
    ] {
        let doc = run(&tagger(), text);
        let got: Vec<_> = casualties(&doc).iter().map(|(s, _, _)| s.to_string()).collect();
        assert!(got.is_empty() || text.starts_with("A 25"), "{text}: {got:?}");
    }
}

#[test]
fn totals_count_each_victim_once() {
    totals_of("One civilian and six assailants were killed.", Some(7), None);
    totals_of("Five people were killed on Monday. The five victims were buried.", Some(5), None);
    totals_of("Five people were killed. The toll rose to 7 on Tuesday.", Some(7), None);
    totals_of("At least 12 people were killed, including three children.", Some(12), None);
    totals_of("Two soldiers were killed. A civilian was also killed.", Some(3), None);
    totals_of("At least three officers were killed and two others were injured.", Some(3), Some(2));
    totals_of("No casualties were reported.", Some(0), None);
    totals_of("Protesters marched through the city.", None, None);
    totals_of("The bomb killed two soldiers and wounded 5 others.", Some(2), Some(5));
}

#[test]
fn odd_input_does_not_panic() {
    let tagger = tagger();
    for text in [
        "",
        "killed",
        "“Two killed”",
        "été 3 morts — killed ½ people",
        "killing 9999999999999 people",
    ] {
        run(&tagger, text);
    }
}

#[test]
fn runs_of_blanks_match_as_one_space() {
    // the patterns run over the text with blank runs folded; spans are the text's own
    t(
        "Gunmen  opened fire,\nkilling  two\t soldiers and\r\nwounding 5  others.",
        &[
            ("two\t soldiers", "killed", 2, "soldiers", "victim"),
            ("5  others", "wounded", 5, "others", "victim"),
        ],
    );
    t(
        "At  least 12\npeople were\n\ninjured.",
        &[("At  least 12\npeople", "wounded", 12, "people", "victim")],
    );
}

/// Runs `text` as one sentence of an article published on `published`.
fn run_dated(text: &str, published: &str) -> Document {
    let mut article = Article::from_text("test", text);
    article.plain_text = false;
    article.published = NaiveDate::parse_from_str(published, "%Y-%m-%d").ok();
    let mut doc = Document::new(article);
    doc.sentences = vec![Sentence { span: Span::new(0, text.len()), paragraph: 0 }];
    tagger().annotate(&mut doc);
    doc
}

#[test]
fn earlier_events_are_background() {
    let text = "Gunmen killed four soldiers on Monday. In October 2023, an earthquake in the \
                province killed more than 1,500 people.";
    let doc = run_dated(text, "2025-10-02");
    assert_eq!(doc.totals.killed, Some(4));
    let doc =
        run_dated("The insurgency that began in 2009 has killed 35,000 people.", "2025-06-01");
    assert_eq!(doc.totals.killed, None);
    // the same year is this event's, not background
    let doc = run_dated("In January 2025, gunmen killed 3 people.", "2025-01-20");
    assert_eq!(doc.totals.killed, Some(3));
}

#[test]
fn seed_sentences() {
    let text = "A joint US-Syrian patrol was ambushed near Palmyra on December 13th, resulting in \
                the deaths of two US soldiers and an interpreter. A report showed monthly attacks \
                dropped from an average of 63 in 2024 to just 10 in 2025.";
    let doc = run_dated(text, "2025-12-27");
    let got: Vec<(Span, &str, u32)> = doc
        .mentions
        .iter()
        .filter_map(|m| match &m.value {
            Value::Casualty(v) => Some((m.span, v.victim.as_str(), v.count)),
            _ => None,
        })
        .collect();
    assert_eq!(
        got,
        vec![(Span::new(96, 111), "US soldiers", 2), (Span::new(116, 130), "interpreter", 1)]
    );
    assert_eq!(doc.totals, Totals { killed: Some(3), ..Totals::default() });
}

#[test]
fn roles_subsets_and_suspects() {
    let doc = run(&tagger(), "Police arrested two men in connection with the shooting.");
    let (s, v, _) = casualties(&doc)[0];
    assert_eq!((s, v.casualty_type, v.role), ("two men", "arrested", "perpetrator"));
    let doc = run(&tagger(), "The blast killed three civilians, including a 12-year-old girl.");
    let got: Vec<(&str, bool)> = casualties(&doc).iter().map(|(s, v, _)| (*s, v.subset)).collect();
    assert_eq!(got, vec![("three civilians", false), ("a 12-year-old girl", true)]);
    assert_eq!(doc.totals.killed, Some(3));
    totals_of("A bombing killed 12 people. The bomber was also killed.", Some(13), None);
    totals_of("Police arrested 43 people and 11 officers were injured.", None, Some(11));
    totals_of("No one was hurt.", None, None);
}

#[test]
fn heads_are_read_from_pattern_openings() {
    use super::rules::{head, Head};
    let macros: HashMap<String, String> = [
        ("list".to_string(), "{np}(?:, {np})*".to_string()),
        ("either".to_string(), "{np}|x".to_string()),
    ]
    .into_iter()
    .collect();
    let classes: HashMap<String, Vec<String>> =
        [("act".to_string(), vec!["killing".to_string()])].into_iter().collect();
    let h = |p: &str| head(p, &macros, &classes);
    assert_eq!(h("(?-u:\\b)(?P<list>{list}),? (?P<verb>{act})"), Head::Item);
    assert_eq!(h("(?-u:\\b)(?P<verb>{act}) (?P<list>{list})"), Head::Anchor);
    assert_eq!(
        h("(?-u:\\b)(?i:no one|nobody)(?: [a-z]+)? x"),
        Head::Words(vec!["no".into(), "nobody".into()])
    );
    // optional, alternative or unread openings try every word start
    assert_eq!(h("(?-u:\\b)(?P<list>{np})? (?P<verb>{act})"), Head::Any);
    assert_eq!(h("(?-u:\\b){either} (?P<verb>{act})"), Head::Any);
    assert_eq!(h("(?-u:\\b){np} x|(?-u:\\b)y"), Head::Any);
    assert_eq!(h("(?-u:\\b)(?i:kill)(?:ed|ing)"), Head::Any);
    assert_eq!(h("(?P<list>{np}) (?P<verb>{act})"), Head::Any);
}

#[test]
fn gate_matches_are_shared_out_to_units() {
    let stems = [(2, 6), (10, 14)];
    let searches = std::cell::Cell::new(0);
    let find = |from: usize| {
        searches.set(searches.get() + 1);
        stems.iter().copied().find(|&(start, _)| start >= from)
    };
    let never = || panic!("no unit search needed");
    let mut next = None;
    // a match inside the unit
    assert!(gated(Span::new(0, 8), &mut next, find, never));
    // none in the unit, the next one after it: no search for the units before it
    assert!(!gated(Span::new(8, 9), &mut next, find, never));
    assert!(!gated(Span::new(9, 10), &mut next, find, never));
    assert_eq!(searches.get(), 2);
    assert!(!gated(Span::new(20, 30), &mut next, find, never));
    assert!(!gated(Span::new(30, 40), &mut next, find, never));
    assert_eq!(searches.get(), 3);
    // a match that only straddles the unit's end: the unit is searched on its own
    for (unit, found) in [((8, 12), true), ((8, 12), false), ((1, 5), false)] {
        let mut next = None;
        assert_eq!(gated(Span::new(unit.0, unit.1), &mut next, find, || found), found);
    }
    // units out of order start a new search
    let mut next = None;
    assert!(gated(Span::new(10, 14), &mut next, find, never));
    assert!(gated(Span::new(2, 6), &mut next, find, never));
}
