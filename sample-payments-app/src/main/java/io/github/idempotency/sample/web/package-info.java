/**
 * How the API reports errors: RFC 9457 problem details with a stable {@code type} per case.
 */
package io.github.idempotency.sample.web;
