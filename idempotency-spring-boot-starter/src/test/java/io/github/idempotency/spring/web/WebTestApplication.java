package io.github.idempotency.spring.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.execution.IdempotencyListener;
import io.github.idempotency.core.execution.StoreOperation;
import io.github.idempotency.core.execution.StoreOperationResult;
import io.github.idempotency.core.store.CorruptRecordException;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.core.testing.ForwardingStore;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * The application the web tests run on a real server: the test controllers, HTTP Basic users {@code alice} and
 * {@code bob} (anonymous access allowed too), and a store that a test can make fail.
 */
@SpringBootConfiguration
@EnableAutoConfiguration(excludeName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.data.jpa.autoconfigure.DataJpaRepositoriesAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisReactiveAutoConfiguration",
		"org.springframework.boot.data.redis.autoconfigure.DataRedisRepositoriesAutoConfiguration" })
@Import({ TestController.class, TestExceptionHandlers.class, FailingAfterReturnEndpoints.class })
public class WebTestApplication {

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http.csrf((csrf) -> csrf.disable())
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.httpBasic(Customizer.withDefaults())
			.build();
	}

	@Bean
	UserDetailsService users() {
		return new InMemoryUserDetailsManager(User.withUsername("alice").password("{noop}alice-secret").build(),
				User.withUsername("bob").password("{noop}bob-secret").build());
	}

	@Bean
	SwitchableStore idempotencyStore() {
		return new SwitchableStore();
	}

	@Bean
	Invocations invocations() {
		return new Invocations();
	}

	@Bean
	Gate gate() {
		return new Gate();
	}

	@Bean
	ClaimCounter claimCounter() {
		return new ClaimCounter();
	}

	/** Counts how often each test endpoint really ran. */
	public static class Invocations {

		private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

		int increment(String name) {
			return this.counts.computeIfAbsent(name, (key) -> new AtomicInteger()).incrementAndGet();
		}

		public int count(String name) {
			AtomicInteger count = this.counts.get(name);
			return (count != null) ? count.get() : 0;
		}

		public void reset() {
			this.counts.clear();
		}

	}

	/** Holds a slow endpoint until the test opens it. */
	public static class Gate {

		private volatile CountDownLatch open = new CountDownLatch(1);

		private volatile CountDownLatch entered = new CountDownLatch(1);

		public void close() {
			this.open = new CountDownLatch(1);
			this.entered = new CountDownLatch(1);
		}

		public void open() {
			this.open.countDown();
		}

		public boolean awaitEntered() throws InterruptedException {
			return this.entered.await(10, TimeUnit.SECONDS);
		}

		void pass() throws InterruptedException {
			this.entered.countDown();
			if (!this.open.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The gate was never opened");
			}
		}

	}

	/** Counts claims, to know when concurrent duplicates have all reached the store. */
	public static class ClaimCounter implements IdempotencyListener {

		private final AtomicInteger claims = new AtomicInteger();

		private final AtomicInteger renewals = new AtomicInteger();

		@Override
		public void onStoreOperation(String store, StoreOperation operation, StoreOperationResult result,
				Duration elapsed) {
			if (operation == StoreOperation.CLAIM) {
				this.claims.incrementAndGet();
			}
			if (operation == StoreOperation.RENEW && result == StoreOperationResult.SUCCESS) {
				this.renewals.incrementAndGet();
			}
		}

		public int claims() {
			return this.claims.get();
		}

		public int renewals() {
			return this.renewals.get();
		}

		public void reset() {
			this.claims.set(0);
			this.renewals.set(0);
		}

	}

	/** The in-memory store, which a test can make unreachable. */
	public static class SwitchableStore extends ForwardingStore {

		private final AtomicBoolean failing = new AtomicBoolean();

		private final AtomicBoolean corrupt = new AtomicBoolean();

		public SwitchableStore() {
			super(new InMemoryIdempotencyStore());
		}

		public void failing(boolean failing) {
			this.failing.set(failing);
			this.corrupt.set(false);
		}

		/** Every operation finds an unreadable record, as a store does whose data was damaged. */
		public void corrupt(boolean corrupt) {
			this.corrupt.set(corrupt);
		}

		private void check() {
			if (this.failing.get()) {
				throw new IdempotencyStoreException("The test store is down", null);
			}
			if (this.corrupt.get()) {
				throw new CorruptRecordException("The test record is unreadable");
			}
		}

		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
			check();
			return super.claim(key, fingerprint, now, lease);
		}

		@Override
		public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
				Instant now, Duration retention) {
			check();
			return super.complete(key, owner, state, response, now, retention);
		}

		@Override
		public boolean release(StorageKey key, OwnerToken owner, Instant now) {
			check();
			return super.release(key, owner, now);
		}

		@Override
		public boolean renew(StorageKey key, OwnerToken owner, Instant now, Duration lease) {
			check();
			return super.renew(key, owner, now, lease);
		}

		@Override
		public Optional<IdempotencyRecord> find(StorageKey key, Instant now) {
			check();
			return super.find(key, now);
		}

		@Override
		public String name() {
			return "memory";
		}

	}

}
