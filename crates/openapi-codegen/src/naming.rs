//! Names: schema and property names turned into Rust type, field and
//! variant names. The models, the client and the docs (which show the
//! generated names) read them from here.

use proc_macro2::{Ident, Span};
use quote::format_ident;

/// The Rust type of an OpenAPI scalar (`type` and `format`): the one
/// mapping the models and the docs' samples share. `None` for strings and
/// compound types, which the caller decides.
pub fn scalar_type(ty: &str, format: Option<&str>) -> Option<&'static str> {
    Some(match (ty, format) {
        ("integer", Some("int32")) => "i32",
        ("integer", _) => "i64",
        ("number", Some("float")) => "f32",
        ("number", _) => "f64",
        ("boolean", _) => "bool",
        _ => return None,
    })
}

/// `user_attributes`, `message.created`, `x-acme-signature` → `UserAttributes`, …
pub fn type_name(raw: &str) -> String {
    let mut out = String::new();
    for word in signed_words(raw) {
        let mut chars = word.chars();
        if let Some(c) = chars.next() {
            out.extend(c.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        out.push_str("Empty");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    out
}

/// `createdAt`, `Sender-Type`, `+1` → `created_at`, `sender_type`,
/// `plus_1`; keywords get a trailing `_`.
pub fn field_name(raw: &str) -> String {
    let mut out = signed_words(raw)
        .iter()
        .map(|w| w.to_lowercase())
        .collect::<Vec<_>>()
        .join("_");
    if out.is_empty() {
        out.push_str("field");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if syn::parse_str::<Ident>(&out).is_err() || out == "self" || out == "Self" {
        out.push('_');
    }
    out
}

/// [`words`], with a leading sign said as a word: `+1` and `-1` (GitHub's
/// reactions) must not both become `1`.
pub(crate) fn signed_words(raw: &str) -> Vec<String> {
    let sign = match raw.chars().next() {
        Some('+') => Some("plus"),
        Some('-') => Some("minus"),
        _ => None,
    };
    sign.map(String::from)
        .into_iter()
        .chain(words(raw))
        .collect()
}

/// Splits on non-alphanumerics and on lower→upper case changes; the
/// docs' anchors use the same words, so names and anchors agree.
pub fn words(raw: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in raw.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c);
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

pub(crate) fn ident(name: &str) -> Ident {
    syn::parse_str::<Ident>(name)
        .unwrap_or_else(|_| format_ident!("r#{}", name, span = Span::call_site()))
}
