package io.github.idempotency.spring.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ClaimOutcome;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.RedisConnection;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The cost budget on a real server, counted at the wire by a proxy in front of it: a first request costs two round
 * trips (claim, complete), a replay, a conflict or a mismatch one.
 */
class RedisRoundTripsIT {

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("round-trips");

	private static final ResultCodec<String> CODEC = new Utf8StringCodec();

	private final AtomicInteger runs = new AtomicInteger();

	private CommandCountingProxy proxy;

	private LettuceConnectionFactory connectionFactory;

	private IdempotentExecutor executor;

	private RedisServerProcess ownServer;

	@AfterEach
	void stop() throws Exception {
		if (this.executor != null) {
			this.executor.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.ownServer != null) {
			this.ownServer.close();
		}
	}

	@Test
	void aFirstRequestCostsTwoRoundTripsAndAReplayOne() throws Exception {
		connect(RedisTestServer.url());
		IdempotencyKey key = newKey();
		warmUp();

		int mark = this.proxy.commands().size();
		ExecutionResult<String> first = this.executor.execute(key, fingerprint("a"), POLICY, CODEC,
				this::run);
		assertThat(first).isInstanceOf(ExecutionResult.Executed.class);
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA", "EVALSHA");

		mark = this.proxy.commands().size();
		ExecutionResult<String> replay = this.executor.execute(key, fingerprint("a"), POLICY, CODEC,
				this::run);
		assertThat(replay).isEqualTo(new ExecutionResult.Replayed<>("result 1"));
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA");

		mark = this.proxy.commands().size();
		assertThat(this.executor.execute(key, fingerprint("b"), POLICY, CODEC, this::run))
			.isInstanceOf(ExecutionResult.Mismatch.class);
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA");
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void aConflictCostsOneRoundTrip() throws Exception {
		connect(RedisTestServer.url());
		IdempotencyKey key = newKey();
		warmUp();
		ClaimOutcome.Acquired running = (ClaimOutcome.Acquired) this.executor.claim(key, fingerprint("a"), POLICY);

		int mark = this.proxy.commands().size();
		assertThat(this.executor.claim(key, fingerprint("a"), POLICY)).isInstanceOf(ClaimOutcome.InProgress.class);
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA");

		running.execution().release();
	}

	@Test
	void reloadsItsScriptsOnceWhenTheServerForgotThem() throws Exception {
		Optional<java.nio.file.Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the script cache test, which flushes a server of its own");
		this.ownServer = RedisServerProcess.start(binary.get());
		connect(this.ownServer.url());
		IdempotencyKey key = newKey();
		warmUp();
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.scriptingCommands().scriptFlush();
		}

		int mark = this.proxy.commands().size();
		this.executor.execute(key, fingerprint("a"), POLICY, CODEC, this::run);
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA", "EVAL", "EVALSHA", "EVAL");

		mark = this.proxy.commands().size();
		this.executor.execute(key, fingerprint("a"), POLICY, CODEC, this::run);
		assertThat(this.proxy.commandsSince(mark)).containsExactly("EVALSHA");
		assertThat(this.runs).hasValue(1);
	}

	@Test
	void aReplayRunsOneCommandInsideItsScriptAndAFirstRequestSeven() throws Exception {
		Optional<java.nio.file.Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the count of commands inside the scripts, which needs a server of its own");
		this.ownServer = RedisServerProcess.start(binary.get());
		connect(this.ownServer.url());
		IdempotencyKey key = newKey();
		warmUp();

		resetCommandStats();
		this.executor.execute(key, fingerprint("a"), POLICY, CODEC, this::run);
		// claim: TIME, GET of the key and of its legacy key, SET; complete: TIME, GET, SET
		assertThat(commandCalls()).containsEntry("evalsha", 2L)
			.containsEntry("time", 2L)
			.containsEntry("get", 3L)
			.containsEntry("set", 2L);

		resetCommandStats();
		this.executor.execute(key, fingerprint("a"), POLICY, CODEC, this::run);
		// a finished record is returned whatever the time: no TIME, one GET, no write
		assertThat(commandCalls()).containsOnlyKeys("evalsha", "get")
			.containsEntry("evalsha", 1L)
			.containsEntry("get", 1L);
		assertThat(this.runs).hasValue(1);
	}

	private void connect(String url) throws Exception {
		URI uri = URI.create(url);
		this.proxy = new CommandCountingProxy(uri.getHost(), uri.getPort());
		this.connectionFactory = RedisTestServer.connectionFactory(this.proxy.url(), Duration.ofSeconds(2));
		RedisIdempotencyStore store = new RedisIdempotencyStore(this.connectionFactory,
				RedisTestServer.uniquePrefix(getClass()));
		this.executor = IdempotentExecutor.builder(store).build();
	}

	/** Opens the connection and caches the scripts, so that only the requests under test are counted. */
	private void warmUp() throws Exception {
		this.executor.execute(newKey(), fingerprint("warm-up"), POLICY, CODEC, () -> "warm");
		((ClaimOutcome.Acquired) this.executor.claim(newKey(), fingerprint("warm-up"), POLICY)).execution().release();
	}

	private void resetCommandStats() {
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			connection.serverCommands().resetConfigStats();
		}
	}

	/** Calls per command since the last reset, as the server counts them: commands run by scripts included. */
	private Map<String, Long> commandCalls() {
		Properties stats;
		try (RedisConnection connection = this.connectionFactory.getConnection()) {
			stats = connection.serverCommands().info("commandstats");
		}
		Map<String, Long> calls = new TreeMap<>();
		stats.stringPropertyNames()
			.stream()
			.filter((name) -> name.startsWith("cmdstat_"))
			.forEach((name) -> calls.put(name.substring("cmdstat_".length()),
					Long.parseLong(stats.getProperty(name).replaceAll("^calls=(\\d+),.*$", "$1"))));
		// the reset and the INFO that reads them are counted too
		calls.keySet().removeIf((command) -> command.startsWith("config") || command.equals("info"));
		return calls;
	}

	private String run() {
		return "result " + this.runs.incrementAndGet();
	}

	private static IdempotencyKey newKey() {
		return IdempotencyKey.of("", "round-trips", UUID.randomUUID().toString());
	}

	private static RequestFingerprint fingerprint(String body) {
		return RequestFingerprint.of("POST", "/payments", body);
	}

}
