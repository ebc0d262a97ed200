package io.github.idempotency.spring.redis;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.execution.ExecutionPolicy;
import io.github.idempotency.core.execution.ExecutionResult;
import io.github.idempotency.core.execution.IdempotentExecutor;
import io.github.idempotency.core.testing.Utf8StringCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A Redis outage on a server of the test's own: while it is down, requests fail closed within the command timeout
 * and nothing runs; once it is back, the same keys run exactly once.
 */
class RedisOutageIT {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private static final ExecutionPolicy POLICY = ExecutionPolicy.defaults("outage");

	private final AtomicInteger runs = new AtomicInteger();

	private RedisServerProcess server;

	private LettuceConnectionFactory connectionFactory;

	private RedisIdempotencyStore store;

	private IdempotentExecutor executor;

	@BeforeEach
	void start() {
		Optional<Path> binary = RedisServerProcess.binary();
		assumeTrue(binary.isPresent(), "No redis-server binary runs here (neither the machine's nor the embedded "
				+ "artifact's): skipping the outage test, which stops a server of its own");
		this.server = RedisServerProcess.start(binary.get());
		this.connectionFactory = RedisTestServer.connectionFactory(this.server.url(), COMMAND_TIMEOUT);
		this.store = new RedisIdempotencyStore(this.connectionFactory, RedisTestServer.uniquePrefix(getClass()));
		this.executor = IdempotentExecutor.builder(this.store).build();
	}

	@AfterEach
	void stop() {
		if (this.executor != null) {
			this.executor.close();
		}
		if (this.connectionFactory != null) {
			this.connectionFactory.destroy();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void failsClosedWithinTheTimeoutWhileRedisIsDownAndRunsOnceWhenItIsBack() throws Exception {
		awaitFirstExecution();
		assertThat(this.runs).hasValue(1);
		List<IdempotencyKey> keys = List.of(newKey(), newKey(), newKey());

		this.server.kill();
		for (IdempotencyKey key : keys) {
			long start = System.nanoTime();
			ExecutionResult<String> result = execute(key);
			Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
			assertThat(result).isInstanceOf(ExecutionResult.StoreUnavailable.class);
			assertThat(elapsed).isLessThan(COMMAND_TIMEOUT.plusSeconds(1));
		}
		assertThat(this.runs).hasValue(1);

		this.server.restart();
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
			this.store.find(newKey().storageKey(), Instant.now());
			return true;
		});
		for (IdempotencyKey key : keys) {
			assertThat(execute(key)).isInstanceOf(ExecutionResult.Executed.class);
			assertThat(execute(key)).isInstanceOf(ExecutionResult.Replayed.class);
		}
		assertThat(this.runs).hasValue(1 + keys.size());
	}

	@Test
	void failsClosedWithinTheTimeoutWhileRedisHangs() throws Exception {
		awaitFirstExecution();
		assertThat(this.runs).hasValue(1);
		IdempotencyKey key = newKey();
		this.server.pause();
		try {
			long start = System.nanoTime();
			ExecutionResult<String> result = execute(key);
			assertThat(result).isInstanceOf(ExecutionResult.StoreUnavailable.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(COMMAND_TIMEOUT.plusSeconds(1));
			assertThat(this.runs).hasValue(1);
		}
		finally {
			this.server.resume();
		}
		// the claim that timed out was still delivered once Redis woke up: its key stays held for one lease (a
		// retry answers 409), and nothing ran
		await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
			.until(() -> this.store.find(key.storageKey(), Instant.now()).isPresent());
		// a retry refused for a slow store changes nothing: it is the first answer from the store that counts
		assertThat(await().atMost(Duration.ofSeconds(60))
			.until(() -> execute(key), (result) -> !(result instanceof ExecutionResult.StoreUnavailable)))
			.isInstanceOf(ExecutionResult.InProgress.class);
		assertThat(this.runs).hasValue(1);
	}

	/**
	 * Runs fresh keys until one runs: the first connection to a server that just started, in a JVM that may be
	 * loading Lettuce's classes on a busy machine, can take longer than the 500 ms under test. A refused attempt runs
	 * nothing (fail-closed), so exactly one run counts.
	 */
	private void awaitFirstExecution() {
		await().atMost(Duration.ofSeconds(60))
			.until(() -> execute(newKey()), (result) -> result instanceof ExecutionResult.Executed);
	}

	private ExecutionResult<String> execute(IdempotencyKey key) throws Exception {
		return this.executor.execute(key, RequestFingerprint.of("POST", "/payments", key.clientKey()), POLICY,
				new Utf8StringCodec(), () -> "run " + this.runs.incrementAndGet());
	}

	private static IdempotencyKey newKey() {
		return IdempotencyKey.of("", "outage", UUID.randomUUID().toString());
	}

}
