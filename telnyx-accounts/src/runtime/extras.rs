//! [`Extras`]: what a request builder's `extra_query` and `extra_body` add to
//! its call.

use std::fmt;

use serde_json::{Map, Value};

/// What a builder's `extra_query` and `extra_body` add to its request, for
/// parameters Telnyx added before a typed setter exists. Empty (and free:
/// no allocation, the body serialized once as usual) unless they are used.
#[derive(Clone, Default)]
pub(crate) struct Extras {
    /// Query pairs, in order; they replace typed pairs of the same name.
    pub(crate) query: Vec<(String, String)>,
    /// Top-level body fields; they replace typed fields of the same name.
    pub(crate) body: Map<String, Value>,
}

/// Names only: a value may be a password or a key.
impl fmt::Debug for Extras {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Extras")
            .field(
                "query",
                &self.query.iter().map(|(k, _)| k).collect::<Vec<_>>(),
            )
            .field("body", &self.body.keys().collect::<Vec<_>>())
            .finish()
    }
}
