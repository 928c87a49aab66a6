//! What every request builder shares: per-request overrides and `.await`.

/// The per-request overrides, as builder methods (`opts` field required).
macro_rules! request_options {
    () => {
        /// Overrides the client's per-attempt timeout for this request.
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.opts.timeout = Some(timeout);
            self
        }

        /// Overrides the client's number of retries for this request.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.opts.max_retries = Some(retries);
            self
        }

        /// Adds a header to this request, replacing one of the same name
        /// (including the client's). An invalid name or value fails the
        /// request with [`Error::InvalidRequest`](crate::Error::InvalidRequest).
        pub fn header<K, V>(mut self, name: K, value: V) -> Self
        where
            K: TryInto<::reqwest::header::HeaderName>,
            V: TryInto<::reqwest::header::HeaderValue>,
        {
            self.opts.header(name, value);
            self
        }
    };
}

/// `impl IntoFuture` for a builder with an `async fn send(self)`, so that
/// awaiting the builder sends it.
macro_rules! into_future {
    ($builder:ty => $output:ty) => {
        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = ::std::pin::Pin<
                Box<dyn ::std::future::Future<Output = $crate::Result<$output>> + Send>,
            >;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

pub(crate) use into_future;
pub(crate) use request_options;
