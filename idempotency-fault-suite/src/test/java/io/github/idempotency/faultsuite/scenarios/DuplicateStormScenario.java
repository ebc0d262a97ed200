package io.github.idempotency.faultsuite.scenarios;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.github.idempotency.faultsuite.broken.BrokenSetting;
import io.github.idempotency.faultsuite.harness.CallHistory;
import io.github.idempotency.faultsuite.harness.Caller;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.DuplicateStorm;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.harness.SuiteConfiguration;
import io.github.idempotency.faultsuite.stores.StoreUnderTest;
import io.github.idempotency.faultsuite.stores.Stores;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 1, duplicate storm per store: fresh keys, each sent by many identical concurrent requests. Exactly one
 * execution per key and run (the PSP ledger), the {@code executed} metric equal to the ledger, and every other
 * answer a byte-identical replay or a 409 with {@code Retry-After}. The control runs one storm against a
 * read-then-write claim, which must execute some key twice.
 */
class DuplicateStormScenario {

	private static final SuiteConfiguration configuration = SuiteConfiguration.current();

	// app start-ups included: the storm itself is bounded by DuplicateStorm's per-call timeout
	@Timeout(value = 15, unit = TimeUnit.MINUTES)
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "memory", "redis", "postgresql", "postgresql-unjoined", "mariadb" })
	void eachKeyExecutesOnceAndEveryDuplicateReplaysOrConflicts(String storeName) {
		try (StoreUnderTest store = Stores.start(storeName)) {
			List<DuplicateStorm.Result> runs = new ArrayList<>();
			DuplicateStorm.Result control;
			// the control runs in the same app, its claim switched to read-then-write once the main runs are done;
			// Redis's, PostgreSQL's and MariaDB's apps are shared with other scenarios
			Map<String, String> properties = new HashMap<>(store.appProperties());
			properties.put(BrokenSetting.PROPERTY, "none");
			try (ChildApp app = List.of("redis", "postgresql", "mariadb").contains(storeName) ? SharedApps.of(store)
					: ChildApp.start("storm-" + storeName, store.profile(), properties)) {
				Caller alice = new Caller(app, "alice", new CallHistory());
				for (int run = 0; run < configuration.stormRuns(); run++) {
					runs.add(DuplicateStorm.run(alice, configuration.stormKeys(), configuration.stormConcurrency()));
				}
				app.breakWith(BrokenSetting.READ_THEN_WRITE_CLAIM);
				control = DuplicateStorm.run(new Caller(app, "alice", new CallHistory()), configuration.stormKeys(),
						configuration.stormConcurrency());
			}
			boolean passed = runs.stream().allMatch(DuplicateStorm.Result::passed);
			long replays = runs.stream().mapToLong(DuplicateStorm.Result::replays).sum();
			long identical = runs.stream().mapToLong(DuplicateStorm.Result::identicalReplays).sum();
			long conflicts = runs.stream().mapToLong(DuplicateStorm.Result::conflicts).sum();
			String figure = "executions per run " + runs.stream()
				.map((run) -> Long.toString(run.ledger()))
				.collect(Collectors.joining(",")) + " of " + configuration.stormKeys() + " keys x "
					+ configuration.stormConcurrency() + "; metric = ledger: "
					+ runs.stream().allMatch((run) -> run.executedMetric() == run.ledger()) + "; " + identical + "/"
					+ replays + " replays byte-identical, " + conflicts + " 409 with Retry-After";
			String verdict = passed ? "PASS"
					: "FAIL: " + runs.stream()
						.filter((run) -> !run.passed())
						.map(DuplicateStorm.Result::describe)
						.findFirst()
						.orElse("");
			String controlVerdict = control.passed() ? "PASSED (the suite fails: the control must fail)"
					: "failed as required: " + control.ledger() + " executions for " + control.keys() + " keys";
			FaultSuiteReport.add(new FaultSuiteReport.Row("1 duplicate storm", store.name(),
					Integer.toString(runs.size()), figure, verdict, controlVerdict));
			assertThat(runs).allSatisfy((run) -> assertThat(run.passed()).as(run.describe()).isTrue());
			assertThat(control.passed()).as("the read-then-write control must fail: " + control.describe()).isFalse();
		}
	}

}
