/**
 * JMH benchmarks of the library's web path (servlet filter, body capture, interceptor, replay write) and of SpEL
 * key resolution, through the starter's auto-configuration on a mock servlet request, so that they use the public
 * entry points only.
 */
package io.github.idempotency.benchmarks.web;
