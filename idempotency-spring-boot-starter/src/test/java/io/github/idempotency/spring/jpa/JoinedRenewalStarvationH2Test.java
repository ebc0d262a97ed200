package io.github.idempotency.spring.jpa;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.Execution;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.core.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.util.ReflectionUtils;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * More slow joined requests than the application's pool has connections, running for more than two leases: every
 * pooled connection is held by a request's transaction (or awaited by one), yet the leases are renewed through the
 * store's own connections, so another instance never takes a key over and no request runs twice.
 */
class JoinedRenewalStarvationH2Test {

	// the joined transaction takes the rollback rules of the method it protects
	private static final Method BOOK = ReflectionUtils.findMethod(LedgerService.class, "book", String.class, long.class,
			boolean.class);

	private static final int POOL_SIZE = 2;

	private static final int REQUESTS = 4;

	// long enough that a loaded build machine does not time renewals out (a quarter of it); the test runs three leases
	private static final Duration LEASE = Duration.ofSeconds(1);

	private static final RequestFingerprint FINGERPRINT = RequestFingerprint.of("POST", "/payments", "{}");

	// renewals here wait behind a starved pool: longer than the usual wait
	private static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(20);

	private final String url = "jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";

	private final ConfigurableApplicationContext context = AbstractTransactionalCompletionTest.startApplication(
			"spring.datasource.url=" + this.url, "spring.datasource.hikari.maximum-pool-size=" + POOL_SIZE);

	private final ExecutorService threads = Executors.newCachedThreadPool();

	@AfterEach
	void close() {
		this.threads.shutdownNow();
		this.context.close();
	}

	@Test
	void leasesOfRequestsHoldingEveryPooledConnectionAreRenewedSoNoKeyIsTakenOver() throws Exception {
		assertThat(this.context.getBeansOfType(RenewalConnectionPool.class)).hasSize(1);
		TransactionalCompletion completion = this.context.getBean(TransactionalCompletion.class);
		LedgerService ledger = this.context.getBean(LedgerService.class);
		ExecutionPolicy policy = ExecutionPolicy.defaults("payments").withLease(LEASE);
		// another instance of the application, on connections of its own
		JpaIdempotencyStore otherInstance = new JpaIdempotencyStore(new DriverManagerDataSource(this.url, "sa", ""));
		try (IdempotentExecutor executor = IdempotentExecutor
			.builder(this.context.getBean(IdempotencyStore.class))
			.build()) {
			CountDownLatch finish = new CountDownLatch(1);
			AtomicInteger runs = new AtomicInteger();
			List<Execution> executions = new ArrayList<>();
			List<Future<?>> requests = new ArrayList<>();
			Instant claimedAt = Instant.now();
			for (int i = 0; i < REQUESTS; i++) {
				ClaimOutcome claim = executor.claim(IdempotencyKey.of("", "payments", "slow-" + i + "-" + UUID.randomUUID()),
						FINGERPRINT, policy);
				executions.add(((ClaimOutcome.Acquired) claim).execution());
			}
			for (Execution execution : executions) {
				requests.add(this.threads.submit(() -> {
					try (IdempotencyContext.Scope bound = execution.context().bind()) {
						// the transaction holds a pooled connection (or waits for one) until the test lets it finish
						String entry = completion.inTransaction(BOOK, LedgerService.class, () -> {
							runs.incrementAndGet();
							String booked = ledger.book(UUID.randomUUID().toString(), 1250, false);
							finish.await();
							return booked;
						}, (booked) -> StoredResponse.of(201, Map.of(), booked.getBytes(StandardCharsets.UTF_8)), policy)
							.call();
						execution.complete(RecordState.FINISHED_OK,
								StoredResponse.of(201, Map.of(), entry.getBytes(StandardCharsets.UTF_8)));
					}
					return null;
				}));
			}

			// every lease renewed past two leases after the claims, while the pool had no connection free
			Instant twoLeasesLater = claimedAt.plus(LEASE.multipliedBy(3));
			Await.until(() -> executions.stream()
				.allMatch((execution) -> execution.context().leaseDeadline().isAfter(twoLeasesLater)),
					"every lease renewed more than two leases after the claims", AWAIT_TIMEOUT);
			Await.until(() -> runs.get() == POOL_SIZE, "a request in each pooled connection", AWAIT_TIMEOUT);
			for (Execution execution : executions) {
				assertThat(execution.context().isLeaseLost()).isFalse();
				ClaimResult takeover = otherInstance.claim(execution.key().storageKey(), FINGERPRINT, Instant.now(),
						LEASE);
				assertThat(takeover).isInstanceOf(ClaimResult.Existing.class);
				assertThat(((ClaimResult.Existing) takeover).record().owner()).isEqualTo(execution.owner());
			}

			finish.countDown();
			for (Future<?> request : requests) {
				request.get(30, TimeUnit.SECONDS);
			}
			assertThat(runs).hasValue(REQUESTS);
			for (Execution execution : executions) {
				assertThat(execution.isLeaseLost()).isFalse();
				assertThat(executor.claim(execution.key(), FINGERPRINT, policy)).isInstanceOf(ClaimOutcome.Replay.class);
			}
			assertThat(runs).as("no request ran twice").hasValue(REQUESTS);
		}
	}

}
