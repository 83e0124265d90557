//! Emitting code: the chosen [`Item`]s written as Rust tokens (derives,
//! serde attributes, doc comments, the `date-time` helper module).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use super::shape::inner_ty;
use super::{Field, Generator, Item, Ty, UnionForm};
use crate::naming::{field_name, ident};

impl Generator<'_> {
    /// One token stream per item, in name order.
    pub(super) fn emit(&self) -> Vec<TokenStream> {
        let mut out: Vec<TokenStream> = self.items.values().map(|i| self.emit_item(i)).collect();
        if self
            .items
            .values()
            .any(|i| matches!(i, Item::Struct { fields, .. } if fields.iter().any(requires_key)))
        {
            out.push(require_keys_fn());
        }
        if let Some(digits) = self.fraction_digits
            && self.items.values().any(has_direct_date_time)
        {
            out.push(date_time_module(digits));
        }
        out
    }

    pub(super) fn emit_item(&self, item: &Item) -> TokenStream {
        match item {
            Item::Struct { name, doc, fields } => self.emit_struct(name, doc.as_deref(), fields),
            Item::StringEnum { name, doc, values } => {
                let n = ident(name);
                let d = doc_attr(doc.as_deref());
                let vs = values.iter().map(|(v, json)| {
                    let v = ident(v);
                    quote! { #[serde(rename = #json)] #v, }
                });
                quote! {
                    #d
                    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
                    #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
                    #[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
                    pub enum #n { #(#vs)* }
                }
            }
            Item::Tagged {
                name,
                doc,
                tag,
                content,
                variants,
            } => {
                let serde_attr = match content {
                    Some(c) => quote!(#[serde(tag = #tag, content = #c)]),
                    None => quote!(#[serde(tag = #tag)]),
                };
                let vs = variants.iter().map(|(v, json, ty)| {
                    let v = ident(v);
                    let t = ty.tokens();
                    quote! { #[serde(rename = #json)] #v(#t), }
                });
                model_enum(name, doc.as_deref(), serde_attr, vs.collect())
            }
            Item::Untagged {
                name,
                doc,
                variants,
            } => {
                let vs = variants.iter().map(|(v, ty)| {
                    let v = ident(v);
                    let t = ty.tokens();
                    quote! { #v(#t), }
                });
                model_enum(
                    name,
                    doc.as_deref(),
                    quote!(#[serde(untagged)]),
                    vs.collect(),
                )
            }
            Item::Alias { name, doc, ty } => {
                let n = ident(name);
                let d = doc_attr(doc.as_deref());
                let t = ty.tokens();
                quote! { #d pub type #n = #t; }
            }
        }
    }

    /// A struct, with a schemars transform listing the required keys whose
    /// value may be null.
    pub(super) fn emit_struct(
        &self,
        name: &str,
        doc: Option<&str>,
        fields: &[Field],
    ) -> TokenStream {
        let form = self.forms.get(name);
        let derives = match form {
            Some(_) => derives_without_utoipa(),
            None => model_derives(),
        };
        let utoipa_impls = form.map(|f| utoipa_union(name, f));
        let n = ident(name);
        let d = doc_attr(doc);
        let fs = fields.iter().map(|f| self.emit_field(f, form.is_none()));
        let keys: Vec<&str> = fields
            .iter()
            .filter(|f| requires_key(f))
            .map(|f| f.json.as_str())
            .collect();
        let helper = format_ident!("{}_required_keys", field_name(name));
        let (transform, helper_fn) = if keys.is_empty() {
            (None, None)
        } else {
            (
                Some(quote!(#[cfg_attr(feature = "schemars", schemars(transform = #helper))])),
                Some(quote! {
                    #[cfg(feature = "schemars")]
                    fn #helper(schema: &mut schemars::Schema) {
                        require_keys(schema, &[#(#keys),*]);
                    }
                }),
            )
        };
        quote! {
            #d
            #derives
            #transform
            pub struct #n { #(#fs)* }
            #helper_fn
            #utoipa_impls
        }
    }

    /// A field; `utoipa` says whether the struct derives utoipa's schema
    /// (else its field attributes would name an unknown attribute).
    pub(super) fn emit_field(&self, f: &Field, utoipa: bool) -> TokenStream {
        let name = ident(&f.rust);
        let ty = f.ty.tokens();
        let doc = doc_attr(f.doc.as_deref());
        if f.flatten {
            return quote! { #doc #[serde(flatten)] pub #name: #ty, };
        }
        let mut args = FieldArgs::default();
        if f.rust != f.json {
            let j = &f.json;
            args.serde.push(quote!(rename = #j));
        }
        let optional = matches!(f.ty, Ty::Option(_));
        if !f.required {
            args.serde
                .push(quote!(default, skip_serializing_if = "Option::is_none"));
        }
        if f.required && optional {
            // (schemars' own `required` would drop the null; see `require_keys`.)
            args.utoipa.push(quote!(required = true));
        }
        let is_dt =
            matches!(&f.ty, Ty::DateTime) || matches!(&f.ty, Ty::Option(t) if **t == Ty::DateTime);
        if is_dt && self.fraction_digits.is_some() {
            args.date_time(optional);
        }
        if matches!(inner_ty(&f.ty), Ty::Named(_)) {
            // An alias of a chrono type: utoipa only knows chrono by the
            // type's own name, so say what the value is.
            args.alias_of_time(f.format.as_deref(), optional);
        }
        args.format(f.format.as_deref());
        if matches!(inner_ty(&f.ty), Ty::Prim("i32" | "i64" | "f32" | "f64")) {
            args.bounds(&f.minimum, &f.maximum);
        }
        if !utoipa {
            args.utoipa.clear();
        }
        let (serde_attr, schemars_attr, utoipa_attr) = args.attributes();
        quote! { #doc #serde_attr #schemars_attr #utoipa_attr pub #name: #ty, }
    }
}

/// The derives every generated model carries.
pub(super) fn model_derives() -> TokenStream {
    let derives = derives_without_utoipa();
    quote! {
        #derives
        #[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
    }
}

/// The derives of a model whose utoipa schema is written by hand.
fn derives_without_utoipa() -> TokenStream {
    quote! {
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "schemars", derive(schemars::JsonSchema))]
    }
}

/// utoipa's schema of a union held as a struct: the document's `oneOf` (or
/// `anyOf`) of the branch components with its discriminator, and the
/// branch components registered beside it.
fn utoipa_union(name: &str, form: &UnionForm) -> TokenStream {
    let n = ident(name);
    let builder = if form.any_of {
        quote!(AnyOfBuilder)
    } else {
        quote!(OneOfBuilder)
    };
    let names = &form.branches;
    let types: Vec<_> = names.iter().map(|b| ident(b)).collect();
    let property = &form.property;
    let discriminator = if form.mapping.is_empty() {
        quote!(utoipa::openapi::schema::Discriminator::new(#property))
    } else {
        let pairs = form.mapping.iter().map(|(tag, branch)| {
            let target = openapi_jsonschema::component_ref(branch);
            quote!((#tag, #target))
        });
        quote!(utoipa::openapi::schema::Discriminator::with_mapping(#property, [#(#pairs),*]))
    };
    let description = form
        .doc
        .as_deref()
        .map(|d| d.trim_end())
        .map(|d| quote!(.description(Some(#d))));
    quote! {
        #[cfg(feature = "utoipa")]
        impl utoipa::PartialSchema for #n {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::#builder::new()
                    #(.item(utoipa::openapi::Ref::from_schema_name(#names)))*
                    .discriminator(Some(#discriminator))
                    #description
                    .into()
            }
        }
        #[cfg(feature = "utoipa")]
        impl utoipa::ToSchema for #n {
            fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
                #(
                    schemas.push((#names.into(), <#types as utoipa::PartialSchema>::schema()));
                    <#types as utoipa::ToSchema>::schemas(schemas);
                )*
            }
        }
    }
}

/// A model enum: its doc, derives, serde representation and variants.
pub(super) fn model_enum(
    name: &str,
    doc: Option<&str>,
    serde_attr: TokenStream,
    variants: Vec<TokenStream>,
) -> TokenStream {
    let n = ident(name);
    let d = doc_attr(doc);
    let derives = model_derives();
    quote! {
        #d
        #derives
        #serde_attr
        pub enum #n { #(#variants)* }
    }
}

/// A field's serde, schemars and utoipa attribute arguments.
#[derive(Default)]
pub(super) struct FieldArgs {
    pub(super) serde: Vec<TokenStream>,
    pub(super) schemars: Vec<TokenStream>,
    pub(super) utoipa: Vec<TokenStream>,
}

impl FieldArgs {
    /// Date-times go through the document's fixed-digits format.
    pub(super) fn date_time(&mut self, optional: bool) {
        let (with, schema_ty, value_ty) = if optional {
            (
                "date_time_format::option",
                "Option<chrono::DateTime<chrono::Utc>>",
                quote!(Option<String>),
            )
        } else {
            (
                "date_time_format",
                "chrono::DateTime<chrono::Utc>",
                quote!(String),
            )
        };
        self.serde.push(quote!(with = #with));
        self.schemars.push(quote!(with = #schema_ty));
        self.utoipa
            .push(quote!(value_type = #value_ty, format = DateTime));
    }

    /// A field typed by an alias of `DateTime` or `NaiveDate`.
    pub(super) fn alias_of_time(&mut self, format: Option<&str>, optional: bool) {
        let format = match format {
            Some("date-time") => quote!(DateTime),
            Some("date") => quote!(Date),
            _ => return,
        };
        let value_ty = if optional {
            quote!(Option<String>)
        } else {
            quote!(String)
        };
        self.utoipa
            .push(quote!(value_type = #value_ty, format = #format));
    }

    pub(super) fn format(&mut self, format: Option<&str>) {
        match format {
            Some("email") => {
                self.schemars.push(quote!(email));
                self.utoipa.push(quote!(format = Email));
            }
            Some("uri") => {
                self.schemars.push(quote!(url));
                self.utoipa.push(quote!(format = "uri"));
            }
            _ => {}
        }
    }

    /// Integer bounds of a numeric field.
    pub(super) fn bounds(&mut self, minimum: &Option<Value>, maximum: &Option<Value>) {
        let lit = |v: &Option<Value>| {
            v.as_ref()
                .and_then(Value::as_i64)
                .map(proc_macro2::Literal::i64_unsuffixed)
        };
        match (lit(minimum), lit(maximum)) {
            (Some(lo), Some(hi)) => {
                self.schemars.push(quote!(range(min = #lo, max = #hi)));
                self.utoipa.push(quote!(minimum = #lo, maximum = #hi));
            }
            (Some(lo), None) => {
                self.schemars.push(quote!(range(min = #lo)));
                self.utoipa.push(quote!(minimum = #lo));
            }
            (None, Some(hi)) => {
                self.schemars.push(quote!(range(max = #hi)));
                self.utoipa.push(quote!(maximum = #hi));
            }
            (None, None) => {}
        }
    }

    pub(super) fn attributes(
        &self,
    ) -> (
        Option<TokenStream>,
        Option<TokenStream>,
        Option<TokenStream>,
    ) {
        let (serde, schemars, utoipa) = (&self.serde, &self.schemars, &self.utoipa);
        (
            (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)])),
            (!schemars.is_empty())
                .then(|| quote!(#[cfg_attr(feature = "schemars", schemars(#(#schemars),*))])),
            (!utoipa.is_empty())
                .then(|| quote!(#[cfg_attr(feature = "utoipa", schema(#(#utoipa),*))])),
        )
    }
}

/// A required key whose value may be null.
pub(super) fn requires_key(f: &Field) -> bool {
    !f.flatten && f.required && matches!(f.ty, Ty::Option(_))
}

pub(super) fn require_keys_fn() -> TokenStream {
    quote! {
        /// schemars leaves `Option` fields out of `required`, but the document
        /// requires these keys even when their value is null.
        #[cfg(feature = "schemars")]
        fn require_keys(schema: &mut schemars::Schema, keys: &[&str]) {
            let Some(object) = schema.as_object_mut() else { return };
            let required = object
                .entry("required")
                .or_insert_with(|| serde_json::Value::Array(Vec::new()));
            if let Some(list) = required.as_array_mut() {
                for key in keys {
                    if !list.iter().any(|k| k == key) {
                        list.push(serde_json::Value::from(*key));
                    }
                }
            }
        }
    }
}

pub(super) fn has_direct_date_time(item: &Item) -> bool {
    match item {
        Item::Struct { fields, .. } => fields
            .iter()
            .any(|f| !f.flatten && matches!(inner_ty(&f.ty), Ty::DateTime)),
        _ => false,
    }
}

/// Serde for `date-time` fields with a fixed number of fraction digits, as
/// the document's `x-date-time-format` asks (chrono alone drops `.000`).
pub(super) fn date_time_module(digits: u64) -> TokenStream {
    let format = match digits {
        0 => quote!(chrono::SecondsFormat::Secs),
        1..=3 => quote!(chrono::SecondsFormat::Millis),
        4..=6 => quote!(chrono::SecondsFormat::Micros),
        _ => quote!(chrono::SecondsFormat::Nanos),
    };
    let doc = format!(
        " RFC 3339 in UTC with {digits} fraction digits, as the document's `x-date-time-format` says."
    );
    quote! {
        #[doc = #doc]
        // Which of the two halves a document uses depends on its fields.
        #[allow(dead_code)]
        mod date_time_format {
            use chrono::{DateTime, Utc};
            use serde::{Deserialize, Deserializer, Serializer};

            pub fn serialize<S: Serializer>(value: &DateTime<Utc>, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&value.to_rfc3339_opts(#format, true))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
                DateTime::<Utc>::deserialize(deserializer)
            }

            pub mod option {
                use chrono::{DateTime, Utc};
                use serde::{Deserialize, Deserializer, Serializer};

                pub fn serialize<S: Serializer>(value: &Option<DateTime<Utc>>, serializer: S) -> Result<S::Ok, S::Error> {
                    match value {
                        Some(v) => super::serialize(v, serializer),
                        None => serializer.serialize_none(),
                    }
                }

                pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
                    Option::<DateTime<Utc>>::deserialize(deserializer)
                }
            }
        }
    }
}

pub(super) fn doc_attr(doc: Option<&str>) -> TokenStream {
    let Some(doc) = doc else {
        return TokenStream::new();
    };
    let lines = doc.trim_end().lines().map(|l| {
        let l = if l.is_empty() {
            String::new()
        } else {
            format!(" {l}")
        };
        quote!(#[doc = #l])
    });
    quote!(#(#lines)*)
}
