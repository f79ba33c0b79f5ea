/*! The tagging stages: each finds one kind of mention (or quotes) and adds it to the document. */
pub mod casualties;
pub mod dates;
pub mod entities;
pub mod orgs;
pub mod persons;
pub mod places;
pub mod quotes;
