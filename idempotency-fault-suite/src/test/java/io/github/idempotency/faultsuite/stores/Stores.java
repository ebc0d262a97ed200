package io.github.idempotency.faultsuite.stores;

/**
 * Starts a store by its report name.
 */
public final class Stores {

	private Stores() {
	}

	/**
	 * Starts one.
	 * @param name {@code memory}, {@code redis} (the suite's shared server), {@code postgresql} (join-transaction
	 * on, as the sample's profile), {@code postgresql-unjoined} or {@code mariadb}
	 * @return the running store
	 */
	public static StoreUnderTest start(String name) {
		return switch (name) {
			case "memory" -> new MemoryStore();
			case "redis" -> RedisStore.shared();
			case "postgresql" -> PostgresStore.start(true);
			case "postgresql-unjoined" -> PostgresStore.start(false);
			case "mariadb" -> MariaDbStore.start();
			default -> throw new IllegalArgumentException("unknown store " + name);
		};
	}

}
