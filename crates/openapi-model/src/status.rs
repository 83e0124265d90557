//! Response status keys (`200`, `4XX`, `default`), parsed once.

use std::fmt;

/// A key of a Responses Object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StatusKey {
    /// One status code.
    Code(u16),
    /// A range, by its first digit (`4XX` → 4).
    Range(u8),
    /// `default`: any status not otherwise documented.
    Default,
}

impl StatusKey {
    /// `None` for a key OpenAPI does not allow (lint reports it).
    pub fn parse(key: &str) -> Option<StatusKey> {
        if key.eq_ignore_ascii_case("default") {
            return Some(StatusKey::Default);
        }
        let upper = key.to_ascii_uppercase();
        if let Some(class) = upper.strip_suffix("XX") {
            return match class.parse::<u8>() {
                Ok(c @ 1..=5) if class.len() == 1 => Some(StatusKey::Range(c)),
                _ => None,
            };
        }
        match key.parse::<u16>() {
            Ok(code @ 100..=599) if key.len() == 3 => Some(StatusKey::Code(code)),
            _ => None,
        }
    }

    /// The exact code, when the key is one.
    pub fn code(self) -> Option<u16> {
        match self {
            StatusKey::Code(c) => Some(c),
            _ => None,
        }
    }

    /// How closely the key covers `status`: 2 exact, 1 range, 0 default.
    pub fn covers(self, status: u16) -> Option<u8> {
        match self {
            StatusKey::Code(c) => (c == status).then_some(2),
            StatusKey::Range(c) => (u16::from(c) == status / 100).then_some(1),
            StatusKey::Default => Some(0),
        }
    }
}

impl fmt::Display for StatusKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StatusKey::Code(c) => write!(f, "{c}"),
            StatusKey::Range(c) => write!(f, "{c}XX"),
            StatusKey::Default => f.write_str("DEFAULT"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::StatusKey::{self, *};

    #[test]
    fn keys_parse_and_print() {
        for (key, want) in [
            ("200", Some(Code(200))),
            ("4XX", Some(Range(4))),
            ("4xx", Some(Range(4))),
            ("default", Some(Default)),
            ("DEFAULT", Some(Default)),
            ("600", None),
            ("20", None),
            ("0200", None),
            ("6XX", None),
            ("44XX", None),
            ("ok", None),
        ] {
            assert_eq!(StatusKey::parse(key), want, "{key}");
        }
        assert_eq!(Range(4).to_string(), "4XX");
        assert_eq!(Code(404).to_string(), "404");
    }

    #[test]
    fn coverage_prefers_the_exact_code() {
        assert_eq!(Code(404).covers(404), Some(2));
        assert_eq!(Code(404).covers(405), None);
        assert_eq!(Range(4).covers(404), Some(1));
        assert_eq!(Range(4).covers(500), None);
        assert_eq!(Default.covers(500), Some(0));
        assert_eq!(Code(404).code(), Some(404));
        assert_eq!(Range(4).code(), None);
    }
}
