//! The request and paging checks one exchange at a time, on small
//! documents written for the rule under test: every credential placement
//! OpenAPI allows, the Accept rule, required and typed parameters, and the
//! page rules. Each test names the rule it pins and fails without it.

mod bodies;
mod coverage;
mod fixture;
mod methods;
mod paging;
mod request;
