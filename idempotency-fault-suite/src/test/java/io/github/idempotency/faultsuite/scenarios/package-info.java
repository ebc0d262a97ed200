/**
 * The fault suite's scenarios, numbered as in docs/reliability.md; each adds its row to the suite's table.
 */
package io.github.idempotency.faultsuite.scenarios;
