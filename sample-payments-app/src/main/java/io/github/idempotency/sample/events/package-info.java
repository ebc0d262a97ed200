/**
 * Payments that arrive as events ({@code payments.requested}), charged once per message id.
 */
package io.github.idempotency.sample.events;
