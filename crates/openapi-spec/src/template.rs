//! Templates with `{name}` expressions, as paths and server URLs write
//! them: the one reader of their braces for the lint, the gate and the
//! webhook checks.

/// The names between braces, in order, or `None` when the braces do not
/// pair up (`{a{b}`, `a}`).
pub fn names(text: &str) -> Option<Vec<&str>> {
    let mut names = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        match (c, open) {
            ('{', None) => open = Some(i + 1),
            ('{', Some(_)) | ('}', None) => return None,
            ('}', Some(start)) => {
                names.push(&text[start..i]);
                open = None;
            }
            _ => {}
        }
    }
    open.is_none().then_some(names)
}

/// The template with its names blanked: `/users/{id}/x` → `/users/{}/x`.
/// Two paths with the same shape are the same path.
pub fn shape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '{' => {
                inside = true;
                out.push_str("{}");
            }
            '}' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_order_and_unbalanced_braces() {
        assert_eq!(
            names("https://{host}:{port}/v1"),
            Some(vec!["host", "port"])
        );
        assert_eq!(names("/plain"), Some(vec![]));
        assert_eq!(names("https://{host/v1"), None);
        assert_eq!(names("https://host}/v1"), None);
        assert_eq!(names("https://{a{b}}/"), None);
    }

    #[test]
    fn shapes_blank_the_names() {
        assert_eq!(shape("/a/{x}/b/{y}"), "/a/{}/b/{}");
        assert_eq!(shape("/a/b"), "/a/b");
        assert_eq!(shape("/a/{x}"), shape("/a/{other}"));
    }
}
