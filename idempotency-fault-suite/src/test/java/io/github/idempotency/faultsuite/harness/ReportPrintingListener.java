package io.github.idempotency.faultsuite.harness;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Times every scenario (a test class: its stores and faults, its {@code @BeforeAll} start-ups, and the shared apps
 * and stores it was the first to need) for the report, and prints the suite's table once every scenario ran
 * (registered in {@code META-INF/services}).
 */
public final class ReportPrintingListener implements TestExecutionListener {

	private final Map<String, Long> started = new ConcurrentHashMap<>();

	private final Map<String, long[]> startUpsBefore = new ConcurrentHashMap<>();

	// a class ends SUCCESSFUL even when one of its tests failed: the worst outcome of its tests, by unique id
	private final Map<String, TestExecutionResult.Status> outcomes = new ConcurrentHashMap<>();

	@Override
	public void testPlanExecutionStarted(TestPlan testPlan) {
		FaultSuiteReport.suiteStarted();
	}

	@Override
	public void executionStarted(TestIdentifier test) {
		if (isScenario(test)) {
			this.started.put(test.getUniqueId(), System.nanoTime());
			this.startUpsBefore.put(test.getUniqueId(), StartUps.totals());
		}
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		if (test.isTest()) {
			this.outcomes.put(test.getUniqueId(), result.getStatus());
		}
		Long start = this.started.remove(test.getUniqueId());
		if (start != null) {
			long[] before = this.startUpsBefore.remove(test.getUniqueId());
			long[] after = StartUps.totals();
			FaultSuiteReport.scenarioFinished(name(test), Duration.ofNanos(System.nanoTime() - start),
					(int) (after[0] - before[0]), Duration.ofNanos(after[1] - before[1]),
					Duration.ofNanos(after[2] - before[2]), worst(test.getUniqueId(), result.getStatus()).name());
		}
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (!FaultSuiteReport.isEmpty()) {
			System.out.println("\n" + FaultSuiteReport.report());
		}
	}

	private TestExecutionResult.Status worst(String scenario, TestExecutionResult.Status own) {
		TestExecutionResult.Status worst = own;
		for (Map.Entry<String, TestExecutionResult.Status> outcome : this.outcomes.entrySet()) {
			if (outcome.getKey().startsWith(scenario) && outcome.getValue().ordinal() > worst.ordinal()) {
				worst = outcome.getValue();
			}
		}
		return worst;
	}

	private static boolean isScenario(TestIdentifier test) {
		return test.getSource().filter(ClassSource.class::isInstance).isPresent();
	}

	// the class without its package: "DuplicateStormScenario"
	private static String name(TestIdentifier test) {
		String className = ((ClassSource) test.getSource().orElseThrow()).getClassName();
		return className.substring(className.lastIndexOf('.') + 1);
	}

}
