//! The field tables of the specification's objects, as data: 3.0.3's, and
//! what 3.1 and 3.2 add to them. `structure` walks a document with them.

use crate::Version;

/// The OpenAPI objects whose fields are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Object {
    Root,
    Info,
    Contact,
    License,
    Server,
    ServerVariable,
    Components,
    Paths,
    PathItem,
    Operation,
    ExternalDocs,
    Parameter,
    RequestBody,
    MediaType,
    Encoding,
    Responses,
    Response,
    Callback,
    Example,
    Link,
    Header,
    Tag,
    Schema,
    Discriminator,
    Xml,
    SecurityScheme,
    OAuthFlows,
    OAuthFlow,
    SecurityRequirement,
}

/// What a field holds.
#[derive(Clone, Copy)]
pub(crate) enum Field {
    /// A value whose inside is not an OpenAPI object (strings, numbers,
    /// examples, enum lists, maps of strings).
    Data,
    /// One object.
    One(Object),
    /// A map of names to objects.
    Map(Object),
    /// A list of objects.
    List(Object),
    /// A schema or a boolean (`additionalProperties`).
    SchemaOrBool,
}

use Field::{Data, List, Map as M, One, SchemaOrBool};

const PARAMETER_FIELDS: &[(&str, Field)] = &[
    ("name", Data),
    ("in", Data),
    ("description", Data),
    ("required", Data),
    ("deprecated", Data),
    ("allowEmptyValue", Data),
    ("style", Data),
    ("explode", Data),
    ("allowReserved", Data),
    ("schema", One(Object::Schema)),
    ("example", Data),
    ("examples", M(Object::Example)),
    ("content", M(Object::MediaType)),
];

/// The fixed fields of each object (the specification's field tables), as
/// data: an object made only of patterned fields (Paths, Responses,
/// Callback, Security Requirement) is not listed.
const FIXED_FIELDS: &[(Object, &[(&str, Field)])] = &[
    (
        Object::Root,
        &[
            ("openapi", Data),
            ("info", One(Object::Info)),
            ("servers", List(Object::Server)),
            ("paths", One(Object::Paths)),
            ("components", One(Object::Components)),
            ("security", List(Object::SecurityRequirement)),
            ("tags", List(Object::Tag)),
            ("externalDocs", One(Object::ExternalDocs)),
        ],
    ),
    (
        Object::Info,
        &[
            ("title", Data),
            ("description", Data),
            ("termsOfService", Data),
            ("contact", One(Object::Contact)),
            ("license", One(Object::License)),
            ("version", Data),
        ],
    ),
    (
        Object::Contact,
        &[("name", Data), ("url", Data), ("email", Data)],
    ),
    (Object::License, &[("name", Data), ("url", Data)]),
    (
        Object::Server,
        &[
            ("url", Data),
            ("description", Data),
            ("variables", M(Object::ServerVariable)),
        ],
    ),
    (
        Object::ServerVariable,
        &[("enum", Data), ("default", Data), ("description", Data)],
    ),
    (
        Object::Components,
        &[
            ("schemas", M(Object::Schema)),
            ("responses", M(Object::Response)),
            ("parameters", M(Object::Parameter)),
            ("examples", M(Object::Example)),
            ("requestBodies", M(Object::RequestBody)),
            ("headers", M(Object::Header)),
            ("securitySchemes", M(Object::SecurityScheme)),
            ("links", M(Object::Link)),
            ("callbacks", M(Object::Callback)),
        ],
    ),
    (
        Object::PathItem,
        &[
            ("$ref", Data),
            ("summary", Data),
            ("description", Data),
            ("get", One(Object::Operation)),
            ("put", One(Object::Operation)),
            ("post", One(Object::Operation)),
            ("delete", One(Object::Operation)),
            ("options", One(Object::Operation)),
            ("head", One(Object::Operation)),
            ("patch", One(Object::Operation)),
            ("trace", One(Object::Operation)),
            ("servers", List(Object::Server)),
            ("parameters", List(Object::Parameter)),
        ],
    ),
    (
        Object::Operation,
        &[
            ("tags", Data),
            ("summary", Data),
            ("description", Data),
            ("externalDocs", One(Object::ExternalDocs)),
            ("operationId", Data),
            ("parameters", List(Object::Parameter)),
            ("requestBody", One(Object::RequestBody)),
            ("responses", One(Object::Responses)),
            ("callbacks", M(Object::Callback)),
            ("deprecated", Data),
            ("security", List(Object::SecurityRequirement)),
            ("servers", List(Object::Server)),
        ],
    ),
    (
        Object::ExternalDocs,
        &[("description", Data), ("url", Data)],
    ),
    (Object::Parameter, PARAMETER_FIELDS),
    // A Header Object is a Parameter Object without `name` and `in`.
    (Object::Header, PARAMETER_FIELDS.split_at(2).1),
    (
        Object::RequestBody,
        &[
            ("description", Data),
            ("content", M(Object::MediaType)),
            ("required", Data),
        ],
    ),
    (
        Object::MediaType,
        &[
            ("schema", One(Object::Schema)),
            ("example", Data),
            ("examples", M(Object::Example)),
            ("encoding", M(Object::Encoding)),
        ],
    ),
    (
        Object::Encoding,
        &[
            ("contentType", Data),
            ("headers", M(Object::Header)),
            ("style", Data),
            ("explode", Data),
            ("allowReserved", Data),
        ],
    ),
    (
        Object::Response,
        &[
            ("description", Data),
            ("headers", M(Object::Header)),
            ("content", M(Object::MediaType)),
            ("links", M(Object::Link)),
        ],
    ),
    (
        Object::Example,
        &[
            ("summary", Data),
            ("description", Data),
            ("value", Data),
            ("externalValue", Data),
        ],
    ),
    (
        Object::Link,
        &[
            ("operationRef", Data),
            ("operationId", Data),
            ("parameters", Data),
            ("requestBody", Data),
            ("description", Data),
            ("server", One(Object::Server)),
        ],
    ),
    (
        Object::Tag,
        &[
            ("name", Data),
            ("description", Data),
            ("externalDocs", One(Object::ExternalDocs)),
        ],
    ),
    (Object::Schema, SCHEMA_FIELDS),
    (
        Object::Discriminator,
        &[("propertyName", Data), ("mapping", Data)],
    ),
    (
        Object::Xml,
        &[
            ("name", Data),
            ("namespace", Data),
            ("prefix", Data),
            ("attribute", Data),
            ("wrapped", Data),
        ],
    ),
    (
        Object::SecurityScheme,
        &[
            ("type", Data),
            ("description", Data),
            ("name", Data),
            ("in", Data),
            ("scheme", Data),
            ("bearerFormat", Data),
            ("flows", One(Object::OAuthFlows)),
            ("openIdConnectUrl", Data),
        ],
    ),
    (
        Object::OAuthFlows,
        &[
            ("implicit", One(Object::OAuthFlow)),
            ("password", One(Object::OAuthFlow)),
            ("clientCredentials", One(Object::OAuthFlow)),
            ("authorizationCode", One(Object::OAuthFlow)),
        ],
    ),
    (
        Object::OAuthFlow,
        &[
            ("authorizationUrl", Data),
            ("tokenUrl", Data),
            ("refreshUrl", Data),
            ("scopes", Data),
        ],
    ),
];

/// The fields 3.1 adds to 3.0's tables.
const ADDED_IN_3_1: &[(Object, &[(&str, Field)])] = &[
    (
        Object::Root,
        &[
            ("webhooks", M(Object::PathItem)),
            ("jsonSchemaDialect", Data),
        ],
    ),
    (Object::Info, &[("summary", Data)]),
    (Object::License, &[("identifier", Data)]),
    (Object::Components, &[("pathItems", M(Object::PathItem))]),
    (Object::Schema, JSON_SCHEMA_FIELDS),
];

/// The fields 3.2 adds to 3.1's tables that the toolkit reads (the
/// loader refuses the others).
const ADDED_IN_3_2: &[(Object, &[(&str, Field)])] = &[
    (Object::Root, &[("$self", Data)]),
    (
        Object::PathItem,
        &[
            ("query", One(Object::Operation)),
            ("additionalOperations", M(Object::Operation)),
        ],
    ),
    (Object::Tag, &[("parent", Data), ("kind", Data)]),
];

/// The JSON Schema 2020-12 keywords a 3.1 Schema Object may use beyond
/// 3.0's (the core and applicator vocabularies, validation, content and
/// meta-data; `$dynamicRef` is refused by the loader).
const JSON_SCHEMA_FIELDS: &[(&str, Field)] = &[
    ("$ref", Data),
    ("$id", Data),
    ("$schema", Data),
    ("$anchor", Data),
    ("$comment", Data),
    ("$defs", M(Object::Schema)),
    ("const", Data),
    ("examples", Data),
    ("prefixItems", List(Object::Schema)),
    ("contains", One(Object::Schema)),
    ("minContains", Data),
    ("maxContains", Data),
    ("if", One(Object::Schema)),
    ("then", One(Object::Schema)),
    ("else", One(Object::Schema)),
    ("dependentSchemas", M(Object::Schema)),
    ("dependentRequired", Data),
    ("patternProperties", M(Object::Schema)),
    ("propertyNames", One(Object::Schema)),
    ("unevaluatedItems", SchemaOrBool),
    ("unevaluatedProperties", SchemaOrBool),
    ("contentMediaType", Data),
    ("contentEncoding", Data),
    ("contentSchema", One(Object::Schema)),
];

impl Object {
    /// The object's name as the specification spells it, for messages.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Object::Root => "OpenAPI Object",
            Object::Info => "Info Object",
            Object::Contact => "Contact Object",
            Object::License => "License Object",
            Object::Server => "Server Object",
            Object::ServerVariable => "Server Variable Object",
            Object::Components => "Components Object",
            Object::Paths => "Paths Object",
            Object::PathItem => "Path Item Object",
            Object::Operation => "Operation Object",
            Object::ExternalDocs => "External Documentation Object",
            Object::Parameter => "Parameter Object",
            Object::RequestBody => "Request Body Object",
            Object::MediaType => "Media Type Object",
            Object::Encoding => "Encoding Object",
            Object::Responses => "Responses Object",
            Object::Response => "Response Object",
            Object::Callback => "Callback Object",
            Object::Example => "Example Object",
            Object::Link => "Link Object",
            Object::Header => "Header Object",
            Object::Tag => "Tag Object",
            Object::Schema => "Schema Object",
            Object::Discriminator => "Discriminator Object",
            Object::Xml => "XML Object",
            Object::SecurityScheme => "Security Scheme Object",
            Object::OAuthFlows => "OAuth Flows Object",
            Object::OAuthFlow => "OAuth Flow Object",
            Object::SecurityRequirement => "Security Requirement Object",
        }
    }

    /// The fixed fields ([`FIXED_FIELDS`]); `None` for objects made only
    /// of patterned fields.
    pub(crate) fn fields(self) -> Option<&'static [(&'static str, Field)]> {
        table(FIXED_FIELDS, self)
    }

    /// The fixed field `key` of this object in `version`.
    pub(crate) fn field(self, version: Version, key: &str) -> Option<Field> {
        self.names(version)
            .find(|(name, _)| *name == key)
            .map(|(_, field)| field)
    }

    /// The object's fixed fields in `version`: 3.0's, then what later
    /// versions add.
    pub(crate) fn names(self, version: Version) -> impl Iterator<Item = (&'static str, Field)> {
        let added = |since: Version, list| {
            (version >= since)
                .then(|| table(list, self))
                .flatten()
                .unwrap_or_default()
        };
        self.fields()
            .unwrap_or_default()
            .iter()
            .chain(added(Version::V3_1, ADDED_IN_3_1))
            .chain(added(Version::V3_2, ADDED_IN_3_2))
            .copied()
    }

    /// Whether a Reference Object may stand in its place.
    pub(crate) fn referable(self) -> bool {
        use Object::*;
        matches!(
            self,
            Schema
                | Response
                | Parameter
                | Example
                | RequestBody
                | Header
                | SecurityScheme
                | Link
                | Callback
        )
    }
}

const SCHEMA_FIELDS: &[(&str, Field)] = &[
    ("title", Data),
    ("multipleOf", Data),
    ("maximum", Data),
    ("exclusiveMaximum", Data),
    ("minimum", Data),
    ("exclusiveMinimum", Data),
    ("maxLength", Data),
    ("minLength", Data),
    ("pattern", Data),
    ("maxItems", Data),
    ("minItems", Data),
    ("uniqueItems", Data),
    ("maxProperties", Data),
    ("minProperties", Data),
    ("required", Data),
    ("enum", Data),
    ("type", Data),
    ("allOf", List(Object::Schema)),
    ("oneOf", List(Object::Schema)),
    ("anyOf", List(Object::Schema)),
    ("not", One(Object::Schema)),
    ("items", One(Object::Schema)),
    ("properties", M(Object::Schema)),
    ("additionalProperties", SchemaOrBool),
    ("description", Data),
    ("format", Data),
    ("default", Data),
    ("nullable", Data),
    ("discriminator", One(Object::Discriminator)),
    ("readOnly", Data),
    ("writeOnly", Data),
    ("xml", One(Object::Xml)),
    ("externalDocs", One(ExternalDocs)),
    ("example", Data),
    ("deprecated", Data),
];

use Object::ExternalDocs;

fn table(
    list: &'static [(Object, &'static [(&'static str, Field)])],
    object: Object,
) -> Option<&'static [(&'static str, Field)]> {
    list.iter().find(|(o, _)| *o == object).map(|(_, f)| *f)
}
