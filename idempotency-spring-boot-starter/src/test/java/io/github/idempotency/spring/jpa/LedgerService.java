package io.github.idempotency.spring.jpa;

import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

import org.springframework.transaction.annotation.Transactional;

/**
 * The idempotent method of the join-transaction tests: it books a ledger entry through JPA, in a
 * {@code @Transactional} method that joins the transaction {@link TransactionalCompletion} opens.
 */
public class LedgerService {

	@PersistenceContext
	private EntityManager entityManager;

	/**
	 * Books an entry, then fails if asked to.
	 * @param paymentId the payment
	 * @param amount the amount
	 * @param failAfterInsert whether to throw once the entry is written (and flushed)
	 * @return the entry's id
	 */
	@Transactional
	public String book(String paymentId, long amount, boolean failAfterInsert) {
		LedgerEntry entry = new LedgerEntry(UUID.randomUUID().toString(), paymentId, amount);
		this.entityManager.persist(entry);
		this.entityManager.flush();
		if (failAfterInsert) {
			throw new IllegalStateException("The payment provider declined after the entry was booked");
		}
		return entry.getId();
	}

}
