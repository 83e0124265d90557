//! Prose in two targets. The view is written once, in Markdown (what OpenAPI
//! descriptions already are), and turned into HTML only for the HTML page,
//! so both outputs say the same words.

use pulldown_cmark::{Event, Options, Parser, html};

/// Which output a piece of prose is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Html,
    Markdown,
}

impl Target {
    /// A block of Markdown (paragraphs, lists) for this target.
    pub fn block(self, md: &str) -> String {
        match self {
            Target::Html => to_html(md),
            Target::Markdown => md.trim_end().to_string(),
        }
    }

    /// A Markdown phrase for a table cell or a heading: one line, and in
    /// HTML without the paragraph around it.
    pub fn inline(self, md: &str) -> String {
        let line = one_line(md);
        match self {
            Target::Html => {
                let html = to_html(&line);
                let html = html.trim_end();
                html.strip_prefix("<p>")
                    .and_then(|h| h.strip_suffix("</p>"))
                    .unwrap_or(html)
                    .to_string()
            }
            // A `|` would end the table cell, even inside a code span.
            Target::Markdown => line.replace('|', "\\|"),
        }
    }
}

/// Raw HTML in a description is shown as text: the page must not run
/// scripts or fetch anything a document author slipped in.
fn to_html(md: &str) -> String {
    let events = Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(
        |e| match e {
            Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
            other => other,
        },
    );
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Joins the lines of a paragraph into one.
fn one_line(md: &str) -> String {
    md.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence or line of a description, for summaries.
pub fn first_sentence(md: &str) -> String {
    let line = one_line(md);
    match line.find(". ") {
        Some(i) => line[..=i].to_string(),
        None => line,
    }
}

/// A stable anchor fragment: the generator's words (`listUsers` → `list`,
/// `users`), lowercased and joined by `-`.
pub fn slug(raw: &str) -> String {
    let words = openapi_codegen::naming::words(raw);
    if words.is_empty() {
        return "x".into();
    }
    words
        .iter()
        .map(|w| w.to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(slug("listUsers"), "list-users");
        assert_eq!(slug("MessageCreatedEvent"), "message-created-event");
        assert_eq!(slug("x-hub-signature"), "x-hub-signature");
        assert_eq!(slug("/users/{user_id}"), "users-user-id");
        assert_eq!(slug("!!"), "x");
    }

    #[test]
    fn inline_prose() {
        assert_eq!(
            Target::Html.inline("a `b` and\n[c](#d)"),
            "a <code>b</code> and <a href=\"#d\">c</a>"
        );
        assert_eq!(Target::Markdown.inline("a | b\nc"), "a \\| b c");
        assert_eq!(Target::Html.inline("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn sentences() {
        assert_eq!(first_sentence("One. Two."), "One.");
        assert_eq!(first_sentence("No stop"), "No stop");
    }
}
