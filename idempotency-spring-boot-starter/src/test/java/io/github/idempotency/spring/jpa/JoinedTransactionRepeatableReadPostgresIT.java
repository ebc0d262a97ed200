package io.github.idempotency.spring.jpa;

import java.time.Duration;
import java.time.Instant;

import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.store.IdempotencyStoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.util.PSQLException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Join-transaction end to end on a real PostgreSQL whose pool lends connections at REPEATABLE READ
 * ({@code spring.datasource.hikari.transaction-isolation}): the store's own transactions (claims, renewals, the
 * attached response) run at READ COMMITTED, the method's transaction and the completion written in it at the pool's
 * isolation.
 */
class JoinedTransactionRepeatableReadPostgresIT extends AbstractJoinedTransactionTest {

	@RegisterExtension
	static final PostgresTestSchema SCHEMA = new PostgresTestSchema("idem_joined_rr");

	// Not at REPEATABLE READ: see renewalDuringTheTransactionFailsItsCompletionAndReleasesTheKey.
	@Override
	void beanMethodWhoseLeaseIsRenewedDuringItsTransactionCommitsItsResult() {
	}

	// Not at REPEATABLE READ: see lostLeaseFailsTheCompletionAndLeavesNoRow.
	@Override
	void beanMethodThatLostItsLeaseLeavesNoRowBecauseItsTransactionalJoined() {
	}

	// The completion updates the record at the end of the method's transaction, at the pool's isolation: a row that a
	// renewal changed after the transaction's snapshot cannot be updated at REPEATABLE READ (a serialization failure).
	// The transaction rolls back, the key is released, and a retry runs again: never two commits.
	@Test
	void renewalDuringTheTransactionFailsItsCompletionAndReleasesTheKey() {
		String paymentId = newPaymentId();
		this.bookings.afterNextBooking(() -> {
			IdempotencyContext context = IdempotencyContext.require();
			assertThat(this.store.renew(context.key().storageKey(), context.ownerToken(), Instant.now(),
					Duration.ofSeconds(30)))
				.isTrue();
		});

		assertThatExceptionOfType(IdempotencyStoreException.class).isThrownBy(() -> this.bookings.book(paymentId, 1250))
			.withRootCauseInstanceOf(PSQLException.class);
		assertThat(entries(paymentId)).as("entries after the failed completion").isZero();

		String retried = this.bookings.book(paymentId, 1250);
		assertThat(this.bookings.book(paymentId, 1250)).isEqualTo(retried);
		assertThat(entries(paymentId)).isOne();
	}

	// As above with the key taken over (here deleted) during the transaction: a store failure rather than a fenced
	// completion, and the work is rolled back all the same.
	@Test
	void lostLeaseFailsTheCompletionAndLeavesNoRow() {
		String paymentId = newPaymentId();
		this.bookings.afterNextBooking(() -> this.store.delete(IdempotencyContext.require().key().storageKey()));

		assertThatExceptionOfType(IdempotencyStoreException.class)
			.isThrownBy(() -> this.bookings.book(paymentId, 1250));
		assertThat(entries(paymentId)).isZero();
	}

	@Override
	protected String[] applicationProperties() {
		return SCHEMA.springDataSourceProperties("idempotency.jpa.initialize-schema=always",
				"spring.datasource.hikari.transaction-isolation=TRANSACTION_REPEATABLE_READ");
	}

}
