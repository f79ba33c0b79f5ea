//! Table tests of the dates stage at a fixed publication date (the clock is never read).
use chrono::NaiveDate;

use super::*;
use crate::doc::{Document, Sentence};
use crate::input::Article;

/// The article date every test uses unless it says otherwise: Saturday 2025-12-27.
const DCT: (i32, u32, u32) = (2025, 12, 27);

fn tagger() -> DateTagger {
    DateTagger::new(&Gazetteers::embedded()).expect("date rules load")
}

/// A document of `text` published on `dct`, one sentence per `\n`-separated line.
fn doc(text: &str, dct: Option<NaiveDate>) -> Document {
    let mut article = Article::from_text("test", text);
    article.published = dct;
    let mut d = Document::new(article);
    d.published = dct;
    // A text that opens with a date is not an article timestamp here.
    d.layout.timestamp = None;
    let mut start = 0;
    for line in text.split('\n') {
        if !line.is_empty() {
            d.sentences.push(Sentence { span: Span::new(start, start + line.len()), paragraph: 0 });
        }
        start += line.len() + 1;
    }
    d
}

fn dct() -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(DCT.0, DCT.1, DCT.2)
}

/// (start, end, value, rule) of every date found in `text`.
fn run(
    tagger: &DateTagger,
    text: &str,
    dct: Option<NaiveDate>,
) -> Vec<(usize, usize, String, String)> {
    let mut d = doc(text, dct);
    tagger.annotate(&mut d);
    d.mentions
        .iter()
        .map(|m| match &m.value {
            Value::Date(v) => {
                (m.span.start, m.span.end, v.value.clone(), m.provenance.rule.clone())
            }
            other => panic!("not a date: {other:?}"),
        })
        .collect()
}

/// Asserts the exact spans and values found in `text` at the test article date.
#[track_caller]
fn t(text: &str, want: &[(usize, usize, &str)]) {
    let got: Vec<(usize, usize, String)> =
        run(&tagger(), text, dct()).into_iter().map(|(s, e, v, _)| (s, e, v)).collect();
    let want: Vec<(usize, usize, String)> =
        want.iter().map(|&(s, e, v)| (s, e, v.to_string())).collect();
    assert_eq!(got, want, "in {text:?}");
}

#[test]
fn rule_file_examples_and_counters() {
    let tagger = tagger();
    let mut failures = Vec::new();
    for rule in &tagger.rules.rules {
        for (text, value) in &rule.examples {
            let got = run(&tagger, text, dct());
            let whole = rule.regex_matches_whole(text);
            let ok = whole && got.len() == 1 && got[0].2 == *value && got[0].3 == rule.name;
            if !ok {
                failures.push(format!(
                    "{}: example {text:?} => {value}: got {got:?} (whole match: {whole})",
                    rule.name
                ));
            }
        }
        for text in &rule.counters {
            let got = run(&tagger, text, dct());
            if !got.is_empty() {
                failures.push(format!("{}: counter {text:?} gave {got:?}", rule.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn absolute_dates() {
    t("It happened on December 13, 2025 in the city.", &[(15, 32, "2025-12-13")]);
    t("on 13 December 2025", &[(3, 19, "2025-12-13")]);
    t("on 12/13/2025 and 2025-12-13", &[(3, 13, "2025-12-13"), (18, 28, "2025-12-13")]);
    t("in mid-December", &[(3, 15, "2025-12")]);
    t("in the 1990s and the 21st century", &[(3, 12, "199"), (17, 33, "20")]);
    t(
        "results for fiscal 2024 and the first quarter of 2025",
        &[(12, 23, "2024"), (28, 53, "2025-Q1")],
    );
}

#[test]
fn missing_year_follows_tense() {
    // Past clause, a month after the article's: last year.
    let tagger = tagger();
    let june = NaiveDate::from_ymd_opt(2025, 6, 10);
    assert_eq!(run(&tagger, "The talks were held on December 3.", june)[0].2, "2024-12-03");
    assert_eq!(run(&tagger, "The talks will be held on December 3.", june)[0].2, "2025-12-03");
    assert_eq!(run(&tagger, "The vote will take place on March 3.", june)[0].2, "2026-03-03");
}

#[test]
fn relative_dates() {
    t(
        "yesterday, on Tuesday, last week",
        &[(0, 9, "2025-12-26"), (14, 21, "2025-12-23"), (23, 32, "2025-W51")],
    );
    t("next month, two days ago", &[(0, 10, "2026-01"), (12, 24, "2025-12-25")]);
    t("earlier this year", &[(0, 17, "2025")]);
    t("Sunday's attack", &[(0, 6, "2025-12-21")]);
    t("The talks will resume on Monday.", &[(25, 31, "2025-12-29")]);
}

#[test]
fn focus_date_anchors_the_previous_day() {
    t(
        "The attack came on March 12, 2024.\nA raid had taken place the previous day.",
        &[(19, 33, "2024-03-12"), (58, 74, "2024-03-11")],
    );
}

#[test]
fn times_durations_sets() {
    // No tense cue: the nearer Monday.
    t("at 3 p.m. Monday", &[(3, 16, "2025-12-29T15:00")]);
    t("Monday morning", &[(0, 14, "2025-12-29TMO")]);
    t("overnight, at dawn", &[(0, 9, "2025-12-27TNI"), (14, 18, "2025-12-27TMO")]);
    t(
        "three years, the past decade, a 10-day ceasefire",
        &[(0, 11, "P3Y"), (13, 28, "P10Y"), (32, 38, "P10D")],
    );
    t("monthly and every year", &[(0, 7, "P1M"), (12, 22, "P1Y")]);
    t("now and recently", &[(0, 3, "PRESENT_REF"), (8, 16, "PAST_REF")]);
}

#[test]
fn not_dates() {
    t("a 25-year-old man", &[]);
    t("2,000 troops and 1,000 people", &[]);
    t("won 3-1 on penalties", &[]);
    t("call 555-123-2025", &[]);
    t("under Section 2025 of the code", &[]);
    t("It may rain. May said she would go.", &[]);
    t("the fall of the Assad regime", &[]);
}

#[test]
fn without_publication_date_values_keep_unknown_parts() {
    let tagger = tagger();
    let got: Vec<String> = run(&tagger, "on December 13th, yesterday and Tuesday", None)
        .into_iter()
        .map(|m| m.2)
        .collect();
    assert_eq!(got, ["XXXX-12-13", "XXXX-XX-XX", "XXXX-WXX-2"]);
}

#[test]
fn seed_article_dates() {
    let text = "A patrol was ambushed near Palmyra on December 13th, killing two. The fall of the regime in December 2024 changed things.\nSyria joined the coalition in November 2025. A report showed monthly attacks dropped from an average of 63 in 2024 to just 10 in 2025.";
    let got: Vec<(String, String)> = run(&tagger(), text, dct())
        .into_iter()
        .map(|(s, e, v, _)| (text[s..e].to_string(), v))
        .collect();
    let want = [
        ("December 13th", "2025-12-13"),
        ("December 2024", "2024-12"),
        ("November 2025", "2025-11"),
        ("monthly", "P1M"),
        ("2024", "2024"),
        ("2025", "2025"),
    ];
    let want: Vec<(String, String)> =
        want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(got, want);
}

#[test]
fn odd_input_does_not_panic() {
    let tagger = tagger();
    for text in
        ["", "’’’ 2024’s “May 3”", "\u{1F600}1999\u{1F600}", "December 99, 99999 —— 0/0/0000"]
    {
        run(&tagger, text, dct());
        run(&tagger, text, None);
    }
    // One huge sentence full of matches: every one found, in reasonable time.
    let many = "in 2024, ".repeat(20_000);
    assert_eq!(run(&tagger, &many, dct()).len(), 20_000);
}

#[test]
fn moving_holidays_resolve_to_their_year() {
    t("at Easter 2024", &[(3, 14, "2024-03-31")]);
    t("on Good Friday 2026", &[(3, 19, "2026-04-03")]);
    t("since Thanksgiving", &[(6, 18, "2025-11-27")]);
    t("Memorial Day 2024 and Labor Day 2024", &[(0, 17, "2024-05-27"), (22, 36, "2024-09-02")]);
    t("on Mother's Day 2025", &[(3, 20, "2025-05-11")]);
    t("Easter Monday 2025", &[(0, 18, "2025-04-21")]);
}

#[test]
fn composites_are_one_mention() {
    t("on Dec. 13 at 3 p.m. the", &[(3, 20, "2025-12-13T15:00")]);
    t("at 3 p.m. Tuesday", &[(3, 17, "2025-12-30T15:00")]);
    t("Monday morning", &[(0, 14, "2025-12-29TMO")]);
    t("yesterday evening", &[(0, 17, "2025-12-26TEV")]);
    t("at 5 p.m. EST Nov. 9, 2024", &[(3, 26, "2024-11-09T17:00")]);
}

#[test]
fn composites_join_day_and_time() {
    // A day and a clock time, either order, across `at`, `on`, a comma or a time zone.
    t("They met yesterday at 3 p.m. in the city.", &[(9, 28, "2025-12-26T15:00")]);
    t("It ended at 3 p.m. yesterday.", &[(12, 28, "2025-12-26T15:00")]);
    t("Crowds gathered at noon on Dec. 13.", &[(19, 34, "2025-12-13T12:00")]);
    t("On Monday, at 10 a.m., the court sat.", &[(3, 21, "2025-12-22T10:00")]);
    t("Tuesday, 3 p.m.", &[(0, 15, "2025-12-30T15:00")]);
    t("The bomb went off at 3 p.m. EST Tuesday.", &[(21, 39, "2025-12-23T15:00")]);
    t("He will speak Tuesday at 3 p.m. in Rome.", &[(14, 31, "2025-12-30T15:00")]);
    t("They met last Friday night.", &[(9, 26, "2025-12-26TNI")]);
    // Not joined: a time and a day in different clauses, or a day-part phrase around a date
    // (annotated as the date alone, with its own value).
    t(
        "By 3 p.m. the crowd had left; Tuesday was calm.",
        &[(3, 9, "2025-12-27T15:00"), (30, 37, "2025-12-23")],
    );
    t("Shots rang out on the morning of June 5.", &[(33, 39, "2025-06-05")]);
}

#[test]
fn offsets_from_a_relative_day() {
    t("The day before last Tuesday's hearing, he left.", &[(0, 27, "2025-12-22")]);
    t("Shops reopened two days after Christmas.", &[(15, 39, "2025-12-27")]);
    t("It came a week before Dec. 13.", &[(8, 29, "2025-12-06")]);
    t("the day after tomorrow", &[(0, 22, "2025-12-29")]);
    t("A hearing is set for the week of March 6.", &[(21, 40, "2026-W10")]);
    t("the week of Dec. 1, 2025", &[(0, 24, "2025-W49")]);
    t(
        "Plans for the week of Dec. 1, 2025 were set.\nNo layoffs are expected that week.",
        &[(10, 34, "2025-W49"), (69, 78, "2025-W49")],
    );
    // An offset from an event, not a date, stays counted from the date in focus.
    t("He died 10 days before the vote.", &[(8, 22, "2025-12-17")]);
}

#[test]
fn moveable_feasts_follow_easter() {
    t("Pilgrims came during Easter week.", &[(21, 32, "2025-W16")]);
    t("Holy Week 2024", &[(0, 14, "2024-W13")]);
    t(
        "Orthodox Easter 2024 and Orthodox Easter 2025",
        &[(0, 20, "2024-05-05"), (25, 45, "2025-04-20")],
    );
    t("Pentecost 2025", &[(0, 14, "2025-06-08")]);
    t("Ash Wednesday 2026", &[(0, 18, "2026-02-18")]);
    // Without a year: the nearer Easter, or the one the tense points to.
    let tagger = tagger();
    let june = NaiveDate::from_ymd_opt(2025, 6, 10);
    assert_eq!(run(&tagger, "They met at Easter.", june)[0].2, "2025-04-20");
    let nov = NaiveDate::from_ymd_opt(2025, 11, 10);
    assert_eq!(run(&tagger, "The pope will travel at Easter.", nov)[0].2, "2026-04-05");
}

#[test]
fn bare_month_in_a_future_clause() {
    let tagger = tagger();
    let nov = NaiveDate::from_ymd_opt(2025, 11, 12);
    let value = |text: &str| run(&tagger, text, nov)[0].2.clone();
    // No tense word: the nearer March; a future cue before the date wins over a past one
    // after a clause break.
    assert_eq!(value("Voters go to the polls in March."), "2026-03");
    assert_eq!(value("The talks, scheduled for March, were delayed."), "2026-03");
    assert_eq!(value("The talks, slated for March, stalled."), "2026-03");
    assert_eq!(value("Parties campaigned ahead of the March vote."), "2026-03");
    // Past clauses keep the past March.
    assert_eq!(value("Prices rose in March."), "2025-03");
    assert_eq!(value("Nothing has changed since March."), "2025-03");
    // `this September` is the article's year, whatever the tense.
    let june = NaiveDate::from_ymd_opt(2025, 6, 26);
    assert_eq!(run(&tagger, "The party hopes to win seats this September.", june)[0].2, "2025-09");
}

#[test]
fn weekday_tense_cues() {
    let tagger = tagger();
    let wed = NaiveDate::from_ymd_opt(2025, 12, 24);
    let value = |text: &str| run(&tagger, text, wed)[0].2.clone();
    // `next to` is a place; a capitalized `-ed` word is a name, not a past verb.
    assert_eq!(value("Blasts hit the area next to the embassy on Friday."), "2025-12-19");
    assert_eq!(value("She would be flying to the United States Friday."), "2025-12-26");
    // The reporting verb after a closing quote does not set the quoted clause's tense.
    assert_eq!(value("\"We will leave Friday,\" he said."), "2025-12-26");
}

#[test]
fn coordinated_dates_share_a_year() {
    t(
        "Stock splits in January and June 1986 raised it.",
        &[(16, 23, "1986-01"), (28, 37, "1986-06")],
    );
    t("It paid on May 3 or May 10, 2024.", &[(11, 16, "2024-05-03"), (20, 32, "2024-05-10")]);
    // Not across other words, nor between a day and a month.
    t(
        "Sales fell in March; profit rose in June 1986.",
        &[(14, 19, "2025-03"), (36, 45, "1986-06")],
    );
}

#[test]
fn two_word_tense_cues() {
    let tagger = tagger();
    let wed = NaiveDate::from_ymd_opt(2025, 12, 24);
    let value = |text: &str| run(&tagger, text, wed)[0].2.clone();
    assert_eq!(value("The talks are set to resume Monday in the capital."), "2025-12-29");
    assert_eq!(value("He plans to visit on Friday."), "2025-12-26");
    // An `-ed` form after a determiner (and an adverb) is an adjective, not a past verb.
    let oct = NaiveDate::from_ymd_opt(2025, 10, 26);
    let got = run(&tagger, "It would be paid on a still unspecified date in January.", oct);
    assert_eq!(got[0].2, "2026-01");
    let got = run(&tagger, "The bill will be formally approved on Tuesday.", oct);
    assert_eq!(got[0].2, "2025-10-28");
    let last = run(&tagger, "The meeting, which began yesterday, is due to end Friday.", wed);
    assert_eq!(last[1].2, "2025-12-26");
    // `plans` as a noun and `due to` as a cause say nothing of the future.
    assert_eq!(value("On Friday, the city announced plans for a new port."), "2025-12-19");
    assert_eq!(value("Flights were grounded due to the storm on Monday."), "2025-12-22");
}

#[test]
fn joined_mentions_are_anchored_like_their_day() {
    let tagger = tagger();
    let anchored = |text: &str| {
        let mut d = doc(text, dct());
        tagger.annotate(&mut d);
        d.mentions
            .iter()
            .map(|m| match &m.value {
                Value::Date(v) => v.anchored,
                other => panic!("not a date: {other:?}"),
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(anchored("the week of Dec. 1, 2025"), [true]);
    assert_eq!(anchored("the day before last Tuesday"), [false]);
    assert_eq!(anchored("at 3 p.m. on Dec. 13, 2025"), [true]);
}

#[test]
fn rates_after_a_quantity_are_sets() {
    t(
        "Output rose to 10,000 barrels a day and $2 billion annually, or $500 million a year.",
        &[(30, 35, "P1D"), (51, 59, "P1Y"), (77, 83, "P1Y")],
    );
    let tagger = tagger();
    let text = "It costs $500 million a year for a year.";
    let got = run(&tagger, text, dct());
    let d = {
        let mut d = doc(text, dct());
        tagger.annotate(&mut d);
        d
    };
    let types: Vec<&str> = d
        .mentions
        .iter()
        .map(|m| match &m.value {
            Value::Date(v) => v.timex_type,
            _ => "",
        })
        .collect();
    assert_eq!(got.len(), 2);
    assert_eq!(types, ["SET", "DURATION"]);
}

#[test]
fn weekdays_after_a_deadline_word_are_coming_days() {
    // Saturday 2025-12-27: `until Monday` is the coming Monday, whatever the tense.
    t(
        "The deadline was extended until Monday. He could come as early as Tuesday, until 9 a.m. EST Tuesday.",
        &[(32, 38, "2025-12-29"), (66, 73, "2025-12-30"), (81, 99, "2025-12-30T09:00")],
    );
}

#[test]
fn comparisons_with_a_year_ago_and_reporting_periods() {
    // `a year earlier` right after `a year ago` restates the same comparison.
    t(
        "Output fell 8% from a year ago. Costs rose compared with a year earlier.",
        &[(20, 30, "2024"), (57, 71, "2024")],
    );
    // A later offset still counts from the date in focus.
    t(
        "Two years ago he moved to Paris. A year later he married.",
        &[(0, 13, "2023"), (33, 45, "2024")],
    );
    // A forecast quarter is no reporting period for `the year-ago period`.
    t(
        "Losses will go on through the second quarter of 2026. In the year-ago period, it earned $1 million.",
        &[(26, 52, "2026-Q2"), (57, 76, "2024")],
    );
    t(
        "It earned $5 million in the third quarter, up from $3 million a year ago.",
        &[(24, 41, "2025-Q3"), (62, 72, "2024-Q3")],
    );
    t("In the year-ago third quarter, it lost money.", &[(3, 29, "2024-Q3")]);
}

#[test]
fn halves_decades_and_period_ends() {
    t(
        "It took 2 1/2 years, about 5 1/2 hours, a minute and a half, the past two decades, a 20th century idea.",
        &[
            (8, 19, "P2Y6M"),
            (21, 38, "PT5H30M"),
            (40, 59, "PT1M30S"),
            (61, 81, "P20Y"),
            (85, 97, "19"),
        ],
    );
    t(
        "The deal should close by year-end, or by the end of the month, as planned earlier in the year.",
        &[(25, 33, "2025"), (41, 61, "2025-12"), (74, 93, "2025")],
    );
    t("On April 24 and 25 we met.", &[(3, 11, "2025-04-24"), (16, 18, "2025-04-25")]);
    t(
        "each July, in 1994, 1995 and 1997 _ that was",
        &[(0, 9, "XXXX-07"), (14, 18, "1994"), (20, 24, "1995"), (29, 33, "1997")],
    );
}

#[test]
fn reporting_period_is_the_last_ended_quarter() {
    // Published Sunday 2025-11-02 (fourth quarter): a fourth-quarter charge is still to come,
    // so the latest quarter and the comparisons after it are about the third.
    let text = "The company expects a fourth-quarter charge. In the latest quarter, it lost $5 million, compared with a profit a year ago. In the 2024 period, it earned $2 million. Sales for last year's quarter were $3 million.";
    let got: Vec<(usize, usize, String)> =
        run(&tagger(), text, NaiveDate::from_ymd_opt(2025, 11, 2))
            .into_iter()
            .map(|(s, e, v, _)| (s, e, v))
            .collect();
    let want = [
        (22, 36, "2025-Q4"),
        (48, 66, "2025-Q3"),
        (111, 121, "2024-Q3"),
        (126, 141, "2024-Q3"),
        (175, 194, "2024-Q3"),
    ];
    let want: Vec<(usize, usize, String)> =
        want.iter().map(|&(s, e, v)| (s, e, v.to_string())).collect();
    assert_eq!(got, want);
    // No ended quarter in focus: a year-earlier comparison counts from the quarter under way.
    let text = "It expects a first-quarter loss, compared with a year-earlier profit.";
    let got: Vec<(usize, usize, String)> =
        run(&tagger(), text, NaiveDate::from_ymd_opt(2025, 3, 15))
            .into_iter()
            .map(|(s, e, v, _)| (s, e, v))
            .collect();
    assert_eq!(got, [(13, 26, "2025-Q1".to_string()), (49, 61, "2024-Q1".to_string())]);
}

#[test]
fn financial_years_and_days_of_a_month_in_focus() {
    t(
        "For the year ended Sept. 30, it earned $5 million. Sales for the full year were $6 billion. In the year ago period, it lost money. Later in the day before closing, shares fell.",
        &[(4, 12, "P1Y"), (19, 27, "2025-09-30"), (61, 74, "2025"), (95, 114, "2024")],
    );
    // A repeated `a year earlier` restates the comparison.
    t(
        "Jobs fell 380,000 from a year earlier to 14 mln, down 190,000 from a year earlier.",
        &[(23, 37, "2024"), (67, 81, "2024")],
    );
    // `that same day` after a month other than the article's: a day of that month.
    t(
        "He was last seen in October. His name was crossed out that same day.",
        &[(20, 27, "2025-10"), (54, 67, "2025-10-XX")],
    );
    // `in the year 2000` is the year, not the current year.
    t("It happened in the year 2000.", &[(24, 28, "2000")]);
}

#[test]
fn after_gates_allow_any_whitespace_and_case() {
    // `set_rate` wakes only after `a`/`per`, `duration_half` only after a number or `a`.
    t(
        "It ships 500 tons per\tday and 3 1/2 years ago it paid 2 dollars A  year.",
        &[(18, 25, "P1D"), (30, 41, "P3Y6M"), (64, 71, "P1Y")],
    );
    // No `a` or `per` before the unit: no rate.
    t("It ships 500 tons that day.", &[(18, 26, "2025-12-27")]);
}

#[test]
fn weekday_without_tense_cue_is_the_nearest() {
    let tagger = tagger();
    let wed = NaiveDate::from_ymd_opt(2025, 12, 24);
    let value = |text: &str| run(&tagger, text, wed)[0].2.clone();
    // Past and future clauses choose the side; no cue at all: the nearer day.
    assert_eq!(value("The ministers met Monday."), "2025-12-22");
    assert_eq!(value("The ministers will meet Monday."), "2025-12-29");
    assert_eq!(value("Friday: ministers in Paris"), "2025-12-26");
    assert_eq!(value("Monday: ministers in Paris"), "2025-12-22");
}

#[test]
fn weekdays_counted_from_the_date_in_focus() {
    t(
        "Shares closed at a high on March 12, 2024.\nThey were down from the previous Friday.",
        &[(27, 41, "2024-03-12"), (63, 82, "2024-03-08")],
    );
    t(
        "The deal was signed on May 2, 2024.\nIt took effect the following Monday.",
        &[(23, 34, "2024-05-02"), (51, 71, "2024-05-06")],
    );
    // Without a date in focus: counted from the article date.
    t("up from the previous Friday", &[(8, 27, "2025-12-26")]);
}

#[test]
fn election_day_is_the_tuesday_after_the_first_monday_of_november() {
    t("until Election Day 2026", &[(6, 23, "2026-11-03")]);
    t("on Election Day 2022", &[(3, 20, "2022-11-08")]);
    t("the campaign before Election Day", &[(20, 32, "2025-11-04")]);
}

#[test]
fn years_spoken_in_words() {
    t("Atlanta, nineteen ninety-six.", &[(9, 28, "1996")]);
    t("in January nineteen ninety-seven", &[(3, 32, "1997-01")]);
    t("prices seen in the winter of nineteen ninety-four", &[(15, 49, "1994-WI")]);
    t("by the year two thousand", &[(3, 24, "2000")]);
    // A count is no year.
    t("nineteen people and twenty one cars", &[]);
}

#[test]
fn clock_in_the_morning_and_vague_decades() {
    t("He will leave at 4 in the morning.", &[(17, 33, "2025-12-27T04:00")]);
    t("a decades-long feud", &[(2, 14, "PXY")]);
}

#[test]
fn that_night_and_that_friday_follow_the_date_in_focus() {
    t(
        "Shots hit the city on March 12, 2024.\nThat night, the army came.\nThat Friday, crowds mourned.\nLater that week, talks began.",
        &[(22, 36, "2024-03-12"), (38, 48, "2024-03-12TNI"), (65, 76, "2024-03-15"), (94, 109, "2024-W11")],
    );
    // `that` as a conjunction is no `that Friday`.
    t("He said that Friday's talks failed.", &[(13, 19, "2025-12-26")]);
}

#[test]
fn fixed_and_moving_named_days() {
    t("on Bastille Day 2024", &[(3, 20, "2024-07-14")]);
    t("since Columbus Day 2025", &[(6, 23, "2025-10-13")]);
    // A future clause: the coming one.
    t("until Inauguration Day", &[(6, 22, "2026-01-20")]);
    t("on St. Patrick's Day 2024", &[(3, 25, "2024-03-17")]);
}
