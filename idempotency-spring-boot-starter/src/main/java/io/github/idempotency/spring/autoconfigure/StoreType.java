package io.github.idempotency.spring.autoconfigure;

/**
 * Which store keeps the idempotency records ({@code idempotency.store}).
 */
public enum StoreType {

	/** Redis if a RedisConnectionFactory exists, else JPA if an EntityManagerFactory exists, else memory. */
	AUTO,

	/** This JVM's heap: protects one instance only. */
	MEMORY,

	/** Redis, through the application's RedisConnectionFactory. */
	REDIS,

	/** A relational database, through the application's EntityManagerFactory. */
	JPA

}
