package io.github.idempotency.faultsuite.harness;

import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestPlan;

/**
 * Prints the suite's table once every scenario ran (registered in {@code META-INF/services}).
 */
public final class ReportPrintingListener implements TestExecutionListener {

	@Override
	public void testPlanExecutionFinished(TestPlan testPlan) {
		if (!FaultSuiteReport.isEmpty()) {
			System.out.println("\nFault suite (" + SuiteConfiguration.current().name() + ")\n\n"
					+ FaultSuiteReport.table());
		}
	}

}
