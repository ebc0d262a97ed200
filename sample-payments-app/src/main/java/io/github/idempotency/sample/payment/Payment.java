package io.github.idempotency.sample.payment;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A payment the PSP captured, owned by the user who requested it.
 */
@Entity
@Table(name = "payment")
public class Payment {

	@Id
	@Column(length = 36)
	private String id;

	@Column(nullable = false, length = 100)
	private String owner;

	@Column(nullable = false)
	private long amount;

	@Column(nullable = false, length = 3)
	private String currency;

	@Column(length = 140)
	private String description;

	@Column(nullable = false, length = 20)
	private String status;

	@Column(name = "psp_reference", nullable = false, length = 64)
	private String pspReference;

	@Column(name = "created_at", nullable = false)
	private Instant createdAt;

	protected Payment() {
	}

	Payment(String id, String owner, long amount, String currency, String description, String status,
			String pspReference, Instant createdAt) {
		this.id = id;
		this.owner = owner;
		this.amount = amount;
		this.currency = currency;
		this.description = description;
		this.status = status;
		this.pspReference = pspReference;
		this.createdAt = createdAt;
	}

	public String getId() {
		return this.id;
	}

	public String getOwner() {
		return this.owner;
	}

	public long getAmount() {
		return this.amount;
	}

	public String getCurrency() {
		return this.currency;
	}

	public String getDescription() {
		return this.description;
	}

	public String getStatus() {
		return this.status;
	}

	public String getPspReference() {
		return this.pspReference;
	}

	public Instant getCreatedAt() {
		return this.createdAt;
	}

}
