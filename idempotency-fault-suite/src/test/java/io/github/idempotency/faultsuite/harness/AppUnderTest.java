package io.github.idempotency.faultsuite.harness;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The apps the suite starts as child JVMs: the sample app, and a minimal test app for the scenario that starts one
 * configuration many times.
 */
public enum AppUnderTest {

	/**
	 * The sample payments app, with everything a user's service has: security, actuator, metrics, validation, the
	 * fake PSP. Ready when its health endpoint answers.
	 */
	SAMPLE_APP("sample-app", "io.github.idempotency.sample.SamplePaymentsApplication", "sample-payments-app",
			"/actuator/health"),

	/**
	 * The minimal payments app ({@code io.github.idempotency.faultsuite.minimal}): one
	 * {@code @Idempotent @Transactional} endpoint that inserts a row through JPA, on Spring MVC, Hibernate and the JPA
	 * store only. Scenario 2 starts it 23 times per database: a start takes about half the sample app's CPU
	 * (docs/reliability.md).
	 */
	MINIMAL_APP("minimal-app", "io.github.idempotency.faultsuite.minimal.MinimalPaymentsApplication",
			"fault-suite-minimal-app", "/ready");

	// Redis stays off unless the redis profile asks for it, as the sample app's own application.yml says
	private static final List<String> REDIS_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
			"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration");

	// the messaging the sample app's kafka and rabbit profiles use, which no scenario does
	private static final List<String> MESSAGING_AUTO_CONFIGURATIONS = List.of(
			"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
			"org.springframework.boot.kafka.autoconfigure.metrics.KafkaMetricsAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.RabbitAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.health.RabbitHealthContributorAutoConfiguration",
			"org.springframework.boot.amqp.autoconfigure.metrics.RabbitMetricsAutoConfiguration");

	private final String fileName;

	private final String mainClass;

	private final String artifactId;

	private final String readinessPath;

	AppUnderTest(String fileName, String mainClass, String artifactId, String readinessPath) {
		this.fileName = fileName;
		this.mainClass = mainClass;
		this.artifactId = artifactId;
		this.readinessPath = readinessPath;
	}

	/** The prefix of its files in {@code target/fault-suite-child/}: archives, AOT contexts, their logs. */
	String fileName() {
		return this.fileName;
	}

	String mainClass() {
		return this.mainClass;
	}

	/** The artifact id Spring AOT names in the native-image hints it writes. */
	String artifactId() {
		return this.artifactId;
	}

	/** The path that answers 200 once the app serves requests. */
	String readinessPath() {
		return this.readinessPath;
	}

	/**
	 * Command-line properties every start of the app gets before the caller's.
	 * <p>
	 * For the sample app, start-up work no scenario needs: the OpenAPI document and Swagger UI, and the Kafka and
	 * RabbitMQ auto-configurations (its events profiles are never active here); spring.autoconfigure.exclude on the
	 * command line replaces the app's own list, so that list is repeated outside the redis profile. The minimal app
	 * reads its own {@code minimal-app.yml} rather than the sample app's {@code application.yml}, which is on the
	 * same class path.
	 * @param profile the Spring profile, or {@code null}
	 * @return command-line arguments
	 */
	List<String> arguments(@Nullable String profile) {
		if (this == MINIMAL_APP) {
			return List.of("--spring.config.name=minimal-app");
		}
		List<String> excluded = new ArrayList<>(MESSAGING_AUTO_CONFIGURATIONS);
		if (profile == null || !List.of(profile.split(",")).contains("redis")) {
			excluded.addAll(REDIS_AUTO_CONFIGURATIONS);
		}
		return List.of("--spring.autoconfigure.exclude=" + String.join(",", excluded),
				"--springdoc.api-docs.enabled=false", "--springdoc.swagger-ui.enabled=false");
	}

}
