//! Event assembly on small hand-made documents: sentences split at `. `, mentions given by
//! their words, so that these tests do not depend on the other stages.
use chrono::NaiveDate;

use super::*;
use crate::doc::{Mention, Provenance, Sentence};
use crate::input::Article;
use crate::tag::casualties::CasualtyValue;
use crate::tag::dates::DateValue;
use crate::tag::orgs::OrgValue;
use crate::tag::places::PlaceValue;
use crate::tag::quotes::Quote;

/// A mention to add: the words it covers (first occurrence) and its value.
enum M<'a> {
    Date(&'a str, &'a str),
    Place(&'a str, &'a str, &'a str),
    Org(&'a str, &'a str),
    Killed(&'a str, u32, &'a str),
    Wounded(&'a str, u32, &'a str),
}

/// A document: paragraphs split at blank lines, sentences at `. `, published 2025-12-27.
fn doc(text: &str, mentions: &[M]) -> Document {
    let mut article = Article::from_text("t", text);
    article.published = NaiveDate::from_ymd_opt(2025, 12, 27);
    let mut d = Document::new(article);
    let mut start = 0;
    let mut paragraph = 0;
    let bytes = text.as_bytes();
    for (i, c) in text.char_indices() {
        let end_para = text[i..].starts_with("\n\n");
        let last = i + c.len_utf8() == text.len();
        if text[i..].starts_with(". ") || end_para || last {
            let end = if end_para { i } else { i + c.len_utf8() };
            if end > start {
                d.sentences.push(Sentence { span: Span::new(start, end), paragraph });
            }
            start = end;
            while start < bytes.len() && bytes[start].is_ascii_whitespace() {
                start += 1;
            }
            if end_para {
                paragraph += 1;
            }
        }
    }
    for m in mentions {
        let (words, value) = match *m {
            M::Date(w, v) => (
                w,
                Value::Date(DateValue {
                    timex_type: "DATE",
                    value: v.into(),
                    anchored: false,
                    modifier: None,
                }),
            ),
            M::Place(w, name, cc) => (
                w,
                Value::Place(PlaceValue {
                    admin1: None,
                    feature: "city",
                    name: name.into(),
                    country: cc.into(),
                    lat: 1.0,
                    lon: 2.0,
                    metonymy: None,
                }),
            ),
            M::Org(w, name) => (
                w,
                Value::Org(OrgValue {
                    name: name.into(),
                    org_type: "armed_group".into(),
                    country: None,
                }),
            ),
            M::Killed(w, n, v) => (
                w,
                Value::Casualty(CasualtyValue {
                    lower_bound: false,
                    estimate: false,
                    subset: false,
                    casualty_type: "killed",
                    count: n,
                    victim: v.into(),
                    role: "victim",
                }),
            ),
            M::Wounded(w, n, v) => (
                w,
                Value::Casualty(CasualtyValue {
                    lower_bound: false,
                    estimate: false,
                    subset: false,
                    casualty_type: "wounded",
                    count: n,
                    victim: v.into(),
                    role: "victim",
                }),
            ),
        };
        let s = text.find(words).expect("mention words in text");
        let span = Span::new(s, s + words.len());
        let sentence = d.sentence_at(s).expect("in a sentence");
        d.mentions.push(Mention {
            span,
            sentence,
            value,
            provenance: Provenance::new("test", "hand"),
        });
    }
    d.mentions.sort_by_key(|m| m.span);
    d
}

fn events(mut d: Document) -> Vec<Event> {
    let builder = EventBuilder::new(&Gazetteers::embedded()).expect("event data loads");
    builder.annotate(&mut d);
    d.events
}

#[test]
fn ambush_with_date_place_casualties_and_actors() {
    let text = "A joint army patrol was ambushed near Tadmur on March 3rd, killing two soldiers and a driver. The attacker was linked to the Northern Front.\n\nThe attack raised questions.";
    let d = doc(
        text,
        &[
            M::Date("March 3rd", "2025-03-03"),
            M::Place("Tadmur", "Tadmur", "SY"),
            M::Killed("two soldiers", 2, "soldiers"),
            M::Killed("a driver", 1, "driver"),
            M::Org("Northern Front", "Northern Front"),
        ],
    );
    let ev = events(d);
    assert_eq!(ev.len(), 1, "{ev:#?}");
    let e = &ev[0];
    assert_eq!((e.event_type.as_str(), e.subtype.as_str()), ("attack", "ambush"));
    assert_eq!(
        (e.acled.event_type.as_str(), e.acled.sub_event_type.as_str()),
        ("Battles", "Armed clash")
    );
    assert_eq!(e.cameo, "19");
    assert_eq!(e.trigger.text, "ambushed");
    assert_eq!(&text[e.trigger.start..e.trigger.end], "ambushed");
    let date = e.date.as_ref().unwrap();
    assert_eq!(
        (date.value.as_str(), date.text.as_deref(), date.fallback),
        ("2025-03-03", Some("March 3rd"), false)
    );
    let loc = e.location.as_ref().unwrap();
    assert_eq!(
        (loc.name.as_str(), loc.country.as_str(), loc.text.as_str()),
        ("Tadmur", "SY", "near Tadmur")
    );
    assert_eq!(e.casualties.killed, Some(3));
    assert_eq!(e.casualties.details.len(), 2);
    let roles: Vec<(&str, &str)> = e.actors.iter().map(|a| (a.role, a.name.as_str())).collect();
    assert_eq!(roles, [("perpetrator", "Northern Front"), ("target", "joint army patrol")]);
    // The perpetrator's sentence has no trigger of its own; the later `The attack` refers back.
    assert_eq!(e.sentences, [0, 2]);
}

#[test]
fn modality_gives_no_event() {
    for text in [
        "The group threatened to attack the base.",
        "Officials said the rebels plan to attack the town.",
        "Nobody was killed and the militants did not attack.",
        "Police said the gunmen would attack again.",
    ] {
        let ev = events(doc(text, &[]));
        assert!(ev.is_empty(), "{text}: {ev:#?}");
    }
}

#[test]
fn weak_plural_needs_casualties() {
    assert!(events(doc("Monthly attacks fell from 60 to 10.", &[])).is_empty());
    let ev = events(doc(
        "Airstrikes killed four fighters.",
        &[M::Killed("four fighters", 4, "fighters")],
    ));
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0].subtype, "airstrike");
}

#[test]
fn distinct_dates_stay_distinct() {
    let text = "A car bomb exploded in Kirkuk on May 2 killing three people. A roadside bomb hit a bus in Mosul on May 9.";
    let d = doc(
        text,
        &[
            M::Place("Kirkuk", "Kirkuk", "IQ"),
            M::Date("May 2", "2025-05-02"),
            M::Killed("three people", 3, "people"),
            M::Place("Mosul", "Mosul", "IQ"),
            M::Date("May 9", "2025-05-09"),
        ],
    );
    let ev = events(d);
    assert_eq!(ev.len(), 2, "{ev:#?}");
    assert_eq!(ev[0].date.as_ref().unwrap().value, "2025-05-02");
    assert_eq!(ev[1].location.as_ref().unwrap().name, "Mosul");
    assert_eq!(ev[0].casualties.killed, Some(3));
    assert_eq!(ev[1].casualties.killed, None);
}

#[test]
fn most_specific_trigger_decides_and_claims_give_perpetrator() {
    let text = "A suicide bomber blew himself up at a checkpoint in Bannu, killing five police. The explosion wounded ten. The Southern Front claimed responsibility for the attack.";
    let d = doc(
        text,
        &[
            M::Place("Bannu", "Bannu", "PK"),
            M::Killed("five police", 5, "police"),
            M::Wounded("ten", 10, "people"),
            M::Org("Southern Front", "Southern Front"),
        ],
    );
    let ev = events(d);
    assert_eq!(ev.len(), 1, "{ev:#?}");
    let e = &ev[0];
    assert_eq!(e.subtype, "suicide_bombing");
    assert_eq!(e.acled.sub_event_type, "Suicide bomb");
    assert_eq!((e.casualties.killed, e.casualties.wounded), (Some(5), Some(10)));
    assert!(e
        .actors
        .iter()
        .any(|a| a.role == "perpetrator" && a.name == "Southern Front" && a.rule == "claim"));
    assert_eq!(e.sentences, [0, 1, 2]);
}

#[test]
fn date_from_earlier_sentence_else_fallback() {
    let text = "On Tuesday the town was quiet. Gunmen opened fire on a market.";
    let ev = events(doc(text, &[M::Date("Tuesday", "2025-12-23")]));
    assert_eq!(ev[0].date.as_ref().unwrap().value, "2025-12-23");
    let ev = events(doc("Gunmen opened fire on a market.", &[]));
    let date = ev[0].date.as_ref().unwrap();
    assert_eq!(
        (date.value.as_str(), date.fallback, date.text.as_deref()),
        ("2025-12-27", true, None)
    );
}

#[test]
fn arrest_does_not_take_the_attack_toll() {
    let text =
        "Gunmen stormed a hotel. Police arrested two men over the attack that killed three guards.";
    let d = doc(text, &[M::Killed("three guards", 3, "guards")]);
    let ev = events(d);
    let arrest = ev.iter().find(|e| e.event_type == "arrest").expect("arrest");
    assert_eq!(arrest.casualties.killed, None, "{ev:#?}");
}

#[test]
fn repeated_toll_counts_once() {
    let text =
        "An airstrike killed seven Southern Front fighters. The strike killed seven fighters.";
    let d = doc(
        text,
        &[
            M::Killed("seven Southern Front fighters", 7, "Southern Front fighters"),
            M::Killed("seven fighters", 7, "fighters"),
        ],
    );
    let ev = events(d);
    assert_eq!(ev[0].casualties.killed, Some(7), "{ev:#?}");
}

#[test]
fn bracketed_credit_is_never_an_actor() {
    let text = "BANNU (Wire) - The Southern Front attacked a checkpoint.";
    let d = doc(text, &[M::Org("Wire", "Wire"), M::Org("Southern Front", "Southern Front")]);
    let ev = events(d);
    assert!(ev[0].actors.iter().all(|a| a.name != "Wire"), "{ev:#?}");
    assert!(ev[0].actors.iter().any(|a| a.name == "Southern Front" && a.role == "perpetrator"));
}

#[test]
fn reporting_date_is_not_the_event_date() {
    let text =
        "On Sunday the town was quiet. Gunmen opened fire on a market, police said on Tuesday.";
    let ev =
        events(doc(text, &[M::Date("Sunday", "2025-12-21"), M::Date("Tuesday", "2025-12-23")]));
    assert_eq!(ev[0].date.as_ref().unwrap().value, "2025-12-21");
    let ev = events(doc(
        "Gunmen opened fire on a market, police said on Tuesday.",
        &[M::Date("Tuesday", "2025-12-23")],
    ));
    assert!(ev[0].date.as_ref().unwrap().fallback);
}

#[test]
fn actors_from_agents_and_objects_with_demonym_country() {
    let ev = events(doc("Two gunmen opened fire on Syrian troops.", &[]));
    let roles: Vec<(&str, &str, Option<&str>)> =
        ev[0].actors.iter().map(|a| (a.role, a.name.as_str(), a.country.as_deref())).collect();
    assert_eq!(
        roles,
        [("perpetrator", "Two gunmen", None), ("target", "Syrian troops", Some("SY"))]
    );
    // Troops can fight back: ACLED codes this as a battle.
    assert_eq!((ev[0].event_type.as_str(), ev[0].subtype.as_str()), ("battle", "attack_on_forces"));
    let ev = events(doc("Two gunmen opened fire on a wedding party.", &[]));
    assert_eq!(ev[0].subtype, "armed_assault");
}

#[test]
fn protest_with_shots_is_one_protest_with_intervention() {
    let text = "Demonstrators protested against the new tax in the capital. Police responded and four people were shot.";
    let ev = events(doc(text, &[]));
    assert_eq!(ev.len(), 1, "{ev:#?}");
    assert_eq!(ev[0].subtype, "protest_with_intervention");
    assert_eq!(ev[0].acled.event_type, "Protests");
}

#[test]
fn arrests_and_attacks_are_separate_events_and_quotes_link() {
    let text = "Gunmen stormed a hotel in Mogadishu. \"We will not bow,\" the mayor said. Police arrested two suspects.";
    let mut d = doc(text, &[M::Place("Mogadishu", "Mogadishu", "SO")]);
    let q = text.find("We will").unwrap();
    d.quotes.push(Quote {
        span: Span::new(q, q + 13),
        speaker: None,
        speaker_start: None,
        speaker_end: None,
        verb: None,
        role: None,
        affiliation: None,
        rule: "test".into(),
    });
    let ev = events(d);
    let kinds: Vec<&str> = ev.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(kinds, ["attack", "arrest"]);
    assert_eq!(ev[0].quotes, [0]);
    assert!(ev[1].quotes.is_empty());
    assert_eq!(ev[1].acled.sub_event_type, "Arrests");
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "attack",
        "“attack”",
        "was ambushed",
        "ambushed by",
        "Killed — by “ISIS”, on",
        "é was killed",
        "“é”was ambushed on “é",
        "Gunmen attacked é",
        "were killed by",
    ] {
        let _ = events(doc(text, &[]));
    }
}

#[test]
fn every_trigger_row_names_a_known_type() {
    // EventData::load fails on an unknown (type, subtype); this checks the shipped files load
    // and that each ACLED name is one of ACLED's.
    let data = EventData::load(&Gazetteers::embedded()).unwrap();
    let acled = [
        "Battles",
        "Explosions/Remote violence",
        "Violence against civilians",
        "Protests",
        "Riots",
        "Strategic developments",
    ];
    assert!(data.types.iter().all(|t| acled.contains(&t.acled_type.as_str())));
}

#[test]
fn lede_and_detail_merge_despite_reporting_date_and_separate_attack_splits() {
    // The lede's `said on Tuesday` dates the report; the detail sentence dates the arrest.
    let text = "Police have arrested two men over the shooting, officials said on Tuesday.\n\nThe suspects were taken into custody on Monday in Marlow.\n\nIn a separate attack, gunmen killed a farmer.";
    let d = doc(
        text,
        &[
            M::Date("Tuesday", "2025-12-23"),
            M::Date("Monday", "2025-12-22"),
            M::Place("Marlow", "Marlow", "GB"),
            M::Killed("a farmer", 1, "farmer"),
        ],
    );
    let ev = events(d);
    let arrests: Vec<&Event> = ev.iter().filter(|e| e.event_type == "arrest").collect();
    assert_eq!(arrests.len(), 1, "{ev:#?}");
    assert_eq!(arrests[0].date.as_ref().map(|d| d.value.as_str()), Some("2025-12-22"));
    assert_eq!(arrests[0].location.as_ref().map(|l| l.name.as_str()), Some("Marlow"));
    let attacks: Vec<&Event> = ev.iter().filter(|e| e.casualties.killed == Some(1)).collect();
    assert_eq!(attacks.len(), 1, "the separate attack is its own event: {ev:#?}");
    let perpetrator = attacks[0].actors.iter().find(|a| a.role == "perpetrator");
    assert_eq!(perpetrator.map(|a| (a.name.as_str(), a.inter)), Some(("gunmen", Some(3))));
    assert_eq!(attacks[0].interaction, Some(37), "gunmen (3) on a farmer (7)");
}

#[test]
fn place_is_never_a_target_and_demonym_gives_the_attacking_state() {
    let text = "Russian drone strike on Lviv kills three civilians.";
    let d =
        doc(text, &[M::Place("Lviv", "Lviv", "UA"), M::Killed("three civilians", 3, "civilians")]);
    let ev = events(d);
    assert_eq!(ev.len(), 1, "{ev:#?}");
    let roles: Vec<(&str, &str)> = ev[0].actors.iter().map(|a| (a.role, a.name.as_str())).collect();
    assert_eq!(roles, [("perpetrator", "Russia"), ("target", "three civilians")]);
}

#[test]
fn agreement_gives_both_parties() {
    let text = "The Ruritanian government and the Northern Front agreed to a ceasefire.";
    let d = doc(text, &[M::Org("Northern Front", "Northern Front")]);
    let ev = events(d);
    assert_eq!(ev.len(), 1, "{ev:#?}");
    let roles: Vec<(&str, &str)> = ev[0].actors.iter().map(|a| (a.role, a.name.as_str())).collect();
    assert_eq!(roles, [("perpetrator", "Ruritanian government"), ("target", "Northern Front")]);
}

/// Adds an org mention of `name` (first occurrence in the text, sentence 0): an armed group
/// whose home country is Kenya.
fn add_kenyan_armed_group(d: &mut Document, name: &str) {
    let s = d.text.find(name).expect("name in text");
    d.mentions.push(Mention {
        span: Span::new(s, s + name.len()),
        sentence: 0,
        value: Value::Org(OrgValue {
            name: name.into(),
            org_type: "armed_group".into(),
            country: Some("KE".into()),
        }),
        provenance: Provenance::new("test", "hand"),
    });
}

#[test]
fn country_inferred_from_an_organization_is_marked() {
    let text = "Militants of the Northern Front attacked a village, killing four people.";
    let mut d = doc(text, &[M::Killed("four people", 4, "people")]);
    add_kenyan_armed_group(&mut d, "Northern Front");
    let ev = events(d);
    let loc = ev[0].location.as_ref().expect("inferred location");
    assert_eq!((loc.country.as_str(), loc.inferred), ("KE", Some("org_country")));
}

#[test]
fn defenders_who_fight_off_an_attack_are_its_target() {
    let roles = |text: &str, mentions: &[M]| -> Vec<(&'static str, String)> {
        let ev = events(doc(text, mentions));
        ev[0].actors.iter().map(|a| (a.role, a.name.clone())).collect()
    };
    let front = [M::Org("Northern Front", "Northern Front")];
    assert_eq!(
        roles("Ruritanian soldiers repelled an attack by the Northern Front on a base.", &front),
        [("perpetrator", "Northern Front".into()), ("target", "Ruritanian soldiers".into())]
    );
    // The defender named as an organization is not the subject who attacked.
    let both = [M::Org("Northern Front", "Northern Front"), M::Org("Border Guard", "Border Guard")];
    assert_eq!(
        roles("The Border Guard fought off an attack by the Northern Front.", &both),
        [("perpetrator", "Northern Front".into()), ("target", "Border Guard".into())]
    );
    // Without a defence verb the subject fought and the attack's object is the target.
    assert_eq!(
        roles("The Border Guard fought the Northern Front near a base.", &both)[0],
        ("perpetrator", "Border Guard".into())
    );
}

#[test]
fn victims_demonym_places_the_event_before_an_armed_groups_home() {
    // An armed group often acts abroad: the victims' or the state forces' demonym decides.
    let text = "Militants of the Northern Front attacked Ghanaian farmers, killing four people.";
    let mut d = doc(text, &[M::Killed("four people", 4, "people")]);
    add_kenyan_armed_group(&mut d, "Northern Front");
    let ev = events(d);
    let loc = ev[0].location.as_ref().expect("inferred location");
    assert_eq!((loc.country.as_str(), loc.inferred), ("GH", Some("demonym")));
    assert_eq!(loc.text, "Ghanaian");
}
