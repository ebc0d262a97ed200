package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.sql.DataSource;

import io.github.idempotency.core.ClaimResult;
import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.StoredResponse;
import io.github.idempotency.core.store.IdempotencyStoreException;
import io.github.idempotency.core.execution.ResultCodec;
import io.github.idempotency.spring.Idempotent;
import io.github.idempotency.spring.JsonResultCodecFactory;
import io.github.idempotency.spring.ResultCodecFactory;
import io.github.idempotency.spring.web.IdempotencyFilter;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The application of the end-to-end join-transaction tests: a controller and a plain bean whose {@code @Idempotent}
 * methods book ledger entries through JPA in {@code @Transactional} code, with {@code idempotency.jpa.join-transaction}
 * on. Faults are switched on the server (one shot), so that a retry with the same request can succeed.
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@EntityScan(basePackageClasses = LedgerEntry.class)
@Import({ JoinedTransactionApplication.PaymentController.class, JoinedTransactionApplication.PaymentProblems.class })
class JoinedTransactionApplication {

	static final String FAIL_AFTER_HANDLER = "X-Fail-After-Handler";

	static final String PAUSE_BEFORE_ATTACH = "X-Pause-Before-Attach";

	@Bean
	SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
		return http.csrf((csrf) -> csrf.disable())
			.authorizeHttpRequests((requests) -> requests.anyRequest().permitAll())
			.build();
	}

	@Bean
	AttachFailingStore idempotencyStore(DataSource dataSource) {
		return new AttachFailingStore(dataSource);
	}

	/**
	 * Fails a request after the handler returned and the response was rendered (e.g. a later filter or the
	 * container), when it carries {@value #FAIL_AFTER_HANDLER}: the idempotency filter sees the chain throw.
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> failingAfterHandlerFilter() {
		return afterTheHandler(FAIL_AFTER_HANDLER, IdempotencyFilter.DEFAULT_ORDER + 1, () -> {
			throw new IllegalStateException("Failed after the handler's transaction committed");
		});
	}

	@Bean
	AttachGate attachGate() {
		return new AttachGate();
	}

	/**
	 * Holds a request that carries {@value #PAUSE_BEFORE_ATTACH} after its handler's transaction committed and its
	 * response was rendered, before the idempotency filter attaches that response to the record: the
	 * commit-to-attach window, made as long as a test needs.
	 */
	@Bean
	FilterRegistrationBean<OncePerRequestFilter> pausingBeforeAttachFilter(AttachGate gate) {
		return afterTheHandler(PAUSE_BEFORE_ATTACH, IdempotencyFilter.DEFAULT_ORDER + 2, gate::pause);
	}

	/**
	 * A filter inside the idempotency filter (a higher order) that runs an action once the rest of the chain returned,
	 * for a request that carries a header.
	 * @param header the header
	 * @param order the filter's order
	 * @param action what to do then
	 * @return the filter's registration
	 */
	private static FilterRegistrationBean<OncePerRequestFilter> afterTheHandler(String header, int order,
			Runnable action) {
		FilterRegistrationBean<OncePerRequestFilter> registration = new FilterRegistrationBean<>(
				new OncePerRequestFilter() {

					@Override
					protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response,
							FilterChain chain) throws ServletException, IOException {
						chain.doFilter(request, response);
						if (request.getHeader(header) != null) {
							action.run();
						}
					}

				});
		registration.setOrder(order);
		return registration;
	}

	@Bean
	static CountingCodecs idempotencyResultCodecFactory(ObjectProvider<JsonMapper> jsonMapper) {
		return new CountingCodecs(new JsonResultCodecFactory(jsonMapper.getIfUnique(() -> JsonMapper.builder().build())));
	}

	@Bean
	Ledger ledger() {
		return new Ledger();
	}

	@Bean
	Bookings bookings(Ledger ledger) {
		return new Bookings(ledger);
	}

	/** What the next booking does after its insert, once. */
	enum Fault {

		NONE, UNAVAILABLE, DECLINED

	}

	/** The business service: books an entry through JPA in its own {@code @Transactional} method. */
	static class Ledger {

		@PersistenceContext
		private EntityManager entityManager;

		private final AtomicReference<Fault> nextFault = new AtomicReference<>(Fault.NONE);

		private final AtomicInteger bookings = new AtomicInteger();

		void failNext(Fault fault) {
			this.nextFault.set(fault);
		}

		int bookings() {
			return this.bookings.get();
		}

		@Transactional
		public LedgerEntry raise(String entryId, long by) {
			LedgerEntry entry = this.entityManager.find(LedgerEntry.class, entryId);
			entry.raise(by);
			// not flushed: the entity's version changes only when the transaction flushes it
			return entry;
		}

		@Transactional
		public String book(String paymentId, long amount) {
			this.bookings.incrementAndGet();
			LedgerEntry entry = new LedgerEntry(UUID.randomUUID().toString(), paymentId, amount);
			this.entityManager.persist(entry);
			this.entityManager.flush();
			switch (this.nextFault.getAndSet(Fault.NONE)) {
				case UNAVAILABLE -> throw new ProviderUnavailableException();
				case DECLINED -> throw new PaymentDeclinedException();
				default -> {
				}
			}
			return entry.getId();
		}

	}

	/** A bean that is not a controller: its return value is stored through the JSON codec. */
	static class Bookings {

		private final Ledger ledger;

		private final NextBookingAction afterBooking = new NextBookingAction();

		Bookings(Ledger ledger) {
			this.ledger = ledger;
		}

		void afterNextBooking(Runnable action) {
			this.afterBooking.set(action);
		}

		@Idempotent(key = "#paymentId", scope = Idempotent.Scope.GLOBAL)
		@Transactional
		public String book(String paymentId, long amount) {
			String entryId = this.ledger.book(paymentId, amount);
			this.afterBooking.runOnce();
			return entryId;
		}

		@Idempotent(key = "'raise:' + #entryId", scope = Idempotent.Scope.GLOBAL)
		@Transactional
		public LedgerEntry raise(String entryId, long by) {
			return this.ledger.raise(entryId, by);
		}

		@Idempotent(key = "#paymentId", scope = Idempotent.Scope.GLOBAL)
		@Transactional
		public UnencodableReceipt bookWithUnencodableReceipt(String paymentId, long amount) {
			return new UnencodableReceipt(this.ledger.book(paymentId, amount));
		}

	}

	/** A booking's receipt whose getter throws while Jackson encodes it for replay. */
	public static final class UnencodableReceipt {

		private final String entryId;

		UnencodableReceipt(String entryId) {
			this.entryId = entryId;
		}

		public String getEntryId() {
			throw new IllegalStateException("the receipt of " + this.entryId + " cannot be rendered");
		}

	}

	@RestController
	static class PaymentController {

		private final Ledger ledger;

		PaymentController(Ledger ledger) {
			this.ledger = ledger;
		}

		@PostMapping("/joined/payments")
		@Idempotent(scope = Idempotent.Scope.GLOBAL)
		ResponseEntity<Map<String, Object>> pay(@RequestBody Map<String, Object> request) {
			String paymentId = (String) request.get("paymentId");
			String entryId = this.ledger.book(paymentId, ((Number) request.get("amount")).longValue());
			return ResponseEntity.created(URI.create("/joined/payments/" + entryId))
				.body(Map.of("id", entryId, "paymentId", paymentId, "nonce", UUID.randomUUID().toString()));
		}

		/** The same, where a duplicate of a running request waits for its answer. */
		@PostMapping("/joined/waiting-payments")
		@Idempotent(name = "waiting-payments", scope = Idempotent.Scope.GLOBAL)
		ResponseEntity<Map<String, Object>> payWaiting(@RequestBody Map<String, Object> request) {
			return pay(request);
		}

		/** Books, then fails with an exception its rollback rules keep the booking for. */
		@PostMapping("/joined/fee-payments")
		@Idempotent(scope = Idempotent.Scope.GLOBAL)
		@Transactional(noRollbackFor = FeeNotChargedException.class)
		public ResponseEntity<Map<String, Object>> payWithoutFee(@RequestBody Map<String, Object> request) {
			this.ledger.book((String) request.get("paymentId"), ((Number) request.get("amount")).longValue());
			throw new FeeNotChargedException();
		}

	}

	/** Where a paused request waits until the test lets it go on. */
	static class AttachGate {

		private volatile CountDownLatch paused = new CountDownLatch(1);

		private volatile CountDownLatch resumed = new CountDownLatch(1);

		void pause() {
			this.paused.countDown();
			try {
				if (!this.resumed.await(2, TimeUnit.MINUTES)) {
					throw new IllegalStateException("The test never resumed the paused request");
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		void awaitPaused() throws InterruptedException {
			if (!this.paused.await(2, TimeUnit.MINUTES)) {
				throw new IllegalStateException("No request paused before its response was attached");
			}
		}

		void resume() {
			this.resumed.countDown();
		}

		void reset() {
			resume();
			this.paused = new CountDownLatch(1);
			this.resumed = new CountDownLatch(1);
		}

	}

	@RestControllerAdvice
	static class PaymentProblems {

		@ExceptionHandler(PaymentDeclinedException.class)
		ProblemDetail declined(PaymentDeclinedException ex) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.PAYMENT_REQUIRED, "declined " + UUID.randomUUID());
		}

		@ExceptionHandler(FeeNotChargedException.class)
		ProblemDetail feeNotCharged(FeeNotChargedException ex) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.PAYMENT_REQUIRED, "fee not charged " + UUID.randomUUID());
		}

		@ExceptionHandler(ProviderUnavailableException.class)
		ProblemDetail unavailable(ProviderUnavailableException ex) {
			return ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, "try again later");
		}

	}

	static class PaymentDeclinedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		PaymentDeclinedException() {
			super("The payment was declined after its entry was booked");
		}

	}

	static class FeeNotChargedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		FeeNotChargedException() {
			super("The entry was booked, the fee was not charged");
		}

	}

	static class ProviderUnavailableException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		ProviderUnavailableException() {
			super("The payment provider failed after the entry was booked");
		}

	}

	/**
	 * The JPA store, whose attaching completion (the one after the joined transaction) can be made to fail, as if the
	 * process died between the commit and the attach.
	 */
	static class AttachFailingStore extends JpaIdempotencyStore {

		private volatile boolean failAttach;

		private final Map<StorageKey, AtomicInteger> claimsOfRecordsInForce = new ConcurrentHashMap<>();

		AttachFailingStore(DataSource dataSource) {
			super(dataSource);
		}

		/**
		 * How many claims of the key found a record in force (a duplicate that was refused, waits or replays).
		 * @param key the key
		 * @return the count
		 */
		int claimsOfRecordInForce(StorageKey key) {
			AtomicInteger count = this.claimsOfRecordsInForce.get(key);
			return (count != null) ? count.get() : 0;
		}

		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, Instant now, Duration lease) {
			return counted(key, super.claim(key, fingerprint, now, lease));
		}

		// the variant the executor calls
		@Override
		public ClaimResult claim(StorageKey key, RequestFingerprint fingerprint, long nowEpochMillis, Duration lease,
				Duration retention) {
			return counted(key, super.claim(key, fingerprint, nowEpochMillis, lease, retention));
		}

		private ClaimResult counted(StorageKey key, ClaimResult result) {
			if (result instanceof ClaimResult.Existing) {
				this.claimsOfRecordsInForce.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
			}
			return result;
		}

		void failAttach(boolean failAttach) {
			this.failAttach = failAttach;
		}

		@Override
		public boolean complete(StorageKey key, OwnerToken owner, RecordState state, StoredResponse response,
				Instant now, Duration retention) {
			if (this.failAttach) {
				throw new IdempotencyStoreException("The process died before the response was attached");
			}
			return super.complete(key, owner, state, response, now, retention);
		}

	}

	/** The JSON codecs of the auto-configuration, counting how often they encode a method's return value. */
	static final class CountingCodecs implements ResultCodecFactory {

		private final ResultCodecFactory json;

		private final AtomicInteger encodes = new AtomicInteger();

		CountingCodecs(ResultCodecFactory json) {
			this.json = json;
		}

		int encodes() {
			return this.encodes.get();
		}

		@Override
		public ResultCodec<Object> codecFor(java.lang.reflect.Method method) {
			ResultCodec<Object> codec = this.json.codecFor(method);
			return new ResultCodec<>() {

				@Override
				public byte[] encode(Object value) {
					CountingCodecs.this.encodes.incrementAndGet();
					return codec.encode(value);
				}

				@Override
				public Object decode(byte[] bytes) {
					return codec.decode(bytes);
				}

			};
		}

		@Override
		public byte[] encodeArguments(Object[] arguments) {
			return this.json.encodeArguments(arguments);
		}

		@Override
		public void checkEncodable(java.lang.reflect.Method method, int parameterIndex) {
			this.json.checkEncodable(method, parameterIndex);
		}

	}

}
