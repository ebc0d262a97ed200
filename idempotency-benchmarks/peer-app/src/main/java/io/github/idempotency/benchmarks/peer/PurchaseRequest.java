package io.github.idempotency.benchmarks.peer;

/**
 * The benchmark's request body, {@code {"sku": "BOOK-1", "qty": 2}}.
 *
 * @param sku the article
 * @param qty how many
 */
record PurchaseRequest(String sku, int qty) {
}
