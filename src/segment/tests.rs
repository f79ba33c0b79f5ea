use super::*;
use crate::input::Article;

fn segmenter() -> &'static Segmenter {
    static SEGMENTER: std::sync::OnceLock<Segmenter> = std::sync::OnceLock::new();
    SEGMENTER.get_or_init(|| Segmenter::new(&Gazetteers::embedded()).expect("embedded data loads"))
}

/// The document for `text` (a plain-text file when `plain`), segmented.
pub(super) fn document(text: &str, plain: bool) -> Document {
    let mut article = Article::from_text("test", text);
    article.plain_text = plain;
    let mut doc = Document::new(article);
    segmenter().annotate(&mut doc);
    doc
}

/// The sentences of `text` as strings, after checking the span invariants.
pub(super) fn sentences(text: &str, plain: bool) -> Vec<String> {
    let doc = document(text, plain);
    let mut last_end = 0;
    for s in &doc.sentences {
        assert!(s.span.start >= last_end && s.span.start < s.span.end, "{:?} in {text:?}", s.span);
        let got = doc.slice(s.span);
        assert_eq!(got, got.trim(), "sentence with surrounding whitespace in {text:?}");
        last_end = s.span.end;
    }
    doc.sentences.iter().map(|s| doc.slice(s.span).to_string()).collect()
}

/// Exact byte spans of the sentences of `text` (not a plain-text file).
fn spans(text: &str) -> Vec<(usize, usize)> {
    document(text, false).sentences.iter().map(|s| (s.span.start, s.span.end)).collect()
}

/// Checks each (text, sentences) case; a sentence given as text must sit at the next place
/// it occurs, so the table fixes the exact offsets.
fn table(cases: &[(&str, &[&str])]) {
    for (text, want) in cases {
        let doc = document(text, false);
        let mut expected = Vec::new();
        let mut from = 0;
        for w in *want {
            let at = from + text[from..].find(w).unwrap_or_else(|| panic!("{w:?} not in {text:?}"));
            expected.push((at, at + w.len()));
            from = at + w.len();
        }
        let got: Vec<(usize, usize)> =
            doc.sentences.iter().map(|s| (s.span.start, s.span.end)).collect();
        let got_text: Vec<&str> = doc.sentences.iter().map(|s| doc.slice(s.span)).collect();
        assert_eq!(got, expected, "{text:?}: got {got_text:?}");
    }
}

#[test]
fn abbreviations_and_titles() {
    table(&[
        ("Mr. Smith and Dr. Jones met Gen. Lee. They talked.", &["Mr. Smith and Dr. Jones met Gen. Lee.", "They talked."]),
        ("Lt. Col. John Hart and Sen. Mary Cole spoke. Rep. Tom Hill did not.", &["Lt. Col. John Hart and Sen. Mary Cole spoke.", "Rep. Tom Hill did not."]),
        ("He lives on St. James St. in Boston. He climbed Mt. Kenya.", &["He lives on St. James St. in Boston.", "He climbed Mt. Kenya."]),
        ("Acme Inc. and Bolt Corp. merged with Dart Co. Ltd. on Friday.", &["Acme Inc. and Bolt Corp. merged with Dart Co. Ltd. on Friday."]),
        ("The deal closed with Acme Inc. The shares rose.", &["The deal closed with Acme Inc.", "The shares rose."]),
        ("It began on Jan. 5 and ended Dec. 20. Then it resumed.", &["It began on Jan. 5 and ended Dec. 20.", "Then it resumed."]),
        ("Bring fruit, e.g. apples, i.e. anything. Bring water etc. too.", &["Bring fruit, e.g. apples, i.e. anything.", "Bring water etc. too."]),
        ("It was Smith vs. Jones in the final.", &["It was Smith vs. Jones in the final."]),
        ("He flew from Los Angeles, Calif., to Chicago, Ill., on Monday. He was ill. Police said so.", &["He flew from Los Angeles, Calif., to Chicago, Ill., on Monday.", "He was ill.", "Police said so."]),
        ("The U.N. Security Council met. The U.K. Foreign Office agreed.", &["The U.N. Security Council met.", "The U.K. Foreign Office agreed."]),
    ]);
}

#[test]
fn abbreviation_ending_a_sentence() {
    table(&[
        ("The meeting started at 9 a.m. He left.", &["The meeting started at 9 a.m.", "He left."]),
        (
            "Troops arrived in the U.S. The next day they left.",
            &["Troops arrived in the U.S.", "The next day they left."],
        ),
        (
            "The shooting happened at 3 p.m. Sunday, police said.",
            &["The shooting happened at 3 p.m. Sunday, police said."],
        ),
        ("It starts at 10 a.m. EST on Monday.", &["It starts at 10 a.m. EST on Monday."]),
        (
            "The U.S. Army and the U.S. Treasury agreed.",
            &["The U.S. Army and the U.S. Treasury agreed."],
        ),
    ]);
}

#[test]
fn initials() {
    table(&[
        (
            "J. R. R. Tolkien wrote it. George W. Bush read it.",
            &["J. R. R. Tolkien wrote it.", "George W. Bush read it."],
        ),
        ("The book by J. Smith sold well.", &["The book by J. Smith sold well."]),
    ]);
}

#[test]
fn numbers_money_percent_times_versions() {
    table(&[
        (
            "Sales rose 3.5% to $1.2 billion. Profit fell 0.4 percent.",
            &["Sales rose 3.5% to $1.2 billion.", "Profit fell 0.4 percent."],
        ),
        (
            "He wore No. 5 and scored in 2024. The team won.",
            &["He wore No. 5 and scored in 2024.", "The team won."],
        ),
        (
            "The train left at 10.30 and arrived at 11:45. It was late.",
            &["The train left at 10.30 and arrived at 11:45.", "It was late."],
        ),
        (
            "Install v2.1.3 of the app. It fixes the bug.",
            &["Install v2.1.3 of the app.", "It fixes the bug."],
        ),
        ("The vote was held on 12.03.2024 in Kyiv.", &["The vote was held on 12.03.2024 in Kyiv."]),
        ("It cost 1,500 euros. 200 people came.", &["It cost 1,500 euros. 200 people came."]),
    ]);
}

#[test]
fn urls_emails_and_files() {
    table(&[
        (
            "See www.example.com for details. Write to press@example.org. They reply.",
            &["See www.example.com for details.", "Write to press@example.org.", "They reply."],
        ),
        (
            "Amazon.com shares rose. The report.pdf file leaked.",
            &["Amazon.com shares rose.", "The report.pdf file leaked."],
        ),
        (
            "Visit https://example.com/a.html. Then call.",
            &["Visit https://example.com/a.html.", "Then call."],
        ),
    ]);
}

#[test]
fn ellipses_and_double_punctuation() {
    table(&[
        ("He waited... and waited. Nothing came.", &["He waited... and waited.", "Nothing came."]),
        ("He waited… Nobody came.", &["He waited…", "Nobody came."]),
        ("It ended badly… and then? Who knows!", &["It ended badly… and then?", "Who knows!"]),
        ("Really?! Yes. Wow!!! Fine.", &["Really?!", "Yes.", "Wow!!!", "Fine."]),
    ]);
}

#[test]
fn quotes_and_brackets() {
    table(&[
        (
            "\"Is it over?\" she asked. \"Yes.\" He nodded.",
            &["\"Is it over?\" she asked.", "\"Yes.\"", "He nodded."],
        ),
        ("“Is it over?” she asked.", &["“Is it over?” she asked."]),
        (
            "“We will win. They will lose. Nobody doubts it,” said Ali.",
            &["“We will win.", "They will lose.", "Nobody doubts it,” said Ali."],
        ),
        ("‘It is done.’ The minister left.", &["‘It is done.’", "The minister left."]),
        (
            "He left. (He said he was tired.) Then he slept.",
            &["He left.", "(He said he was tired.)", "Then he slept."],
        ),
        (
            "The group (known as the U.S. branch) met.",
            &["The group (known as the U.S. branch) met."],
        ),
    ]);
}

#[test]
fn lists_and_headings() {
    table(&[
        (
            "The plan has steps:\n1. Build roads\n2. Open schools\n- Hire staff",
            &["The plan has steps:", "1. Build roads", "2. Open schools", "- Hire staff"],
        ),
        (
            "Key points:\n• Prices rose\n• Wages fell",
            &["Key points:", "• Prices rose", "• Wages fell"],
        ),
        ("## Background\n\nThe war began in 2011.", &["Background", "The war began in 2011."]),
        (
            "Background\nThe war began in 2011. It goes on.",
            &["Background", "The war began in 2011.", "It goes on."],
        ),
    ]);
}

#[test]
fn paragraphs_and_wrapped_wire_text() {
    table(&[
        ("One para\nends here. Next one\nstarts here.\n\nNew para", &["One para\nends here.", "Next one\nstarts here.", "New para"]),
        (
            "LONDON, March 3 - The company said it would raise its\nquarterly dividend to 10 cts from eight cts.\nIt said sales rose sharply in the U.S.\nand Canada.\n    Profits were also\nhigher.\n Reuter",
            &["LONDON, March 3 - The company said it would raise its\nquarterly dividend to 10 cts from eight cts.", "It said sales rose sharply in the U.S.\nand Canada.", "Profits were also\nhigher."],
        ),
    ]);
    let doc = document("It rained. We left.\n\nThey came.\n    So did we.", false);
    let paragraphs: Vec<usize> = doc.sentences.iter().map(|s| s.paragraph).collect();
    assert_eq!(paragraphs, [0, 0, 1, 2]);
}

#[test]
fn whitespace_and_unicode_offsets() {
    // CRLF: a blank CRLF line breaks the paragraph; `\r` is not part of a sentence.
    assert_eq!(spans("One two.\r\n\r\nThree four.\r\n"), [(0, 8), (12, 23)]);
    // NBSP (2 bytes) after a period separates sentences and is not in either.
    assert_eq!(spans("He left.\u{a0}She stayed."), [(0, 8), (10, 21)]);
    // Curly quotes are 3 bytes each; the closing one stays with its sentence.
    assert_eq!(spans("“Go.” She went."), [(0, 9), (10, 19)]);
    // An em dash (3 bytes) does not end a sentence.
    assert_eq!(spans("He came — late. She left."), [(0, 17), (18, 27)]);
    for text in ["", " ", "\n\n", ".", "...", "“", "a.\u{a0}", "1. ", "• ", "x\r\n\r\n"] {
        let _ = sentences(text, false);
        let _ = sentences(text, true);
    }
}

#[test]
fn datelines() {
    table(&[
        (
            "PALMYRA, Syria (Reuters) - Gunmen attacked a patrol. Two died.",
            &["PALMYRA, Syria (Reuters) - Gunmen attacked a patrol.", "Two died."],
        ),
        (
            "WASHINGTON, D.C. — Officials met. They agreed.",
            &["WASHINGTON, D.C. — Officials met.", "They agreed."],
        ),
        (
            "NAIROBI, Kenya (AP) _ Police fired. Nobody was hurt.",
            &["NAIROBI, Kenya (AP) _ Police fired.", "Nobody was hurt."],
        ),
        ("KIRKUK, Iraq\n\nA bomb exploded.", &["KIRKUK, Iraq", "A bomb exploded."]),
    ]);
}

/// A small article in the seed's layout: timestamp and Markdown title on one line, a dateline
/// with an en dash, a three-sentence quotation, a `Read More` trailer.
const ARTICLE: &str =
    "Mon Mar 02 09:15:00 UTC 2026: ## Floods Cut Roads Across Northern Region\n\n\
Tamale, Ghana – Heavy rain washed away two bridges on Sunday, cutting off dozens of villages. \
Officials said three people drowned.\n\n\
“The water rose in minutes,” said Kofi Mensah, a district official.\n\n\
“We have no boats. We have no fuel. We need help now,” Mensah said.\n\n\
Read More";

#[test]
fn seed_like_article() {
    let doc = document(ARTICLE, true);
    assert_eq!(doc.published, chrono::NaiveDate::from_ymd_opt(2026, 3, 2));
    let title = doc.layout.title.expect("title");
    assert_eq!(doc.slice(title), "Floods Cut Roads Across Northern Region");
    let dateline = doc.layout.dateline.clone().expect("dateline");
    assert_eq!(doc.slice(dateline.span), "Tamale, Ghana –");
    assert_eq!(doc.slice(dateline.place), "Tamale, Ghana");
    let got: Vec<(&str, usize)> =
        doc.sentences.iter().map(|s| (doc.slice(s.span), s.paragraph)).collect();
    assert_eq!(
        got,
        [
            ("Floods Cut Roads Across Northern Region", 0),
            ("Tamale, Ghana – Heavy rain washed away two bridges on Sunday, cutting off dozens of villages.", 1),
            ("Officials said three people drowned.", 1),
            ("“The water rose in minutes,” said Kofi Mensah, a district official.", 2),
            ("“We have no boats.", 3),
            ("We have no fuel.", 3),
            ("We need help now,” Mensah said.", 3),
        ]
    );
}
