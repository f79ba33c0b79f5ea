//! Table tests of quote spans, speakers, speaker spans and verbs per layout.
use super::*;
