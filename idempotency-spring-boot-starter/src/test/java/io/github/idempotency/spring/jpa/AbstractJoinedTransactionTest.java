package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.AttachFailingStore;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Bookings;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Fault;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Ledger;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.ProviderUnavailableException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * {@code idempotency.jpa.join-transaction=true} end to end: an application on a real embedded server whose
 * {@code @Idempotent} controller and plain bean book ledger entries through JPA in {@code @Transactional} code. The
 * interceptor and the web handler run them in the transaction that writes their completion, so the business row and
 * the record commit or roll back together, whatever the method, its exception handlers or the process do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractJoinedTransactionTest {

	private static final String PAYMENTS = "/joined/payments";

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private ConfigurableApplicationContext context;

	private int port;

	private Ledger ledger;

	private Bookings bookings;

	private AttachFailingStore store;

	private JdbcTemplate jdbc;

	/**
	 * The application's properties: its {@code spring.datasource.*} and how the idempotency table is created.
	 * @return {@code key=value} pairs
	 */
	protected abstract String[] applicationProperties();

	static SpringApplicationBuilder application(WebApplicationType type, String... properties) {
		return new SpringApplicationBuilder(JoinedTransactionApplication.class).web(type)
			.properties("server.port=0", "spring.jpa.hibernate.ddl-auto=create-drop", "idempotency.store=jpa",
					"idempotency.jpa.join-transaction=true", "spring.main.banner-mode=off")
			.properties(properties);
	}

	@BeforeEach
	void startApplication() {
		// one application for the class, started once the subclass has prepared its database
		if (this.context == null) {
			this.context = application(WebApplicationType.SERVLET, applicationProperties()).run();
			this.port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
			this.ledger = this.context.getBean(Ledger.class);
			this.bookings = this.context.getBean(Bookings.class);
			this.store = this.context.getBean(AttachFailingStore.class);
			this.jdbc = new JdbcTemplate(this.context.getBean(DataSource.class));
		}
	}

	@AfterEach
	void clearFaults() {
		if (this.context != null) {
			this.ledger.failNext(Fault.NONE);
			this.store.failAttach(false);
		}
	}

	@AfterAll
	void stopApplication() {
		if (this.context != null) {
			this.context.close();
			this.context = null;
		}
	}

	@Test
	void storeIsTheJpaStoreWithAJoinedCompletion() {
		assertThat(this.context.getBean(IdempotencyStore.class)).isSameAs(this.store);
		assertThat(this.context.getBean(io.github.idempotency.spring.JoinedCompletion.class))
			.isInstanceOf(TransactionalCompletion.class);
	}

	@Test
	void handlerCommitsOneRowAndItsExactResponseAndARetryReplaysIt() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		HttpResponse<byte[]> first = post(key, paymentId);
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = record(key);
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().status()).isEqualTo(201);
		assertThat(record.response().bodyRetained()).isTrue();
		assertThat(record.response().body()).isEqualTo(first.body());
		assertThat(record.response().headers().get("Location")).containsExactly(location(first));
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(location(retry)).isEqualTo(location(first));
		assertThat(entries(paymentId)).as("the retry did not run").isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void serverErrorAfterTheInsertRollsItBackAndFreesTheKey() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		this.ledger.failNext(Fault.UNAVAILABLE);

		HttpResponse<byte[]> first = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(503);
		assertThat(entries(paymentId)).as("rolled back").isZero();
		assertThat(this.store.find(storageKey(key), Instant.now())).as("released").isEmpty();

		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(entries(paymentId)).isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).as("the retry ran").isEqualTo(2);
	}

	@Test
	void clientErrorFromAnExceptionHandlerRollsTheInsertBackAndIsReplayed() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		this.ledger.failNext(Fault.DECLINED);

		HttpResponse<byte[]> first = post(key, paymentId);
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("declined");
		assertThat(entries(paymentId)).as("rolled back").isZero();
		IdempotencyRecord record = record(key);
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThat(record.response().body()).isEqualTo(first.body());
		assertThat(retry.statusCode()).isEqualTo(402);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void crashBetweenTheCommitAndTheAttachedResponseNeverRunsTheHandlerAgain() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		this.store.failAttach(true);

		HttpResponse<byte[]> first = post(key, paymentId);
		this.store.failAttach(false);
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = record(key);
		assertThat(record.state()).as("finished in the handler's transaction").isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().status()).isEqualTo(201);
		assertThat(record.response().bodyRetained()).as("the provisional response").isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(location(retry)).isEqualTo(location(first));
		assertThat(new String(retry.body(), StandardCharsets.UTF_8)).contains("response-not-retained");
		assertThat(entries(paymentId)).as("the retry did not run").isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void failureAfterTheCommitKeepsTheProvisionalResponseInsteadOfReleasing() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		HttpResponse<byte[]> first = send(request(key, paymentId)
			.header(JoinedTransactionApplication.FAIL_AFTER_HANDLER, "true")
			.build());
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(500);
		assertThat(entries(paymentId)).isOne();
		IdempotencyRecord record = record(key);
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_OK);
		assertThat(record.response().status()).isEqualTo(201);
		assertThat(record.response().bodyRetained()).isFalse();
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.headers().firstValue("Location")).hasValueSatisfying(
				(location) -> assertThat(location).startsWith("/joined/payments/"));
		assertThat(entries(paymentId)).as("the retry did not run").isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void beanMethodCommitsOneRowAndASecondCallReturnsTheDecodedValue() {
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		String first = this.bookings.book(paymentId, 1250);
		String second = this.bookings.book(paymentId, 1250);

		assertThat(second).isEqualTo(first);
		assertThat(entries(paymentId)).isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void beanMethodThatThrowsAfterItsInsertLeavesNoRowAndAFreeKey() {
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		this.ledger.failNext(Fault.UNAVAILABLE);

		assertThatExceptionOfType(ProviderUnavailableException.class)
			.isThrownBy(() -> this.bookings.book(paymentId, 1250));
		assertThat(entries(paymentId)).isZero();
		String retried = this.bookings.book(paymentId, 1250);

		assertThat(retried).isNotNull();
		assertThat(entries(paymentId)).isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).as("the retry ran").isEqualTo(2);
	}

	@Test
	void beanMethodCrashBetweenTheCommitAndTheAttachedResultStillReplays() {
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		this.store.failAttach(true);

		String first = this.bookings.book(paymentId, 1250);
		this.store.failAttach(false);
		String second = this.bookings.book(paymentId, 1250);

		assertThat(second).as("decoded from the result written in the transaction").isEqualTo(first);
		assertThat(entries(paymentId)).isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void beanMethodThatLostItsLeaseLeavesNoRowBecauseItsTransactionalJoined() {
		String paymentId = newPaymentId();
		// another instance takes the key over while this execution still runs
		this.bookings.afterNextBooking(() -> this.store.delete(IdempotencyContext.require().key().storageKey()));

		assertThatExceptionOfType(FencedCompletionException.class)
			.isThrownBy(() -> this.bookings.book(paymentId, 1250));
		assertThat(entries(paymentId)).as("the @Transactional insert was rolled back with the completion").isZero();
	}

	@Test
	void beanMethodCalledInsideATransactionFailsWithAMessageThatSaysWhy() {
		String paymentId = newPaymentId();
		TransactionTemplate outer = new TransactionTemplate(this.context.getBean(PlatformTransactionManager.class));

		assertThatIllegalStateException()
			.isThrownBy(() -> outer.executeWithoutResult((status) -> this.bookings.book(paymentId, 1250)))
			.withMessageContaining("a transaction is already active")
			.withMessageContaining("idempotency.interceptor-order");
		assertThat(entries(paymentId)).isZero();
		this.bookings.book(paymentId, 1250);
		assertThat(entries(paymentId)).as("the key was released").isOne();
	}

	private HttpResponse<byte[]> post(String key, String paymentId) {
		return send(request(key, paymentId).build());
	}

	private HttpRequest.Builder request(String key, String paymentId) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + PAYMENTS))
			.timeout(Duration.ofSeconds(30))
			.header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"paymentId\":\"" + paymentId + "\",\"amount\":1250}", StandardCharsets.UTF_8));
	}

	private HttpResponse<byte[]> send(HttpRequest request) {
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private IdempotencyRecord record(String key) {
		return this.store.find(storageKey(key), Instant.now()).orElseThrow();
	}

	private static io.github.idempotency.core.StorageKey storageKey(String key) {
		return IdempotencyKey.of("", "POST " + PAYMENTS, key).storageKey();
	}

	private static String location(HttpResponse<byte[]> response) {
		return response.headers().firstValue("Location").orElseThrow();
	}

	private int entries(String paymentId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry WHERE payment_id = ?", Integer.class,
				paymentId);
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

	private static String newPaymentId() {
		return UUID.randomUUID().toString();
	}

}
