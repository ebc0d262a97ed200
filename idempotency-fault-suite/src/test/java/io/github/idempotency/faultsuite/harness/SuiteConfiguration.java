package io.github.idempotency.faultsuite.harness;

/**
 * The size of the suite: {@code full} gives the published figures, {@code short} is what CI affords on every run.
 * Chosen by the system property {@code fault-suite.configuration}.
 *
 * @param name the configuration's name
 * @param stormRuns runs of each duplicate storm
 * @param stormKeys keys per storm run
 * @param stormConcurrency identical requests sent at once per key
 * @param freshKeys keys sent while a store is down
 * @param isolationTrials alice/bob trials
 */
public record SuiteConfiguration(String name, int stormRuns, int stormKeys, int stormConcurrency, int freshKeys,
		int isolationTrials) {

	private static final SuiteConfiguration FULL = new SuiteConfiguration("full", 5, 50, 64, 200, 1000);

	private static final SuiteConfiguration SHORT = new SuiteConfiguration("short", 1, 20, 32, 50, 200);

	/**
	 * The configuration this run asked for.
	 * @return full unless {@code fault-suite.configuration=short}
	 */
	public static SuiteConfiguration current() {
		return "short".equals(System.getProperty("fault-suite.configuration")) ? SHORT : FULL;
	}

}
