package io.github.idempotency.spring.autoconfigure;

import java.time.Duration;

/**
 * JPA store settings.
 */
public class JpaStoreProperties {

	/**
	 * Name of the table that holds the records.
	 */
	private String tableName = "idempotency_record";

	/**
	 * When to create the table from the schema script shipped for the database: 'embedded' (embedded databases
	 * only), 'always' or 'never'.
	 */
	private SchemaInitialization initializeSchema = SchemaInitialization.EMBEDDED;

	/**
	 * How often expired records are purged.
	 */
	private Duration purgeInterval = Duration.ofMinutes(5);

	/**
	 * Most rows one purge statement deletes.
	 */
	private int purgeBatchSize = 1000;

	/**
	 * Whether the completion is written in the annotated method's own transaction, so that its database work
	 * and the stored response commit or roll back together.
	 */
	private boolean joinTransaction = false;

	/**
	 * Connections of the store's own, derived from the application's connection pool, through which leases are
	 * renewed, so that requests holding every pooled connection cannot starve the renewals. 0 renews through the
	 * application's pool (then size it above the requests that may run at once).
	 */
	private int renewalPoolSize = 2;

	public String getTableName() {
		return this.tableName;
	}

	public void setTableName(String tableName) {
		this.tableName = tableName;
	}

	public SchemaInitialization getInitializeSchema() {
		return this.initializeSchema;
	}

	public void setInitializeSchema(SchemaInitialization initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	public Duration getPurgeInterval() {
		return this.purgeInterval;
	}

	public void setPurgeInterval(Duration purgeInterval) {
		this.purgeInterval = purgeInterval;
	}

	public int getPurgeBatchSize() {
		return this.purgeBatchSize;
	}

	public void setPurgeBatchSize(int purgeBatchSize) {
		this.purgeBatchSize = purgeBatchSize;
	}

	public boolean isJoinTransaction() {
		return this.joinTransaction;
	}

	public void setJoinTransaction(boolean joinTransaction) {
		this.joinTransaction = joinTransaction;
	}

	public int getRenewalPoolSize() {
		return this.renewalPoolSize;
	}

	public void setRenewalPoolSize(int renewalPoolSize) {
		this.renewalPoolSize = renewalPoolSize;
	}

	/**
	 * When the store creates its table.
	 */
	public enum SchemaInitialization {

		/** Only for an embedded database (H2, HSQLDB, Derby). */
		EMBEDDED,

		/** Always (the script creates the table only if it does not exist). */
		ALWAYS,

		/** Never: the table is managed by migrations. */
		NEVER

	}

}