package io.github.idempotency.benchmarks.peer;

/**
 * The benchmark's response body, as in the sample app: with a UUID and {@code BOOK-1} x 2 its JSON is 89 bytes.
 *
 * @param id a fresh identifier, so that every execution answers something new
 * @param sku the article
 * @param qty how many
 * @param status always {@code CONFIRMED}
 */
record Receipt(String id, String sku, int qty, String status) {
}
