package io.github.idempotency.core.store;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Random concurrent operations against the in-memory store, checked for the store's invariants; and the proof that
 * the same checks catch a store that reads and writes in separate steps.
 */
class RandomizedStoreOperationsTest {

	@Test
	void inMemoryStoreKeepsEveryInvariantUnderRandomConcurrentOperations() throws Exception {
		RandomizedStoreWorkload.Report report = new RandomizedStoreWorkload(new InMemoryIdempotencyStore(), 8, 3, 1000,
				25, System.nanoTime())
			.run();
		assertThat(report.violations()).isEmpty();
		// not vacuous: the workload reached every transition, races and fenced writes included
		assertThat(report.stats()).containsKeys("claims", "takeovers", "applied complete", "applied release",
				"applied renew", "fenced writes");
		assertThat(report.stats().get("claims")).isGreaterThan(50);
		assertThat(report.stats().get("takeovers")).isGreaterThan(5);
		assertThat(report.stats().get("fenced writes")).isGreaterThan(100);
	}

	@Test
	void checkerReportsAStoreThatReadsThenWrites() throws Exception {
		List<String> violations = List.of();
		// each round is likely to race; the bound only keeps a broken detector from looping forever
		for (int round = 0; round < 50 && violations.isEmpty(); round++) {
			violations = new RandomizedStoreWorkload(new ReadThenWriteStore(), 8, 2, 100, 25, round).run()
				.violations();
		}
		assertThat(violations).as("violations found in the read-then-write store").isNotEmpty();
	}

	@Test
	void contractRaceTestFailsForAStoreThatReadsThenWrites() {
		BrokenStoreContract contract = new BrokenStoreContract();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> {
			// the contract's own test, 50 rounds a time; repeated a bounded number of times until it catches the race
			for (int attempt = 0; attempt < 20; attempt++) {
				contract.setUpStore();
				try {
					contract.racingClaimsHaveExactlyOneWinner();
				}
				finally {
					contract.tearDownStore();
				}
			}
		}).withMessageContaining("winners");
	}

	/** The contract suite run by hand against the broken store. */
	private static final class BrokenStoreContract extends AbstractMutableClockStoreContractTest {

		@Override
		protected IdempotencyStore createStore() {
			return new ReadThenWriteStore();
		}

	}

}
