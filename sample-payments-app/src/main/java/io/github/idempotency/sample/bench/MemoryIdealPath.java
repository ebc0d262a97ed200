package io.github.idempotency.sample.bench;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The minimal path for the memory store: {@link ConcurrentHashMap#putIfAbsent} claims, {@code put} completes. A
 * sweep once a second drops expired entries, so that a run of unique keys does not fill the heap (the library's
 * store purges too).
 */
@Component
@Profile("bench")
@ConditionalOnProperty(name = "idempotency.store", havingValue = "memory")
class MemoryIdealPath implements IdealPath, DisposableBean {

	private static final byte[] PENDING = new byte[0];

	private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

	private final long ttlNanos;

	private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-ideal-sweeper");
		thread.setDaemon(true);
		return thread;
	});

	MemoryIdealPath(@Value("${idempotency.endpoints.bench.ttl:${idempotency.ttl}}") Duration ttl) {
		this.ttlNanos = ttl.toNanos();
		this.sweeper.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
	}

	@Override
	public IdealClaim claim(String key) {
		long now = System.nanoTime();
		Entry claim = new Entry(PENDING, now + this.ttlNanos);
		Entry current = this.entries.putIfAbsent(key, claim);
		if (current == null || (current.expiresAt - now < 0 && this.entries.replace(key, current, claim))) {
			return IdealClaim.CLAIMED;
		}
		return (current.body == PENDING) ? IdealClaim.IN_PROGRESS : new IdealClaim.Finished(current.body);
	}

	@Override
	public void complete(String key, byte[] body) {
		this.entries.put(key, new Entry(body, System.nanoTime() + this.ttlNanos));
	}

	private void sweep() {
		long now = System.nanoTime();
		this.entries.values().removeIf((entry) -> entry.expiresAt - now < 0);
	}

	@Override
	public void destroy() {
		this.sweeper.shutdownNow();
	}

	private record Entry(byte[] body, long expiresAt) {
	}

}
