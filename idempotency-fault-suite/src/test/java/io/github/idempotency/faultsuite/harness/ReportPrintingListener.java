package io.github.idempotency.faultsuite.harness;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Times every row of a scenario for the report, and prints the suite's table once every scenario ran (registered
 * in {@code META-INF/services}). A row is a test: a scenario's one test, or one store or fault of a parameterized
 * one. It counts from the end of the scenario's previous test, or from the scenario's start for its first, so its
 * {@code @BeforeAll} start-ups and the shared apps and stores it was the first to need are its first row's; the
 * {@code @AfterAll} clean-up after the last row (stopping what the scenario started) and the start-up preparation
 * (a configuration's Spring AOT processing and its class-data archive's training start) are counted in the whole run
 * only.
 */
public final class ReportPrintingListener implements TestExecutionListener {

	private volatile TestPlan plan;

	// per scenario (a test class), the moment and the start-up totals its next row counts from
	private final Map<String, Mark> marks = new ConcurrentHashMap<>();

	// scenarios that reported a row: one whose @BeforeAll failed reports itself instead
	private final Set<String> reported = ConcurrentHashMap.newKeySet();

	@Override
	public void testPlanExecutionStarted(TestPlan testPlan) {
		this.plan = testPlan;
		FaultSuiteReport.suiteStarted();
	}

	@Override
	public void executionStarted(TestIdentifier test) {
		if (isScenario(test)) {
			// the default configuration's class-data archive, which every app without a warm-up maps, needs no store:
			// trained before the first row that needs an app (a configuration's own, where its first row waits)
			ChildApp.defaultArchive();
			this.marks.put(test.getUniqueId(), Mark.now());
		}
	}

	@Override
	public void executionFinished(TestIdentifier test, TestExecutionResult result) {
		if (test.isTest()) {
			TestIdentifier scenario = scenarioOf(test);
			if (scenario != null) {
				Mark now = Mark.now();
				Mark since = this.marks.put(scenario.getUniqueId(), now);
				if (since != null) {
					report(rowName(test, scenario), since, now, result.getStatus());
					this.reported.add(scenario.getUniqueId());
				}
			}
		}
		if (isScenario(test)) {
			Mark since = this.marks.remove(test.getUniqueId());
			if (since != null && !this.reported.contains(test.getUniqueId())) {
				report(simpleName(test), since, Mark.now(), result.getStatus());
			}
		}
	}

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (!FaultSuiteReport.isEmpty()) {
			System.out.println("\n" + FaultSuiteReport.report());
		}
	}

	private static void report(String name, Mark since, Mark now, TestExecutionResult.Status outcome) {
		FaultSuiteReport.scenarioFinished(name, Duration.ofNanos(now.nanos() - since.nanos()),
				Duration.ofNanos(now.training() - since.training()), (int) (now.startUps()[0] - since.startUps()[0]),
				Duration.ofNanos(now.startUps()[1] - since.startUps()[1]),
				Duration.ofNanos(now.startUps()[2] - since.startUps()[2]), outcome.name());
	}

	private TestIdentifier scenarioOf(TestIdentifier test) {
		TestPlan testPlan = this.plan;
		TestIdentifier current = test;
		while (testPlan != null && current != null && !isScenario(current)) {
			current = testPlan.getParent(current).orElse(null);
		}
		return current;
	}

	// the scenario alone when it has one test; with the store or fault (a display name) when it has more
	private String rowName(TestIdentifier test, TestIdentifier scenario) {
		Set<TestIdentifier> children = this.plan.getChildren(scenario);
		boolean single = children.size() == 1 && children.iterator().next().isTest();
		// a parameterized test's display name quotes its text argument: "redis"
		return single ? simpleName(scenario) : simpleName(scenario) + " " + test.getDisplayName().replace("\"", "");
	}

	private static boolean isScenario(TestIdentifier test) {
		return test.getSource().filter(ClassSource.class::isInstance).isPresent();
	}

	// the class without its package: "DuplicateStormScenario"
	private static String simpleName(TestIdentifier scenario) {
		String className = ((ClassSource) scenario.getSource().orElseThrow()).getClassName();
		return className.substring(className.lastIndexOf('.') + 1);
	}

	/**
	 * A moment of the run.
	 *
	 * @param nanos {@link System#nanoTime()}
	 * @param startUps the child apps' start-up totals then ({@link StartUps#totals()})
	 * @param training the start-ups' preparation time so far: Spring AOT contexts and class-data archives
	 *     ({@link StartUps#preparationNanos()})
	 */
	private record Mark(long nanos, long[] startUps, long training) {

		static Mark now() {
			return new Mark(System.nanoTime(), StartUps.totals(), StartUps.preparationNanos());
		}

	}

}
