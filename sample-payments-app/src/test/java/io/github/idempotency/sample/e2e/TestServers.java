package io.github.idempotency.sample.e2e;

/**
 * Addresses of the Redis and PostgreSQL servers the end-to-end tests run against.
 */
final class TestServers {

	private TestServers() {
	}

	static String redisUrl() {
		return required("IDEMPOTENCY_TEST_REDIS_URL");
	}

	static String postgresJdbcUrl() {
		return required("IDEMPOTENCY_TEST_POSTGRES_URL");
	}

	private static String required(String variable) {
		String value = System.getenv(variable);
		if (value == null || value.isBlank()) {
			throw new IllegalStateException(variable + " is not set");
		}
		return value;
	}

}
