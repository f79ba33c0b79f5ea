use super::*;

fn found(text: &str, plain: bool) -> Found {
    detect(text, plain)
}

fn slice(text: &str, span: Option<Span>) -> Option<&str> {
    span.map(|s| &text[s.start..s.end])
}

#[test]
fn timestamps() {
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
    for (line, len, want) in [
        ("Sat Dec 27 13:46:17 UTC 2025: ## Title", 28, date(2025, 12, 27)),
        ("Thu Oct  9 11:20:05 UTC 2025", 28, date(2025, 10, 9)),
        ("2025-09-19T18:40:00+02:00", 25, date(2025, 9, 19)),
        ("2025-05-06T04:30:00Z", 20, date(2025, 5, 6)),
        ("2025-12-27", 10, date(2025, 12, 27)),
        ("Tue, 04 Nov 2025 07:20:00 +0000", 31, date(2025, 11, 4)),
        ("04 Nov 2025 07:20:00 GMT", 24, date(2025, 11, 4)),
    ] {
        assert_eq!(timestamp(line), want.map(|d| (len, d)), "{line}");
    }
    for line in
        ["2025-13-01", "20251227", "Sat Dec 99 13:46:17 UTC 2025", "Police said", "2025-12-27x"]
    {
        assert_eq!(timestamp(line), None, "{line}");
    }
}

#[test]
fn title_lines() {
    // (text, title, published)
    for (text, title, published) in [
        ("Sat Dec 27 13:46:17 UTC 2025: ## A Title Here\n\nBody.", Some("A Title Here"), true),
        (
            "2025-10-20\nThousands march in Lagos\n\nLAGOS — Body.",
            Some("Thousands march in Lagos"),
            true,
        ),
        ("## Markdown title\n\nBody text.", Some("Markdown title"), false),
        ("Plain title\n\nBody text.", Some("Plain title"), false),
        ("A first line that ends with a period.\n\nBody.", None, false),
        ("Title without blank line\nBody text.", None, false),
        ("KIRKUK, Iraq\n\nA bomb exploded.", None, false),
    ] {
        let f = found(text, true);
        assert_eq!(slice(text, f.layout.title), title, "{text:?}");
        assert_eq!(f.published.is_some(), published, "{text:?}");
    }
    // JSON articles carry their title as a field: no title line is looked for.
    assert_eq!(found("Plain title\n\nBody text.", false).layout.title, None);
}

#[test]
fn datelines() {
    for (text, span, place) in [
        ("PALMYRA, Syria (Reuters) - Gunmen", "PALMYRA, Syria (Reuters) -", "PALMYRA, Syria"),
        ("Palmyra, Syria – Gunmen", "Palmyra, Syria –", "Palmyra, Syria"),
        ("DAMASCUS — The", "DAMASCUS —", "DAMASCUS"),
        ("SALVADOR, Feb 26 - Showers", "SALVADOR, Feb 26 -", "SALVADOR"),
        ("FARMINGTON, Conn., FEb 26 - Qtly", "FARMINGTON, Conn., FEb 26 -", "FARMINGTON, Conn."),
        ("NAIROBI, Kenya (AP) _ Police", "NAIROBI, Kenya (AP) _", "NAIROBI, Kenya"),
        ("RIO DE JANEIRO -- Rain", "RIO DE JANEIRO --", "RIO DE JANEIRO"),
        ("Rio de Janeiro, Brazil — Rain", "Rio de Janeiro, Brazil —", "Rio de Janeiro, Brazil"),
        ("CULIACÁN, Mexico — Men", "CULIACÁN, Mexico —", "CULIACÁN, Mexico"),
        ("KIRKUK, Iraq\n\nA bomb", "KIRKUK, Iraq", "KIRKUK, Iraq"),
    ] {
        let d =
            found(text, false).layout.dateline.unwrap_or_else(|| panic!("no dateline in {text:?}"));
        assert_eq!(&text[d.span.start..d.span.end], span);
        assert_eq!(&text[d.place.start..d.place.end], place);
    }
    for text in [
        "Police said – nothing.",
        "The attack – the third – killed two.",
        "Officials met on Monday.",
        "US-backed forces - ",
        "Kirkuk\n\nA bomb.",
    ] {
        assert_eq!(found(text, false).layout.dateline, None, "{text:?}");
    }
}

#[test]
fn boilerplate() {
    for (text, body, trailers) in [
        ("Body text.\n\nRead More", "Body text.", vec!["Read More"]),
        ("Body.\n\nReporting by A; Editing by B", "Body.", vec!["Reporting by A; Editing by B"]),
        ("Body.\n\n(Reporting by A)\n Reuter", "Body.", vec!["(Reporting by A)", "Reuter"]),
        ("Body said.\n REUTER\n", "Body said.", vec!["REUTER"]),
        ("It rose 5 pct.  Reuter", "It rose 5 pct.", vec!["Reuter"]),
        ("He spoke to Reuters", "He spoke to Reuters", vec![]),
        ("Read More", "", vec!["Read More"]),
    ] {
        let f = found(text, false);
        let b = f.layout.body;
        assert_eq!(&text[b.start..b.end], body, "{text:?}");
        let got: Vec<&str> = f.layout.boilerplate.iter().map(|s| &text[s.start..s.end]).collect();
        assert_eq!(got, trailers, "{text:?}");
    }
}

#[test]
fn odd_input_does_not_panic() {
    for text in [
        "",
        "\n",
        "## ",
        "2025-12-27",
        "2025-12-27\n",
        "Sat Dec 27 13:46:17 UTC 2025:",
        "é—",
        "A, B (",
        "Read More\n",
    ] {
        let f = found(text, true);
        assert!(f.layout.body.start <= f.layout.body.end && f.layout.body.end <= text.len());
        let _ = found(text, false);
    }
}
