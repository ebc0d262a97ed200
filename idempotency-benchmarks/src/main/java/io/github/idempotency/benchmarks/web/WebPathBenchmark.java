package io.github.idempotency.benchmarks.web;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.core.store.InMemoryIdempotencyStore;
import io.github.idempotency.spring.IdempotentMethod;
import io.github.idempotency.spring.IdempotentMethodRegistry;
import io.github.idempotency.spring.web.IdempotencyFilter;
import jakarta.servlet.Filter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockServletContext;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.context.WebApplicationContext;
import org.springframework.web.context.support.GenericWebApplicationContext;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

/**
 * The library's web path in one JVM, without sockets: a mock request through the starter's
 * {@link IdempotencyFilter}, the {@code DispatcherServlet} and the interceptor, on the memory store. {@code plain}
 * is the same handler without {@code @Idempotent}: the difference between a benchmark and {@code plain} is what the
 * library adds to a request (key, fingerprint over the body, capture of the response, store, replay write).
 * {@code spelKey} is the SpEL key expression alone. {@code fullStoreRefusal} and {@code fullStoreReplay} run on a
 * second app whose memory store is full of records in force ({@link FullStore}): a new key answered 503 against the
 * replay of a key the store holds, the library's own share of issue 12's "the 503 path costs no more than a
 * replay", without the connection a 503 costs on Tomcat; {@code fullStoreRefusalAppRendered} is the same refusal
 * rendered by an application's {@code ResponseEntityExceptionHandler}. Run with {@code -prof gc} for the bytes
 * allocated per request.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class WebPathBenchmark {

	private static final byte[] BODY = "{\"sku\":\"BOOK-1\",\"qty\":2}".getBytes(StandardCharsets.US_ASCII);

	private ConfigurableApplicationContext context;

	private MockMvc mvc;

	private IdempotentMethod spelMethod;

	private final Object[] spelArguments = { new WebPathApplication.Purchase("BOOK-1", 2) };

	private long next;

	@Setup
	public void setUp() throws Exception {
		// a 1 s retention keeps the memory store far below its bound however fast first requests go
		this.context = start("idempotency.ttl=1s");
		this.mvc = mockMvc(this.context);
		Method spel = WebPathApplication.PurchaseController.class.getMethod("spel", WebPathApplication.Purchase.class);
		this.spelMethod = this.context.getBean(IdempotentMethodRegistry.class)
			.find(spel, WebPathApplication.PurchaseController.class)
			.orElseThrow(() -> new IllegalStateException("/spel is not registered as idempotent"));
		verify();
	}

	// the benchmarks measure what they say: a new key executes, a repeated key replays
	private void verify() throws Exception {
		if (idem("verify-" + System.nanoTime()).getResponse().getHeader("Idempotent-Replayed") != null) {
			throw new IllegalStateException("A new key replayed");
		}
		idem("replayed");
		MvcResult replay = idem("replayed");
		if (!"true".equals(replay.getResponse().getHeader("Idempotent-Replayed"))
				|| replay.getResponse().getContentAsByteArray().length != WebPathApplication.RECEIPT.length) {
			throw new IllegalStateException("A repeated key did not replay the receipt");
		}
	}

	@TearDown
	public void tearDown() {
		this.context.close();
	}

	/**
	 * The handler without the library.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult plain() throws Exception {
		return this.mvc.perform(post("/plain").contentType(MediaType.APPLICATION_JSON)
			.header("Idempotency-Key", "k" + (this.next++))
			.content(BODY)).andReturn();
	}

	/**
	 * A first request with a header key: filter, key, fingerprint, claim, handler, capture, complete.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult firstRequest() throws Exception {
		return idem("k" + (this.next++));
	}

	/**
	 * A duplicate of a finished request: filter, key, fingerprint, claim that finds the record, replay write.
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult replay() throws Exception {
		return idem("replayed");
	}

	/**
	 * The SpEL key {@value WebPathApplication#KEY_EXPRESSION} evaluated over the method's arguments, as the
	 * interceptor does for every request of a SpEL-keyed method (the expression is parsed once, at start-up).
	 * @return the key
	 */
	@Benchmark
	public String spelKey() {
		return this.spelMethod.evaluateKey(this.spelArguments);
	}

	/**
	 * A new key on a full memory store: filter, key, fingerprint, the store's refusal, the problem raised to Spring
	 * MVC and resolved, the 503 {@code problem+json} written by the filter.
	 * @param store the full store's app
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult fullStoreRefusal(FullStore store) throws Exception {
		return store.refused();
	}

	/**
	 * {@link #fullStoreRefusal(FullStore)} with the refusal rendered by an application's
	 * {@code ResponseEntityExceptionHandler} advice ({@link AppRenderedFullStore}) instead of the filter: the refusal
	 * raised to Spring MVC and resolved by the advice, its {@code ProblemDetail} written by Jackson.
	 * @param store the full store's app with the advice
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult fullStoreRefusalAppRendered(AppRenderedFullStore store) throws Exception {
		return store.refused();
	}

	/**
	 * The replay of a key the full store holds: the same path as {@link #replay()}, on the store of
	 * {@link #fullStoreRefusal(FullStore)}.
	 * @param store the full store's app
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult fullStoreReplay(FullStore store) throws Exception {
		return store.replayed();
	}

	/**
	 * {@link #fullStoreReplay(FullStore)} of a key whose stored body is exactly as long as the 503 problem: the refusal
	 * against a replay with the same bytes to write, since MockMvc writes a body a byte at a time, each with a flush,
	 * which a servlet container does not.
	 * @param store the full store's app
	 * @return the response
	 * @throws Exception never
	 */
	@Benchmark
	public MvcResult fullStoreReplayProblemSized(FullStore store) throws Exception {
		return store.replayedProblemSized();
	}

	private MvcResult idem(String key) throws Exception {
		return idem(this.mvc, key);
	}

	private static ConfigurableApplicationContext start(String... properties) {
		// a servlet context with no server: MockMvc drives the DispatcherServlet and the filter directly
		return new SpringApplicationBuilder(WebPathApplication.class).web(WebApplicationType.SERVLET)
			.contextFactory((type) -> new GenericWebApplicationContext(new MockServletContext()))
			.properties("server.port=-1", "spring.main.banner-mode=off", "logging.level.root=warn",
					"idempotency.store=memory")
			.properties(properties)
			.run();
	}

	private static MockMvc mockMvc(ConfigurableApplicationContext context) {
		return MockMvcBuilders.webAppContextSetup((WebApplicationContext) context)
			.addFilters(idempotencyFilter(context))
			.build();
	}

	private static MvcResult idem(MockMvc mvc, String key) throws Exception {
		return mvc.perform(post("/idem").contentType(MediaType.APPLICATION_JSON)
			.header("Idempotency-Key", key)
			.content(BODY)).andReturn();
	}

	private static Filter idempotencyFilter(ConfigurableApplicationContext context) {
		return context.getBeanProvider(FilterRegistrationBean.class)
			.stream()
			.map(FilterRegistrationBean::getFilter)
			.filter(IdempotencyFilter.class::isInstance)
			.map(Filter.class::cast)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The starter registered no IdempotencyFilter"));
	}

	/**
	 * A second app whose memory store is full: {@value #RECORDS} records of finished first requests that live an
	 * hour, one of them the held key that {@link #replayed()} replays. A claim of any other key is refused at once
	 * (no record expires during a run), so {@link #refused()} sends one constant key, as {@link #replayed()} does:
	 * neither pays for making a key.
	 */
	@State(Scope.Thread)
	public static class FullStore {

		/** The store's bound, {@code idempotency.memory.max-records}: what the refusal costs does not depend on it. */
		static final int RECORDS = 1_000;

		private static final String HELD_KEY = "held";

		private static final String REFUSED_KEY = "refused";

		private static final String HELD_SIZED_KEY = "held-sized";

		private ConfigurableApplicationContext context;

		private MockMvc mvc;

		@Setup
		public void setUp() throws Exception {
			this.context = start("idempotency.ttl=1h", "idempotency.memory.max-records=" + RECORDS,
					WebPathApplication.APP_RENDERED_PROBLEMS + "=" + appRendersProblems());
			this.mvc = mockMvc(this.context);
			InMemoryIdempotencyStore store = this.context.getBean(InMemoryIdempotencyStore.class);
			expect(idem(this.mvc, HELD_KEY), 201, false);
			WebPathApplication.sizeReceipt(problemLength());
			expect(idemSized(), 201, false);
			for (int i = 2; i < RECORDS; i++) {
				expect(idem(this.mvc, "fill-" + i), 201, false);
			}
			if (store.size() != RECORDS) {
				throw new IllegalStateException(
						"The store holds " + store.size() + " records, not its bound " + RECORDS);
			}
			verify(store);
		}

		// the benchmarks measure what they say: a new key is refused by the full store with the 503 problem, and the
		// held key replays its receipt
		private void verify(InMemoryIdempotencyStore store) throws Exception {
			long refusedBefore = store.refusedClaims();
			int problemLength = -1;
			for (int i = 0; i < 2; i++) {
				MvcResult refused = expect(refused(), 503, false);
				problemLength = refused.getResponse().getContentAsByteArray().length;
				String type = "\"type\":\"https://idempotency.github.io/problems/store-unavailable\"";
				if (!"application/problem+json".equals(refused.getResponse().getContentType())
						|| !refused.getResponse().getContentAsString().contains(type)
						|| refused.getResponse().getHeader("Retry-After") == null) {
					throw new IllegalStateException("A new key on the full store was not answered with the 503 "
							+ "store-unavailable problem: " + refused.getResponse().getContentType() + " "
							+ refused.getResponse().getContentAsString());
				}
				// Spring MVC's rendering adds the request's path as the instance; the library's body has none
				if (refused.getResponse().getContentAsString().contains("\"instance\":") != appRendersProblems()) {
					throw new IllegalStateException("The 503 was " + (appRendersProblems() ? "not " : "")
							+ "rendered by the application's advice: " + refused.getResponse().getContentAsString());
				}
			}
			if (store.refusedClaims() != refusedBefore + 2) {
				throw new IllegalStateException("The 503 did not come from the full store's refusal: "
						+ (store.refusedClaims() - refusedBefore) + " refusals counted for 2 requests");
			}
			MvcResult sized = expect(replayedProblemSized(), 201, true);
			if (sized.getResponse().getContentAsByteArray().length != problemLength) {
				throw new IllegalStateException("The problem-sized replay is not as long as the 503 problem");
			}
			MvcResult replay = expect(replayed(), 201, true);
			if (!Arrays.equals(replay.getResponse().getContentAsByteArray(), WebPathApplication.RECEIPT)) {
				throw new IllegalStateException("The held key did not replay the receipt");
			}
			if (store.size() != RECORDS) {
				throw new IllegalStateException("The store's size moved to " + store.size() + " while verifying");
			}
		}

		private static MvcResult expect(MvcResult result, int status, boolean replayed) {
			boolean wasReplayed = "true".equals(result.getResponse().getHeader("Idempotent-Replayed"));
			if (result.getResponse().getStatus() != status || wasReplayed != replayed) {
				throw new IllegalStateException("Expected " + status + (replayed ? " replayed" : "") + ", got "
						+ result.getResponse().getStatus() + (wasReplayed ? " replayed" : ""));
			}
			return result;
		}

		@TearDown
		public void tearDown() {
			this.context.close();
		}

		/**
		 * Whether an application's advice renders the refusals.
		 * @return {@code false}: the filter writes the library's problem
		 */
		boolean appRendersProblems() {
			return false;
		}

		MvcResult refused() throws Exception {
			return idem(this.mvc, REFUSED_KEY);
		}

		MvcResult replayed() throws Exception {
			return idem(this.mvc, HELD_KEY);
		}

		MvcResult replayedProblemSized() throws Exception {
			return idemSized();
		}

		private MvcResult idemSized() throws Exception {
			return this.mvc.perform(post("/idem-sized").contentType(MediaType.APPLICATION_JSON)
				.header("Idempotency-Key", HELD_SIZED_KEY)
				.content(BODY)).andReturn();
		}

		// the 503 problem's length, read from a store of one record before this store is full: its sized twin must
		// be one of the records that fill it
		private int problemLength() throws Exception {
			try (ConfigurableApplicationContext probe = start("idempotency.ttl=1h", "idempotency.memory.max-records=1",
					WebPathApplication.APP_RENDERED_PROBLEMS + "=" + appRendersProblems())) {
				MockMvc probeMvc = mockMvc(probe);
				expect(idem(probeMvc, HELD_KEY), 201, false);
				return expect(idem(probeMvc, REFUSED_KEY), 503, false).getResponse().getContentAsByteArray().length;
			}
		}

	}

	/**
	 * {@link FullStore} in an app whose {@code ResponseEntityExceptionHandler} advice renders the refusals: the same
	 * 503 {@code problem+json} with its type and {@code Retry-After}, written by Spring MVC rather than the filter.
	 */
	@State(Scope.Thread)
	public static class AppRenderedFullStore extends FullStore {

		@Override
		boolean appRendersProblems() {
			return true;
		}

	}

}
