/**
 * The stores a scenario runs the app against, each a process of the suite's own on a free loopback port.
 */
package io.github.idempotency.faultsuite.stores;
