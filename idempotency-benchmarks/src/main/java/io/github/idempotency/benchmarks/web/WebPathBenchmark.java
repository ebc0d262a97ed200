package io.github.idempotency.benchmarks.web;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

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
 * {@code spelKey} is the SpEL key expression alone. Run with {@code -prof gc} for the bytes allocated per request.
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
		// a servlet context with no server: MockMvc drives the DispatcherServlet and the filter directly
		this.context = new SpringApplicationBuilder(WebPathApplication.class).web(WebApplicationType.SERVLET)
			.contextFactory((type) -> new GenericWebApplicationContext(new MockServletContext()))
			.properties("server.port=-1", "spring.main.banner-mode=off", "logging.level.root=warn",
					"idempotency.store=memory", "idempotency.ttl=1s")
			.run();
		this.mvc = MockMvcBuilders.webAppContextSetup((WebApplicationContext) this.context)
			.addFilters(idempotencyFilter())
			.build();
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

	private MvcResult idem(String key) throws Exception {
		return this.mvc.perform(post("/idem").contentType(MediaType.APPLICATION_JSON)
			.header("Idempotency-Key", key)
			.content(BODY)).andReturn();
	}

	private Filter idempotencyFilter() {
		return this.context.getBeanProvider(FilterRegistrationBean.class)
			.stream()
			.map(FilterRegistrationBean::getFilter)
			.filter(IdempotencyFilter.class::isInstance)
			.map(Filter.class::cast)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException("The starter registered no IdempotencyFilter"));
	}

}
