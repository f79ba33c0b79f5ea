//! Table tests of quote spans, speakers, speaker words and verbs, one layout per case.
use std::sync::OnceLock;

use super::*;
use crate::input::Article;

fn tagger() -> &'static QuoteTagger {
    static TAGGER: OnceLock<QuoteTagger> = OnceLock::new();
    TAGGER.get_or_init(|| QuoteTagger::new(&Gazetteers::embedded()).expect("quote gazetteers load"))
}

fn run(text: &str) -> Vec<Quote> {
    let mut doc = Document::new(Article::from_text("test", text));
    tagger().annotate(&mut doc);
    doc.quotes
}

/// Expected quote: (quoted words, speaker words, canonical speaker, verb). Spans are checked
/// exactly: the quote's and the speaker words' byte ranges must slice to these strings.
type Want<'a> = (&'a str, &'a str, &'a str, &'a str);

fn t(text: &str, want: &[Want]) {
    let got = run(text);
    let got: Vec<(&str, &str, &str, &str)> = got
        .iter()
        .map(|q| {
            let words = match (q.speaker_start, q.speaker_end) {
                (Some(a), Some(b)) => &text[a..b],
                _ => "",
            };
            (
                &text[q.span.start..q.span.end],
                words,
                q.speaker.as_deref().unwrap_or(""),
                q.verb.as_deref().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(got, want, "in {text:?}");
}

#[test]
fn inverted_with_appositive_then_variant_surname() {
    let text = "Intro line.\n\n\u{201c}The attack points to structural flaws in the system,\u{201d} warned Nanar Hawash, a senior Syria analyst with the International Crisis Group.\n\nMore text here.\n\n\u{201c}They cannot hold cities. But they do not need to,\u{201d} said Hawach.";
    t(
        text,
        &[
            (
                "The attack points to structural flaws in the system,",
                "Nanar Hawash",
                "Nanar Hawash",
                "warned",
            ),
            ("They cannot hold cities. But they do not need to,", "Hawach", "Nanar Hawash", "said"),
        ],
    );
    let q = &run(text)[0];
    assert_eq!((q.span.start, q.span.end), (16, 68));
    assert_eq!(q.role.as_deref(), Some("senior Syria analyst"));
    assert_eq!(q.affiliation.as_deref(), Some("International Crisis Group"));
    assert_eq!(q.rule, "quotes/verb_speaker");
}

#[test]
fn pronoun_resolves_to_paragraph_subject() {
    t(
        "Intro line.\n\nMayor Ana Ortiz visited the flooded district on Monday. \"We will rebuild the bridge before winter,\" she said.",
        &[("We will rebuild the bridge before winter,", "she", "Ana Ortiz", "said")],
    );
    // with no name in the paragraph, the latest named speaker
    t(
        "Intro line.\n\n\"The river rose in two hours,\" said Omar Diallo.\n\nThe town was evacuated. \"We lost everything in the flood,\" he said.",
        &[
            ("The river rose in two hours,", "Omar Diallo", "Omar Diallo", "said"),
            ("We lost everything in the flood,", "he", "Omar Diallo", "said"),
        ],
    );
}

#[test]
fn split_quote_shares_its_attribution() {
    t(
        "Intro line.\n\n\"The fund is empty,\" Ortiz said, \"and the council knows it well.\"",
        &[
            ("The fund is empty,", "Ortiz", "Ortiz", "said"),
            ("and the council knows it well.", "Ortiz", "Ortiz", "said"),
        ],
    );
    // `"A," he said. "B."`: the second sentence continues the same speaker
    t(
        "Intro line.\n\n\u{201c}Nobody expected the vote to pass,\u{201d} Luis Vega said. \u{201c}We will appeal the result.\u{201d}",
        &[
            ("Nobody expected the vote to pass,", "Luis Vega", "Luis Vega", "said"),
            ("We will appeal the result.", "Luis Vega", "Luis Vega", "said"),
        ],
    );
}

#[test]
fn attribution_before_the_quote() {
    t(
        "Intro line.\n\nThe finance minister said: \"Prices will fall next month.\"",
        &[("Prices will fall next month.", "The finance minister", "finance minister", "said")],
    );
    t(
        "Intro line.\n\nHassan Ali told Reuters: \"We have no fuel left for the generators.\"",
        &[("We have no fuel left for the generators.", "Hassan Ali", "Hassan Ali", "told")],
    );
    t(
        "Intro line.\n\nIn a statement, the ministry said: \"The border crossing will reopen soon.\"",
        &[("The border crossing will reopen soon.", "the ministry", "ministry", "said")],
    );
    t(
        "Intro line.\n\nSaid Omar Diallo: \"We will not stop now, whatever happens.\"",
        &[("We will not stop now, whatever happens.", "Omar Diallo", "Omar Diallo", "Said")],
    );
    t(
        "Intro line.\n\nSenator Ruth Cole wrote on X: \"The bill will pass this week, I am sure.\"",
        &[("The bill will pass this week, I am sure.", "Ruth Cole", "Ruth Cole", "wrote")],
    );
    // the attribution closes the previous paragraph
    t(
        "Intro line.\n\nGovernor Lisa Brandt wrote:\n\n\"The state will cover the costs of the cleanup.\"",
        &[("The state will cover the costs of the cleanup.", "Lisa Brandt", "Lisa Brandt", "wrote")],
    );
}

#[test]
fn attribution_after_the_quote() {
    t(
        "Intro line.\n\n\"The company regrets the delay,\" Acme Corp said in a statement.",
        &[("The company regrets the delay,", "Acme Corp", "Acme Corp", "said")],
    );
    t(
        "Intro line.\n\n\u{201c}Talks will resume on Monday,\u{201d} according to Maria Lopez, a ministry spokeswoman.",
        &[("Talks will resume on Monday,", "Maria Lopez", "Maria Lopez", "")],
    );
    t(
        "Intro line.\n\n\"We need the aid now,\" Rep. Tom Hale (D-Ohio), a member of the panel, said Tuesday.",
        &[("We need the aid now,", "Tom Hale", "Tom Hale", "said")],
    );
    t(
        "Intro line.\n\n\u{201c}We need more schools for our children.\u{201d} \u{2015} Rosa Parker",
        &[("We need more schools for our children.", "Rosa Parker", "Rosa Parker", "")],
    );
    t(
        "Intro line.\n\n\"The report was wrong on every count,\" the ministry spokesman Ali Karim said.",
        &[("The report was wrong on every count,", "Ali Karim", "Ali Karim", "said")],
    );
}

#[test]
fn wire_styles_guillemets_and_single_quotes() {
    t(
        "Intro line.\n\n``We are ready for the vote,'' Sen. John Hale said.",
        &[("We are ready for the vote,", "John Hale", "John Hale", "said")],
    );
    t(
        "Intro line.\n\n''We are ready for the vote,'' he said. ''It is time to decide.''",
        &[
            ("We are ready for the vote,", "he", "", "said"),
            ("It is time to decide.", "he", "", "said"),
        ],
    );
    t(
        "Intro line.\n\n\u{ab}We are ready to leave tomorrow,\u{bb} said Omar Diallo.",
        &[("We are ready to leave tomorrow,", "Omar Diallo", "Omar Diallo", "said")],
    );
    t(
        "Intro line.\n\n'Syria's people don't want another war,' said Omar Diallo.",
        &[("Syria's people don't want another war,", "Omar Diallo", "Omar Diallo", "said")],
    );
    // apostrophes are never quote marks
    t("Intro line.\n\nIn the '90s the boys' club didn't change, Diallo said.", &[]);
}

#[test]
fn hard_wrapped_wire_text_keeps_quotes_across_lines() {
    let text = "Intro line.\n\n   The council met on Tuesday to discuss the budget. Members\nargued for hours. ``We cannot keep paying for roads that nobody\nuses. It is time to stop,'' said Omar Diallo, the council\nchairman. Others disagreed with him and the vote was put off\nuntil next week, when members will meet again to decide on\nthe plan and its costs for the coming years.\n";
    t(
        text,
        &[(
            "We cannot keep paying for roads that nobody\nuses. It is time to stop,",
            "Omar Diallo",
            "Omar Diallo",
            "said",
        )],
    );
}

#[test]
fn multi_paragraph_quote_continues() {
    let text = "Intro line.\n\nLuis Vega said: \"The first part of the quote goes on here.\n\n\"The second part ends the quote here.\"";
    t(
        text,
        &[
            ("The first part of the quote goes on here.", "Luis Vega", "Luis Vega", "said"),
            ("The second part ends the quote here.", "Luis Vega", "Luis Vega", "said"),
        ],
    );
    assert_eq!(run(text)[1].rule, "quotes/continuation");
}

#[test]
fn floating_quote_paragraph_only_after_an_attributed_quote() {
    t(
        "Intro line.\n\n\"The river rose in two hours,\" said Omar Diallo.\n\n\"Nobody had time to save anything at all.\"",
        &[
            ("The river rose in two hours,", "Omar Diallo", "Omar Diallo", "said"),
            ("Nobody had time to save anything at all.", "Omar Diallo", "Omar Diallo", "said"),
        ],
    );
    // another paragraph in between: no continuation, and no guess
    t(
        "Intro line.\n\n\"The river rose in two hours,\" said Omar Diallo.\n\nThe town was evacuated on Monday.\n\n\"Nobody had time to save anything at all.\"",
        &[("The river rose in two hours,", "Omar Diallo", "Omar Diallo", "said")],
    );
}

#[test]
fn scare_quotes_titles_and_unbalanced_marks() {
    t("Intro line.\n\nThe so-called \"peace plan\" was rejected by both sides.", &[]);
    t("Intro line.\n\nCritics called it \"a disaster for the region\" on Monday.", &[]);
    t("Intro line.\n\nHe appeared on \"Face the Nation\" on Sunday, aides said.", &[]);
    t("Candidate Says \u{2018}Time To Go Home\u{2019} In Speech.\n\nText.", &[]);
    // an unclosed mark is bounded by its paragraph and swallows nothing
    t(
        "Intro line.\n\nHe said \"this never closes and goes on.\n\nThe rally ended. \"We will be back next year,\" said Omar Diallo.",
        &[("We will be back next year,", "Omar Diallo", "Omar Diallo", "said")],
    );
}

#[test]
fn odd_input_never_panics() {
    for text in [
        "",
        "\"",
        "\u{201c}",
        "''",
        "``",
        "'",
        "\u{ab}",
        "\"\"",
        "\u{201d}\u{201c}",
        "é\"é\"",
        "said \"",
        "\" said",
    ] {
        run(text);
    }
    let long = "\u{201c}word ".repeat(5000) + "\n\n\"" + &"x\u{2019}s ".repeat(5000);
    run(&long);
}

#[test]
fn speech_verbs_and_word_classes_load() {
    let lex = &tagger().lex;
    for verb in ["said", "says", "told", "warned", "tweeted", "wrote", "added", "insisted"] {
        assert!(lex.is_verb(verb), "{verb}");
    }
    for not_verb in ["is", "was", "post", "tweet", "statement"] {
        assert!(!lex.is_verb(not_verb), "{not_verb}");
    }
    assert!(
        lex.is("he", class::HE)
            && lex.is("Mrs.", class::TITLE_F)
            && lex.is("spokesman", class::ROLE)
    );
    assert!(!lex.is("president", class::ANY_TITLE), "titles count only when capitalised");
}
