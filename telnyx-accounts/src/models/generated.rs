//! From the raw generated types (`telnyx-accounts-gen`) to the models.

/// Conversion from a type of the generated crate (`telnyx-accounts-gen`).
/// Not `From`: a `From` impl on a public model is public API whatever the
/// module's privacy, so a regeneration that renames a generated type would
/// break users' code. This trait is private, so the generated types stay out
/// of the public API.
pub(crate) trait FromGenerated<G> {
    /// Converts `g`.
    fn from_generated(g: G) -> Self;
}

/// Converts a generated open enum (`Variant0` known, `Variant1` other string)
/// into this crate's open enum.
macro_rules! open_value {
    ($value:expr, $gen:ty) => {{
        type G = $gen;
        match $value {
            G::Variant0(known) => known.to_string().into(),
            G::Variant1(other) => String::from(other).into(),
        }
    }};
}
pub(crate) use open_value;
