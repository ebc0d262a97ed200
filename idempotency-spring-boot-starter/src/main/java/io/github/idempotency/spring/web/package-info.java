/**
 * HTTP support: the filter that captures and replays responses, key header parsing and the problem details of the
 * idempotency protocol.
 */
@NullMarked
package io.github.idempotency.spring.web;

import org.jspecify.annotations.NullMarked;
