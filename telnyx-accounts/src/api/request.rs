//! What every request builder shares: per-request overrides, the escape
//! hatches (`extra_query`, `extra_body`), `send()` and `.await`.

/// The per-request overrides, as builder methods (`opts` field required).
/// Their example is in the `resources` module docs.
macro_rules! request_options {
    () => {
        /// Overrides the client's per-attempt timeout for this request.
        /// Zero is refused with [`Error::InvalidRequest`](crate::Error::InvalidRequest);
        /// `Duration::MAX` means no per-attempt bound (the deadline still
        /// applies). See [the example](crate::resources#per-request-options).
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.opts.set().timeout = Some(timeout);
            self
        }

        /// Overrides the client's deadline for this call, every attempt and
        /// wait included. Zero is refused; `Duration::MAX` (or anything past
        /// what the clock can count) means no deadline.
        pub fn deadline(mut self, deadline: ::std::time::Duration) -> Self {
            self.opts.set().deadline = Some(deadline);
            self
        }

        /// Overrides the client's retry policy for this request
        /// ([`RetryPolicy::none()`](crate::RetryPolicy::none) for no retries).
        /// Retries still draw from the client's retry budget.
        pub fn retry_policy(mut self, policy: $crate::RetryPolicy) -> Self {
            self.opts.set().retry = Some(policy);
            self
        }

        /// Overrides the number of retries of the retry policy for this request.
        pub fn max_retries(mut self, retries: u32) -> Self {
            self.opts.set().max_retries = Some(retries);
            self
        }

        /// Adds a header to this request, replacing one of the same name
        /// (including the client's). An invalid name or value fails the
        /// request with [`Error::InvalidRequest`](crate::Error::InvalidRequest).
        /// See [the example](crate::resources#per-request-options).
        pub fn header<K, V>(mut self, name: K, value: V) -> Self
        where
            K: TryInto<::reqwest::header::HeaderName>,
            V: TryInto<::reqwest::header::HeaderValue>,
        {
            self.opts.header(name, value);
            self
        }

        /// Adds a query pair to this request, sent as given (percent-encoded
        /// like every query value), for a parameter Telnyx added before this
        /// crate has a setter for it.
        ///
        /// A name that a typed setter also sets **replaces** the typed pair
        /// (streams set `page[number]` for each page: leave that one to
        /// them). Several `extra_query` pairs of one name are all sent, in
        /// order. See [the example](crate::resources#parameters-this-crate-does-not-know-yet).
        pub fn extra_query(
            mut self,
            name: impl Into<String>,
            value: impl ::std::fmt::Display,
        ) -> Self {
            self.opts
                .set()
                .extras
                .query
                .push((name.into(), value.to_string()));
            self
        }
    };
}

/// `extra_body`, for the builders that send a JSON body (`opts` field
/// required).
macro_rules! body_options {
    () => {
        /// Adds a top-level field to this request's JSON body, for a field
        /// Telnyx added before this crate has a setter for it.
        ///
        /// A name that a typed setter also sets **replaces** the typed
        /// field, whichever was called first; for a name given twice, the
        /// last value is sent. See [the example](crate::resources#parameters-this-crate-does-not-know-yet).
        pub fn extra_body(
            mut self,
            name: impl Into<String>,
            value: impl Into<::serde_json::Value>,
        ) -> Self {
            self.opts
                .set()
                .extras
                .body
                .insert(name.into(), value.into());
            self
        }
    };
}

/// `send()` and `impl IntoFuture` for a builder with an
/// `async fn send_with_response(self)`, so that awaiting the builder sends it.
macro_rules! sends {
    ($builder:ty => $output:ty) => {
        impl $builder {
            /// Sends the request. Awaiting the builder does the same.
            pub async fn send(self) -> $crate::Result<$output> {
                self.send_with_response()
                    .await
                    .map($crate::Response::into_inner)
            }
        }

        impl ::std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = ::std::pin::Pin<
                Box<dyn ::std::future::Future<Output = $crate::Result<$output>> + Send>,
            >;

            fn into_future(self) -> Self::IntoFuture {
                // What `send()` does, without `send()`'s own copy of the
                // builder in the boxed future (an async fn keeps its
                // arguments for its whole life).
                Box::pin(::futures::FutureExt::map(self.send_with_response(), |r| {
                    r.map($crate::Response::into_inner)
                }))
            }
        }
    };
}

pub(crate) use body_options;
pub(crate) use request_options;
pub(crate) use sends;
