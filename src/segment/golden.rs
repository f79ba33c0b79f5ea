//! The English "Golden Rules" for sentence boundary disambiguation (Pragmatic Segmenter,
//! pySBD), written from the public list: one short text per rule with its expected sentences.
use super::tests::sentences;

/// (rule, text, expected sentences).
const GOLDEN: [(&str, &str, &[&str]); 48] = [
    ("simple period", "Hello World. My name is Jonas.", &["Hello World.", "My name is Jonas."]),
    ("question mark", "What is your name? My name is Jonas.", &["What is your name?", "My name is Jonas."]),
    ("exclamation point", "There it is! I found it.", &["There it is!", "I found it."]),
    ("one-letter upper-case abbreviation", "My name is Jonas E. Smith.", &["My name is Jonas E. Smith."]),
    ("one-letter lower-case abbreviation", "Please turn to p. 55.", &["Please turn to p. 55."]),
    ("two-letter lower-case abbreviation mid-sentence", "Were Jane and co. at the party?", &["Were Jane and co. at the party?"]),
    ("two-letter upper-case abbreviation mid-sentence", "They closed the deal with Pitt, Briggs & Co. at noon.", &["They closed the deal with Pitt, Briggs & Co. at noon."]),
    ("two-letter lower-case abbreviation at end", "Let's ask Jane and co. They should know.", &["Let's ask Jane and co.", "They should know."]),
    ("two-letter upper-case abbreviation at end", "They closed the deal with Pitt, Briggs & Co. It closed yesterday.", &["They closed the deal with Pitt, Briggs & Co.", "It closed yesterday."]),
    ("prepositive abbreviation", "I can see Mt. Fuji from here.", &["I can see Mt. Fuji from here."]),
    ("prepositive and postpositive abbreviation", "St. Michael's Church is on 5th st. near the light.", &["St. Michael's Church is on 5th st. near the light."]),
    ("possessive abbreviation", "That is JFK Jr.'s book.", &["That is JFK Jr.'s book."]),
    ("multi-period abbreviation mid-sentence", "I visited the U.S.A. last year.", &["I visited the U.S.A. last year."]),
    ("multi-period abbreviation at end", "I live in the E.U. How about you?", &["I live in the E.U.", "How about you?"]),
    ("U.S. as boundary", "I live in the U.S. How about you?", &["I live in the U.S.", "How about you?"]),
    ("U.S. before a capitalised word", "I work for the U.S. Government in Virginia.", &["I work for the U.S. Government in Virginia."]),
    ("U.S. mid-sentence", "I have lived in the U.S. for 20 years.", &["I have lived in the U.S. for 20 years."]),
    ("a.m./p.m.", "At 5 a.m. Mr. Smith went to the bank. He left the bank at 6 P.M. Mr. Smith then went to the store.", &["At 5 a.m. Mr. Smith went to the bank.", "He left the bank at 6 P.M.", "Mr. Smith then went to the store."]),
    ("number mid-sentence", "She has $100.00 in her bag.", &["She has $100.00 in her bag."]),
    ("number at end", "She has $100.00. It is in her bag.", &["She has $100.00.", "It is in her bag."]),
    ("parenthetical sentence", "He teaches science (He previously worked for 5 years as an engineer.) at the local University.", &["He teaches science (He previously worked for 5 years as an engineer.) at the local University."]),
    ("e-mail address", "Her email is Jane.Doe@example.com. I sent her an email.", &["Her email is Jane.Doe@example.com.", "I sent her an email."]),
    ("web address", "The site is: https://www.example.50.com/new-site/awesome_content.html. Please check it out.", &["The site is: https://www.example.50.com/new-site/awesome_content.html.", "Please check it out."]),
    ("single quotation inside", "She turned to him, 'This is great.' she said.", &["She turned to him, 'This is great.' she said."]),
    ("double quotation inside", "She turned to him, \"This is great.\" she said.", &["She turned to him, \"This is great.\" she said."]),
    ("double quotation at end", "She turned to him, \"This is great.\" She held the book out to show him.", &["She turned to him, \"This is great.\"", "She held the book out to show him."]),
    ("double exclamation", "Hello!! Long time no see.", &["Hello!!", "Long time no see."]),
    ("double question", "Hello?? Who is there?", &["Hello??", "Who is there?"]),
    ("exclamation and question", "Hello!? Is that you?", &["Hello!?", "Is that you?"]),
    ("question and exclamation", "Hello?! Is that you?", &["Hello?!", "Is that you?"]),
    ("list 1.) without periods", "1.) The first item 2.) The second item", &["1.) The first item", "2.) The second item"]),
    ("list 1.) with periods", "1.) The first item. 2.) The second item.", &["1.) The first item.", "2.) The second item."]),
    ("list 1) without periods", "1) The first item 2) The second item", &["1) The first item", "2) The second item"]),
    ("list 1) with periods", "1) The first item. 2) The second item.", &["1) The first item.", "2) The second item."]),
    ("list 1. without periods", "1. The first item 2. The second item", &["1. The first item", "2. The second item"]),
    ("list 1. with periods", "1. The first item. 2. The second item.", &["1. The first item.", "2. The second item."]),
    ("list with bullets", "• 9. The first item • 10. The second item", &["• 9. The first item", "• 10. The second item"]),
    ("list with hyphen bullets", "⁃9. The first item ⁃10. The second item", &["⁃9. The first item", "⁃10. The second item"]),
    ("alphabetical list", "a. The first item b. The second item c. The third list item", &["a. The first item", "b. The second item", "c. The third list item"]),
    ("geo coordinates", "You can find it at N°. 1026.253.553. That is where the treasure is.", &["You can find it at N°. 1026.253.553.", "That is where the treasure is."]),
    ("name with exclamation point", "She works at Yahoo! in the accounting department.", &["She works at Yahoo! in the accounting department."]),
    ("I as boundary and initial", "We make a good team, you and I. Did you see Albert I. Jones yesterday?", &["We make a good team, you and I.", "Did you see Albert I. Jones yesterday?"]),
    ("ellipsis at end of quotation", "Thoreau argues that by simplifying one’s life, “the laws of the universe will appear less complex. . . .”", &["Thoreau argues that by simplifying one’s life, “the laws of the universe will appear less complex. . . .”"]),
    ("ellipsis in square brackets", "\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55).", &["\"Bohr [...] used the analogy of parallel stairways [...]\" (Smith 55)."]),
    ("standard ellipsis at end", "If words are left off at the end of a sentence, and that is all that is omitted, indicate the omission with ellipsis marks (preceded and followed by a space) and then indicate the end of the sentence with a period . . . . Next sentence.", &["If words are left off at the end of a sentence, and that is all that is omitted, indicate the omission with ellipsis marks (preceded and followed by a space) and then indicate the end of the sentence with a period . . . .", "Next sentence."]),
    ("non-standard ellipsis at end", "I never meant that.... She left the store.", &["I never meant that....", "She left the store."]),
    ("ellipsis inside", "I wasn’t really ... well, what I mean...see . . . what I'm saying, the thing is . . . I didn’t mean it.", &["I wasn’t really ... well, what I mean...see . . . what I'm saying, the thing is . . . I didn’t mean it."]),
    ("4-dot ellipsis", "One further habit which was somewhat weakened . . . was that of combining words into self-standing compound words. . . . Other languages have this capability.", &["One further habit which was somewhat weakened . . . was that of combining words into self-standing compound words. . . .", "Other languages have this capability."]),
];

#[test]
fn golden_rules() {
    let mut failed = Vec::new();
    for (rule, text, want) in GOLDEN {
        let got = sentences(text, false);
        if got != want {
            failed.push(format!("{rule}: got {got:?}"));
        }
    }
    let passed = GOLDEN.len() - failed.len();
    assert!(passed >= 47, "{passed}/48 golden rules; failed:\n{}", failed.join("\n"));
}

#[test]
fn golden_rules_with_newlines() {
    // Errant newlines inside a sentence do not end it (the span keeps them).
    assert_eq!(
        sentences("This is a sentence\ncut off in the middle because pdf.", false),
        ["This is a sentence\ncut off in the middle because pdf."]
    );
    assert_eq!(
        sentences("It was a cold \nnight in the city.", false),
        ["It was a cold \nnight in the city."]
    );
}
