/**
 * The sample app's OpenAPI document, read over HTTP.
 */
package io.github.idempotency.sample.openapi;
