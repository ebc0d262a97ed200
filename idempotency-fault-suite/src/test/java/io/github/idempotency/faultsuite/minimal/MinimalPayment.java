package io.github.idempotency.faultsuite.minimal;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A payment as the minimal app records it. Its table has no unique constraint on the description, which carries the
 * idempotency key: a second execution of one key leaves a second row. Not the sample app's {@code payment} table,
 * which other scenarios create in the same database with other columns.
 */
@Entity
@Table(name = "minimal_payment")
public class MinimalPayment {

	@Id
	@Column(length = 36)
	private String id;

	@Column(nullable = false)
	private long amount;

	@Column(nullable = false, length = 3)
	private String currency;

	@Column(length = 140)
	private String description;

	protected MinimalPayment() {
	}

	MinimalPayment(long amount, String currency, String description) {
		this.id = UUID.randomUUID().toString();
		this.amount = amount;
		this.currency = currency;
		this.description = description;
	}

	String getId() {
		return this.id;
	}

	long getAmount() {
		return this.amount;
	}

	String getCurrency() {
		return this.currency;
	}

	String getDescription() {
		return this.description;
	}

}
