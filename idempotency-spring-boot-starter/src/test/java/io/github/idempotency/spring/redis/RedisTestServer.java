package io.github.idempotency.spring.redis;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * The Redis server that tests share, chosen once per JVM: the address in {@code IDEMPOTENCY_TEST_REDIS_URL} (CI
 * sets it to the machine's server), else a Testcontainers container when a Docker engine answers, else a
 * {@code redis-server} from the {@code embedded-redis} artifact (or the machine's binary when the artifact has none
 * for this platform). Whatever this class starts, it stops when the JVM exits.
 * <p>
 * Other people may use the same server at the same time: write under {@link #uniquePrefix(Class)}, never flush.
 */
public final class RedisTestServer {

	/** The environment variable that names a running server, such as {@code redis://127.0.0.1:6379}. */
	public static final String URL_VARIABLE = "IDEMPOTENCY_TEST_REDIS_URL";

	private static final String IMAGE = "redis:7.4-alpine";

	private static String url;

	private RedisTestServer() {
	}

	/**
	 * The shared server's address, starting one if needed.
	 * @return a {@code redis://} URL
	 */
	public static synchronized String url() {
		if (url == null) {
			url = resolve();
		}
		return url;
	}

	/**
	 * A started connection factory for a server, with a command timeout.
	 * @param url the server's {@code redis://} URL
	 * @param commandTimeout how long a command may take before it fails
	 * @return the factory; {@link LettuceConnectionFactory#destroy() destroy} it after use
	 */
	public static LettuceConnectionFactory connectionFactory(String url, Duration commandTimeout) {
		LettuceConnectionFactory factory = new LettuceConnectionFactory(
				LettuceConnectionFactory.createRedisConfiguration(url),
				LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
		factory.afterPropertiesSet();
		factory.start();
		return factory;
	}

	/**
	 * A started connection factory for the shared server, with a 2 second command timeout.
	 * @return the factory; {@link LettuceConnectionFactory#destroy() destroy} it after use
	 */
	public static LettuceConnectionFactory connectionFactory() {
		return connectionFactory(url(), Duration.ofSeconds(2));
	}

	/**
	 * Connects (to every node of a cluster: the keys spread over the slots) and caches the store's scripts, so that the
	 * first request a test times does not pay for them.
	 * @param connectionFactory a started connection factory
	 */
	public static void warmUp(RedisConnectionFactory connectionFactory) {
		RedisIdempotencyStore store = new RedisIdempotencyStore(connectionFactory, "idempotency-test:warm-up:");
		for (int i = 0; i < 16; i++) {
			StorageKey key = IdempotencyKey.of("", "warm-up", UUID.randomUUID().toString()).storageKey();
			ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(key,
					RequestFingerprint.of("warm-up"), Instant.now(), Duration.ofSeconds(1));
			store.renew(key, claimed.owner(), Instant.now(), Duration.ofSeconds(1));
			store.find(key, Instant.now());
			store.complete(key, claimed.owner(), RecordState.FINISHED_OK, StoredResponse.of(200, Map.of(),
					new byte[0]), Instant.now(), Duration.ofSeconds(1));
			StorageKey other = IdempotencyKey.of("", "warm-up", UUID.randomUUID().toString()).storageKey();
			ClaimResult.Claimed again = (ClaimResult.Claimed) store.claim(other, RequestFingerprint.of("warm-up"),
					Instant.now(), Duration.ofSeconds(1));
			store.release(other, again.owner(), Instant.now());
		}
	}

	/**
	 * A key prefix that no other test class or run uses.
	 * @param testClass the test class
	 * @return the prefix
	 */
	public static String uniquePrefix(Class<?> testClass) {
		return "idempotency-test:" + testClass.getSimpleName() + ":" + UUID.randomUUID().toString().substring(0, 8)
				+ ":";
	}

	private static String resolve() {
		String configured = System.getenv(URL_VARIABLE);
		if (configured != null && !configured.isBlank()) {
			return configured.trim();
		}
		if (dockerAnswers()) {
			GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(IMAGE)).withExposedPorts(6379);
			container.start();
			Runtime.getRuntime().addShutdownHook(new Thread(container::stop, "redis-test-container-stop"));
			return "redis://" + container.getHost() + ":" + container.getMappedPort(6379);
		}
		RedisServerProcess server = RedisServerProcess
			.start(RedisServerProcess.embeddedBinary()
				.or(RedisServerProcess::systemBinary)
				.orElseThrow(() -> new IllegalStateException("No Redis for tests: set " + URL_VARIABLE
						+ ", start Docker, or run on a platform that the embedded-redis artifact supports")));
		Runtime.getRuntime().addShutdownHook(new Thread(server::close, "redis-test-server-stop"));
		return server.url();
	}

	private static boolean dockerAnswers() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (RuntimeException | LinkageError ex) {
			return false;
		}
	}

}
