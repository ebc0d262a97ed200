package io.github.idempotency.faultsuite.harness;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Times every scenario (each test, and each store of a parameterized one) for the report, and prints the suite's
 * table once every scenario ran (registered in {@code META-INF/services}).
 */
public final class ReportPrintingListener implements TestExecutionListener {

	private final Map<String, Long> started = new ConcurrentHashMap<>();

	@Override
	public void testPlanExecutionStarted(TestPlan testPlan) {
		FaultSuiteReport.suiteStarted();
	}

	@Override
	public void executionStarted(TestIdentifier test) {
		if (test.isTest()) {
			this.started.put(test.getUniqueId(), System.nanoTime());
		}
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		Long start = this.started.remove(test.getUniqueId());
		if (start != null) {
			FaultSuiteReport.scenarioFinished(name(test), Duration.ofNanos(System.nanoTime() - start),
					result.getStatus().name());
		}
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (!FaultSuiteReport.isEmpty()) {
			System.out.println("\n" + FaultSuiteReport.report());
		}
	}

	// "DuplicateStormScenario redis": the class without its package, and a parameterized test's display name
	private static String name(TestIdentifier test) {
		String scenario = test.getSource()
			.filter(MethodSource.class::isInstance)
			.map((source) -> ((MethodSource) source).getClassName())
			.map((className) -> className.substring(className.lastIndexOf('.') + 1))
			.orElse("");
		// a plain test's display name is its method's ("name()"), a parameterized invocation's its parameter
		return test.getDisplayName().endsWith(")") ? scenario : (scenario + " " + test.getDisplayName()).trim();
	}

}
