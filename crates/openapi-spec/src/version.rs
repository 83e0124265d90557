//! The OpenAPI versions the toolkit reads, told apart by the `openapi`
//! field. What differs between them that every tool must know (where
//! webhooks live, which methods a Path Item holds, which schemas are
//! JSON Schema already) is answered here, once.

/// An OpenAPI version line the toolkit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Version {
    /// 3.0.x: Schema Objects are OpenAPI's own dialect (`nullable`,
    /// boolean exclusive bounds); webhooks only as the `x-webhooks`
    /// extension.
    V3_0,
    /// 3.1.x: Schema Objects are JSON Schema 2020-12 (the OpenAPI base
    /// dialect); top-level `webhooks`.
    V3_1,
    /// 3.2.x: 3.1 plus the `query` method, `additionalOperations`,
    /// `$self`, tag `parent`/`kind` and `in: querystring`.
    V3_2,
}

impl Version {
    /// The version line of an `openapi` field's text (`3.1.0` → 3.1), if
    /// it is one the toolkit reads. The patch part only has to be there:
    /// a malformed one (`3.0.x`) is the lint's finding (`oas-schema`,
    /// from the published schema's pattern), not a reason to refuse.
    pub fn of(text: &str) -> Option<Version> {
        let mut parts = text.splitn(3, '.');
        let (major, minor) = (parts.next()?, parts.next()?);
        if parts.next().is_none_or(str::is_empty) {
            return None;
        }
        match (major, minor) {
            ("3", "0") => Some(Version::V3_0),
            ("3", "1") => Some(Version::V3_1),
            ("3", "2") => Some(Version::V3_2),
            _ => None,
        }
    }

    /// `3.0`, `3.1` or `3.2`, for messages.
    pub fn line(self) -> &'static str {
        match self {
            Version::V3_0 => "3.0",
            Version::V3_1 => "3.1",
            Version::V3_2 => "3.2",
        }
    }

    /// Whether Schema Objects are JSON Schema 2020-12 (3.1 and later).
    pub fn json_schema(self) -> bool {
        self >= Version::V3_1
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "OpenAPI {}", self.line())
    }
}

#[cfg(test)]
mod tests {
    use super::Version;

    #[test]
    fn the_version_line_comes_from_the_whole_field() {
        assert_eq!(Version::of("3.0.3"), Some(Version::V3_0));
        assert_eq!(Version::of("3.1.0"), Some(Version::V3_1));
        assert_eq!(Version::of("3.1.1-rc1"), Some(Version::V3_1));
        assert_eq!(Version::of("3.2.0"), Some(Version::V3_2));
        assert_eq!(Version::of("3.0.x"), Some(Version::V3_0));
        for other in ["3.1", "3.1.", "3", "2.0", "4.0.0", "3.3.0", "3.10.0", ""] {
            assert_eq!(Version::of(other), None, "{other}");
        }
    }
}
