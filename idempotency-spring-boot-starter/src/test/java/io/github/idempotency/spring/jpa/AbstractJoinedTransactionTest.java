package io.github.idempotency.spring.jpa;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import io.github.idempotency.core.IdempotencyKey;
import io.github.idempotency.core.IdempotencyRecord;
import io.github.idempotency.core.RecordState;
import io.github.idempotency.core.StorageKey;
import io.github.idempotency.core.execution.IdempotencyContext;
import io.github.idempotency.core.execution.RetainedFailureException;
import io.github.idempotency.core.store.IdempotencyStore;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.AttachFailingStore;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.AttachGate;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Bookings;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.CountingCodecs;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Fault;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.Ledger;
import io.github.idempotency.spring.jpa.JoinedTransactionApplication.ProviderUnavailableException;
import org.awaitility.Awaitility;
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
import static org.assertj.core.api.Assertions.assertThatException;
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

	private static final String WAITING_PAYMENTS = "/joined/waiting-payments";

	private static final String FEE_PAYMENTS = "/joined/fee-payments";

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private ConfigurableApplicationContext context;

	private int port;

	private Ledger ledger;

	Bookings bookings;

	AttachFailingStore store;

	private AttachGate gate;

	private JdbcTemplate jdbc;

	/**
	 * The application's properties: its {@code spring.datasource.*} and how the idempotency table is created.
	 * @return {@code key=value} pairs
	 */
	protected abstract String[] applicationProperties();

	static SpringApplicationBuilder application(WebApplicationType type, String... properties) {
		return new SpringApplicationBuilder(JoinedTransactionApplication.class).web(type)
			.properties("server.port=0", "spring.jpa.hibernate.ddl-auto=create-drop", "idempotency.store=jpa",
					"idempotency.jpa.join-transaction=true", "spring.main.banner-mode=off",
					"idempotency.endpoints.waiting-payments.on-conflict=wait",
					"idempotency.endpoints.waiting-payments.wait-timeout=2m")
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
			this.gate = this.context.getBean(AttachGate.class);
			this.jdbc = new JdbcTemplate(this.context.getBean(DataSource.class));
		}
	}

	@AfterEach
	void clearFaults() {
		if (this.context != null) {
			this.ledger.failNext(Fault.NONE);
			this.store.failAttach(false);
			this.gate.reset();
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

		// answered once the attach has been retried for as long as the lease lasts (30 s by default): the request's
		// timeout must outlast that, not match it
		HttpResponse<byte[]> first = send(request(key, paymentId).timeout(Duration.ofMinutes(2)).build());
		HttpResponse<byte[]> duplicateWithinALease = post(key, paymentId);
		// one lease after the commit, the owner that never attached its response is presumed dead
		this.jdbc.update("UPDATE idempotency_record SET awaiting_response_until = ? WHERE id = ?",
				OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1), storageKey(key).value());
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(entries(paymentId)).isOne();
		assertThat(duplicateWithinALease.statusCode()).as("the owner may still attach its response").isEqualTo(409);
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
	void duplicateBetweenTheCommitAndTheAttachIsRefusedThenGetsTheRealAnswer() throws Exception {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		CompletableFuture<HttpResponse<byte[]>> first = sendAsync(
				request(PAYMENTS, key, paymentId).header(JoinedTransactionApplication.PAUSE_BEFORE_ATTACH, "true")
					.build());
		this.gate.awaitPaused();
		IdempotencyRecord marked = record(key);
		HttpResponse<byte[]> duplicate = post(key, paymentId);
		this.gate.resume();
		HttpResponse<byte[]> firstResponse = first.get(2, TimeUnit.MINUTES);
		HttpResponse<byte[]> retry = post(key, paymentId);

		assertThat(marked.state()).as("committed with the handler's work").isEqualTo(RecordState.FINISHED_OK);
		assertThat(marked.response().status()).isEqualTo(201);
		assertThat(marked.response().bodyRetained()).as("a crash now replays 'not retained'").isFalse();
		assertThat(duplicate.statusCode()).isEqualTo(409);
		assertThat(new String(duplicate.body(), StandardCharsets.UTF_8)).doesNotContain("response-not-retained");
		assertThat(firstResponse.statusCode()).isEqualTo(201);
		assertThat(record(key).response().body()).as("attached after the commit").isEqualTo(firstResponse.body());
		assertThat(retry.statusCode()).isEqualTo(201);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(firstResponse.body());
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void duplicateWaitingBetweenTheCommitAndTheAttachGetsTheRealAnswer() throws Exception {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();
		StorageKey storageKey = storageKey(WAITING_PAYMENTS, key);

		CompletableFuture<HttpResponse<byte[]>> first = sendAsync(request(WAITING_PAYMENTS, key, paymentId)
			.header(JoinedTransactionApplication.PAUSE_BEFORE_ATTACH, "true")
			.build());
		this.gate.awaitPaused();
		int claimsBefore = this.store.claimsOfRecordInForce(storageKey);
		CompletableFuture<HttpResponse<byte[]>> duplicate = sendAsync(
				request(WAITING_PAYMENTS, key, paymentId).build());
		// the duplicate found the committed record before the response was attached
		Awaitility.await()
			.atMost(Duration.ofMinutes(2))
			.until(() -> this.store.claimsOfRecordInForce(storageKey) > claimsBefore);
		this.gate.resume();
		HttpResponse<byte[]> firstResponse = first.get(2, TimeUnit.MINUTES);
		HttpResponse<byte[]> duplicateResponse = duplicate.get(2, TimeUnit.MINUTES);

		assertThat(firstResponse.statusCode()).isEqualTo(201);
		assertThat(duplicateResponse.statusCode()).isEqualTo(201);
		assertThat(duplicateResponse.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(duplicateResponse.body()).as("the real answer, not 'not retained'").isEqualTo(firstResponse.body());
		assertThat(this.ledger.bookings() - bookingsBefore).isOne();
	}

	@Test
	void noRollbackForKeepsTheRowAndTheErrorAnswerIsReplayed() {
		String key = newKey();
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		HttpResponse<byte[]> first = send(request(FEE_PAYMENTS, key, paymentId).build());
		HttpResponse<byte[]> retry = send(request(FEE_PAYMENTS, key, paymentId).build());

		assertThat(first.statusCode()).isEqualTo(402);
		assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("fee not charged");
		assertThat(entries(paymentId)).as("the method's rules keep the row").isOne();
		IdempotencyRecord record = this.store.find(storageKey(FEE_PAYMENTS, key), Instant.now()).orElseThrow();
		assertThat(record.state()).isEqualTo(RecordState.FINISHED_ERROR);
		assertThat(record.response().body()).isEqualTo(first.body());
		assertThat(retry.statusCode()).isEqualTo(402);
		assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(retry.body()).isEqualTo(first.body());
		assertThat(entries(paymentId)).isOne();
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
	void beanMethodEncodesItsResultOnceForTheTransactionAndTheCompletion() {
		CountingCodecs codecs = this.context.getBean(CountingCodecs.class);
		String paymentId = newPaymentId();
		int encodesBefore = codecs.encodes();

		String first = this.bookings.book(paymentId, 1250);

		assertThat(codecs.encodes() - encodesBefore).as("encodes of one joined call").isOne();
		assertThat(this.bookings.book(paymentId, 1250)).isEqualTo(first);
		assertThat(codecs.encodes() - encodesBefore).as("a replay decodes").isOne();

		assertThatException().isThrownBy(() -> this.bookings.bookWithUnencodableReceipt(newPaymentId(), 1250));
		assertThat(codecs.encodes() - encodesBefore).as("a value that cannot be encoded is tried once").isEqualTo(2);
	}

	@Test
	void beanMethodStoresItsResultAsTheCommitLeftIt() {
		String entryId = this.bookings.book(newPaymentId(), 1250);

		LedgerEntry raised = this.bookings.raise(entryId, 100);

		assertThat(raised.getVersion()).as("the flush at the commit raised the version").isOne();
		List<String> stored = this.jdbc.queryForList("SELECT body FROM idempotency_record WHERE state = 'FINISHED_OK'",
				byte[].class)
			.stream()
			.map((body) -> new String(body, StandardCharsets.UTF_8))
			.filter((body) -> body.contains(entryId) && body.contains("\"version\""))
			.toList();
		assertThat(stored).singleElement().satisfies((body) -> assertThat(body).contains("\"version\":1")
			.contains("\"amount\":1350"));
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
	void beanMethodWhoseResultCannotBeEncodedKeepsItsRowAndNeverRunsAgain() {
		String paymentId = newPaymentId();
		int bookingsBefore = this.ledger.bookings();

		assertThatException().isThrownBy(() -> this.bookings.bookWithUnencodableReceipt(paymentId, 1250));
		assertThat(entries(paymentId)).as("the method returned: its insert commits").isOne();
		assertThatExceptionOfType(RetainedFailureException.class)
			.isThrownBy(() -> this.bookings.bookWithUnencodableReceipt(paymentId, 1250))
			.withMessageContaining("could not be encoded");

		assertThat(entries(paymentId)).isOne();
		assertThat(this.ledger.bookings() - bookingsBefore).as("the retry did not run").isOne();
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

	// The lease is renewed every third of it while the method runs, on connections of the store's own: the completion at
	// the end of the method's transaction updates a row that a renewal changed after that transaction began.
	@Test
	void beanMethodWhoseLeaseIsRenewedDuringItsTransactionCommitsItsResult() {
		String paymentId = newPaymentId();
		this.bookings.afterNextBooking(() -> {
			IdempotencyContext context = IdempotencyContext.require();
			assertThat(this.store.renew(context.key().storageKey(), context.ownerToken(), Instant.now(),
					Duration.ofSeconds(30)))
				.as("renewal")
				.isTrue();
		});

		String first = this.bookings.book(paymentId, 1250);

		assertThat(this.bookings.book(paymentId, 1250)).isEqualTo(first);
		assertThat(entries(paymentId)).isOne();
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
		return request(PAYMENTS, key, paymentId);
	}

	private CompletableFuture<HttpResponse<byte[]>> sendAsync(HttpRequest request) {
		return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
	}

	private HttpRequest.Builder request(String path, String key, String paymentId) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
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

	private static StorageKey storageKey(String key) {
		return storageKey(PAYMENTS, key);
	}

	private static StorageKey storageKey(String path, String key) {
		return IdempotencyKey.of("", "POST " + path, key).storageKey();
	}

	private static String location(HttpResponse<byte[]> response) {
		return response.headers().firstValue("Location").orElseThrow();
	}

	int entries(String paymentId) {
		return this.jdbc.queryForObject("SELECT COUNT(*) FROM ledger_entry WHERE payment_id = ?", Integer.class,
				paymentId);
	}

	private static String newKey() {
		return UUID.randomUUID().toString();
	}

	static String newPaymentId() {
		return UUID.randomUUID().toString();
	}

}
