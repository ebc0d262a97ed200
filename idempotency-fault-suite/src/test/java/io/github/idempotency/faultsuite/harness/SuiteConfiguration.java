package io.github.idempotency.faultsuite.harness;

/**
 * The size of the suite: {@code full} gives the published figures, {@code short} is a quicker run of every scenario
 * for a developer, {@code ci} the smallest sizes that still run every scenario and every negative control, which CI
 * runs on every build. Chosen by the system property {@code fault-suite.configuration}.
 *
 * @param name the configuration's name
 * @param stormRuns runs of each duplicate storm
 * @param stormKeys keys per storm run
 * @param stormConcurrency identical requests sent at once per key
 * @param freshKeys keys sent while a store is down
 * @param isolationTrials alice/bob trials
 * @param kills kills per database in scenario 2 (each costs an app start)
 * @param payloadBodies random JSON bodies in scenario 9
 */
public record SuiteConfiguration(String name, int stormRuns, int stormKeys, int stormConcurrency, int freshKeys,
		int isolationTrials, int kills, int payloadBodies) {

	private static final SuiteConfiguration FULL = new SuiteConfiguration("full", 5, 50, 64, 200, 1000, 20, 1000);

	private static final SuiteConfiguration SHORT = new SuiteConfiguration("short", 1, 20, 32, 50, 200, 2, 1000);

	private static final SuiteConfiguration CI = new SuiteConfiguration("ci", 1, 10, 16, 20, 50, 1, 200);

	/**
	 * The configuration this run asked for.
	 * @return full unless {@code fault-suite.configuration} is {@code short} or {@code ci}
	 */
	public static SuiteConfiguration current() {
		return switch (String.valueOf(System.getProperty("fault-suite.configuration"))) {
			case "short" -> SHORT;
			case "ci" -> CI;
			default -> FULL;
		};
	}

}
