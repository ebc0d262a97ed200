package io.github.idempotency.spring.jpa;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A business row of the join-transaction tests: what an idempotent method writes as its local database effect.
 */
@Entity
@Table(name = "ledger_entry")
public class LedgerEntry {

	@Id
	private String id;

	private String paymentId;

	private long amount;

	// raised by Hibernate when it flushes a change: a value the entity takes only at the commit's flush
	@Version
	private long version;

	protected LedgerEntry() {
	}

	LedgerEntry(String id, String paymentId, long amount) {
		this.id = id;
		this.paymentId = paymentId;
		this.amount = amount;
	}

	public String getId() {
		return this.id;
	}

	public String getPaymentId() {
		return this.paymentId;
	}

	public long getAmount() {
		return this.amount;
	}

	void raise(long by) {
		this.amount += by;
	}

	public long getVersion() {
		return this.version;
	}

}
