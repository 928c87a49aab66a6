//! `builder!`: the builder of a model, for tests and fakes.

/// A builder for a model: a `$builder` holding the model with empty values,
/// one setter per field, and `build()`.
///
/// Field kinds: `value` (the type itself), `into` (`impl Into<T>`), `opt`
/// (an `Option<T>` field: the setter takes `impl Into<T>`, the named `set_`
/// setter an `Option<T>`), `vec` (a `Vec<T>`: any iterator of
/// `impl Into<T>`), `optvec` (an `Option<Vec<T>>`: the same, wrapped in
/// `Some`, and a `set_` setter).
macro_rules! builder {
    (
        $(#[$meta:meta])*
        $model:ident => $builder:ident {
            $( $kind:ident $field:ident $(/ $set:ident)? : $ty:ty ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[must_use = "call `build()` to get the model"]
        pub struct $builder {
            inner: $model,
        }

        impl $model {
            #[doc = concat!("A builder of [`", stringify!($model), "`], starting from empty values (see [`", stringify!($builder), "`]).")]
            pub fn builder() -> $builder {
                $builder {
                    inner: $model::empty(),
                }
            }
        }

        impl Default for $builder {
            fn default() -> Self {
                $model::builder()
            }
        }

        impl $builder {
            $( $crate::models::builder::builder!(@setter $model, $kind $field $(/ $set)? : $ty); )*

            #[doc = concat!("The [`", stringify!($model), "`].")]
            pub fn build(self) -> $model {
                self.inner
            }
        }
    };
    (@setter $model:ident, value $field:ident : $ty:ty) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), ").")]
        pub fn $field(mut self, value: $ty) -> Self {
            self.inner.$field = value;
            self
        }
    };
    (@setter $model:ident, into $field:ident : $ty:ty) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), ").")]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.inner.$field = value.into();
            self
        }
    };
    (@setter $model:ident, opt $field:ident / $set:ident : $ty:ty) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), ") to `Some(value)`.")]
        pub fn $field(mut self, value: impl Into<$ty>) -> Self {
            self.inner.$field = Some(value.into());
            self
        }

        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), "), `None` included.")]
        pub fn $set(mut self, value: Option<$ty>) -> Self {
            self.inner.$field = value;
            self
        }
    };
    (@setter $model:ident, vec $field:ident : $ty:ty) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), ").")]
        pub fn $field<I: IntoIterator<Item = V>, V: Into<$ty>>(mut self, values: I) -> Self {
            self.inner.$field = values.into_iter().map(Into::into).collect();
            self
        }
    };
    (@setter $model:ident, optvec $field:ident / $set:ident : $ty:ty) => {
        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), ") to `Some` of these.")]
        pub fn $field<I: IntoIterator<Item = V>, V: Into<$ty>>(mut self, values: I) -> Self {
            self.inner.$field = Some(values.into_iter().map(Into::into).collect());
            self
        }

        #[doc = concat!("Sets [`", stringify!($field), "`](", stringify!($model), "::", stringify!($field), "), `None` included.")]
        pub fn $set(mut self, value: Option<Vec<$ty>>) -> Self {
            self.inner.$field = value;
            self
        }
    };
}
pub(crate) use builder;
