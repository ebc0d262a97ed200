/**
 * The fault suite's harness: child app processes, a recording client, the history checker and the report.
 */
package io.github.idempotency.faultsuite.harness;
