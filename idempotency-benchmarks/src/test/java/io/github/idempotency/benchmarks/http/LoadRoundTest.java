package io.github.idempotency.benchmarks.http;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The driver's rounds against a stub HTTP/1.1 server that counts connections and honours {@code Connection: close} as
 * Tomcat does: {@code --memory-fill}'s close rows compare a 503 with a replay only if both really pay for one
 * connection per request; and a replay storm longer than its key's record must never make the handler run again.
 */
class LoadRoundTest {

	private static final Duration RECORD_TTL = Duration.ofSeconds(2);

	private StubServer server;

	@BeforeEach
	void start() throws IOException {
		this.server = new StubServer((key) -> StubServer.SERVICE_UNAVAILABLE);
	}

	@AfterEach
	void stop() throws Exception {
		this.server.close();
	}

	@Test
	void closeEachSendsEveryRequestOnItsOwnConnection() throws Exception {
		LoadRound rounds = new LoadRound("127.0.0.1", this.server.port(), "test");
		RoundResult result = rounds.run("/bench/idem-long", Scenario.UNIQUE, (status) -> status == 503, 2, 200,
				rounds.prepare("/bench/idem-long", Scenario.UNIQUE), true);
		assertThat(result.requests()).isPositive();
		assertThat(result.unexpected()).isZero();
		assertThat(rounds.lastReconnects()).isEqualTo(result.requests());
		assertThat(this.server.connections.get()).isEqualTo(result.requests());
		assertThat(this.server.closeRequested.get()).isEqualTo(result.requests());
	}

	@Test
	void keepAliveReusesEachConnectionUntilTheServerClosesIt() throws Exception {
		LoadRound rounds = new LoadRound("127.0.0.1", this.server.port(), "test");
		RoundResult result = rounds.run("/bench/idem-long", Scenario.UNIQUE, (status) -> status == 503, 2, 200,
				rounds.prepare("/bench/idem-long", Scenario.UNIQUE));
		assertThat(result.requests()).isGreaterThan(2);
		assertThat(rounds.lastReconnects()).isZero();
		assertThat(this.server.connections.get()).isEqualTo(2);
		assertThat(this.server.closeRequested.get()).isZero();
	}

	@Test
	void replayStormLongerThanItsRecordMovesToANewKeyBeforeTheRecordExpires() throws Exception {
		ExpiringRecords records = new ExpiringRecords(RECORD_TTL);
		try (StubServer store = new StubServer(records::answer)) {
			LoadRound rounds = new LoadRound("127.0.0.1", store.port(), "test", true, RECORD_TTL);
			// more than twice the records' lifetime
			RoundResult result = rounds.run(Variant.IDEM, Scenario.REPLAY, 2, 2 * RECORD_TTL.toMillis() + 500);
			assertThat(result.requests()).isPositive();
			assertThat(result.unexpected()).isZero();
			assertThat(rounds.lastRenewals()).isGreaterThanOrEqualTo(2);
			// the seed before the round, then one first request per renewal; every other request replayed
			assertThat(records.executions.get()).isEqualTo(1 + rounds.lastRenewals());
		}
	}

	@Test
	void replayStormWithoutRenewalsExecutesItsKeyAgainOnceTheRecordExpires() throws Exception {
		ExpiringRecords records = new ExpiringRecords(RECORD_TTL);
		try (StubServer store = new StubServer(records::answer)) {
			// told that records live an hour, the round never renews its key: the control of the test above
			LoadRound rounds = new LoadRound("127.0.0.1", store.port(), "test", true, Duration.ofHours(1));
			RoundResult result = rounds.run(Variant.IDEM, Scenario.REPLAY, 2, 2 * RECORD_TTL.toMillis() + 500);
			assertThat(rounds.lastRenewals()).isZero();
			assertThat(records.executions.get()).isGreaterThan(1);
			assertThat(result.unexpected()).isPositive();
		}
	}

	@Test
	void plainPathAndUniqueKeysAreNeverRenewed() throws Exception {
		ExpiringRecords records = new ExpiringRecords(Duration.ofMillis(100));
		try (StubServer store = new StubServer(records::answer)) {
			LoadRound rounds = new LoadRound("127.0.0.1", store.port(), "test", true, Duration.ofMillis(100));
			rounds.run(Variant.PLAIN, Scenario.REPLAY, 1, 300);
			assertThat(rounds.lastRenewals()).isZero();
			rounds.run(Variant.IDEM, Scenario.UNIQUE, 1, 300);
			assertThat(rounds.lastRenewals()).isZero();
		}
	}

	@Test
	void uniqueKeysStartWithRandomDigitsUnlessSequential() {
		List<String> random = IntStream.range(0, 100).mapToObj((n) -> LoadRound.uniqueKey(false, "run-7", n)).toList();
		List<String> sequential = IntStream.range(0, 100)
			.mapToObj((n) -> LoadRound.uniqueKey(true, "run-7", n))
			.toList();

		for (List<String> keys : List.of(random, sequential)) {
			assertThat(keys).doesNotHaveDuplicates().allMatch((key) -> key.matches("[0-9a-f]{16}-run-7-[0-9]+"));
		}
		// a counter starts the sequential keys, in the order sent; 100 random numbers almost never come in order
		assertThat(sequential).isSorted();
		assertThat(sequential).map((key) -> key.substring(0, 16)).doesNotHaveDuplicates();
		assertThat(random).isNotEqualTo(random.stream().sorted().toList());
	}

	@Test
	void uniqueRoundSendsTheKeysInTheOrderAsked() throws Exception {
		for (boolean sequential : new boolean[] { false, true }) {
			List<String> keys = new CopyOnWriteArrayList<>();
			try (StubServer store = new StubServer((key) -> {
				keys.add(key);
				return "HTTP/1.1 201 Created\r\n";
			})) {
				LoadRound rounds = new LoadRound("127.0.0.1", store.port(), "test", true, RECORD_TTL, sequential);
				rounds.run(Variant.IDEM, Scenario.UNIQUE, 1, 100);
			}
			assertThat(keys).isNotEmpty();
			// the first key of a connection: counter 0 only when sequential (random digits are 0 once in 2^63)
			assertThat(keys.get(0).startsWith("8000000000000000-")).isEqualTo(sequential);
		}
	}

	@Test
	void closeRequestCarriesOneConnectionHeaderAndTheSameBody() {
		Requests requests = new Requests("127.0.0.1", 8080);
		String keepAlive = new String(requests.post("/bench/idem", "k1"), StandardCharsets.US_ASCII);
		String close = new String(requests.post("/bench/idem", "k1", true), StandardCharsets.US_ASCII);
		assertThat(keepAlive).doesNotContainIgnoringCase("Connection:");
		assertThat(close).containsOnlyOnce("\r\nConnection: close\r\n");
		assertThat(close.replace("\r\nConnection: close", "")).isEqualTo(keepAlive);
	}

	/**
	 * Records that live a fixed time, as an idempotent path keeps them: the first request of a key, or the first after
	 * its record expired, executes and is answered 201; any other is a replay.
	 */
	private static final class ExpiringRecords {

		final AtomicLong executions = new AtomicLong();

		private final Map<String, Long> expiresAt = new ConcurrentHashMap<>();

		private final long ttlNanos;

		ExpiringRecords(Duration ttl) {
			this.ttlNanos = ttl.toNanos();
		}

		String answer(String key) {
			long now = System.nanoTime();
			boolean[] executed = new boolean[1];
			this.expiresAt.compute(key, (k, expires) -> {
				if (expires == null || now - expires >= 0) {
					executed[0] = true;
					return now + this.ttlNanos;
				}
				return expires;
			});
			if (executed[0]) {
				this.executions.incrementAndGet();
				return "HTTP/1.1 201 Created\r\n";
			}
			return "HTTP/1.1 201 Created\r\nIdempotent-Replayed: true\r\n";
		}

	}

	/**
	 * Answers every request with the status line and headers its function gives for the request's
	 * {@code Idempotency-Key}, and a small body; closes the connection after it when the request asks.
	 */
	private static final class StubServer implements AutoCloseable {

		static final String SERVICE_UNAVAILABLE = "HTTP/1.1 503 Service Unavailable\r\n"
				+ "Content-Type: application/problem+json\r\n";

		private static final byte[] BODY = "{\"status\":503}".getBytes(StandardCharsets.US_ASCII);

		final AtomicLong connections = new AtomicLong();

		final AtomicLong closeRequested = new AtomicLong();

		private final Function<String, String> answer;

		private final ServerSocket socket;

		private final ExecutorService threads = Executors.newCachedThreadPool();

		StubServer(Function<String, String> answer) throws IOException {
			this.answer = answer;
			this.socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
			this.threads.execute(this::accept);
		}

		int port() {
			return this.socket.getLocalPort();
		}

		private void accept() {
			while (!this.socket.isClosed()) {
				try {
					Socket connection = this.socket.accept();
					this.connections.incrementAndGet();
					this.threads.execute(() -> serve(connection));
				}
				catch (IOException ex) {
					// closed by close()
				}
			}
		}

		private void serve(Socket connection) {
			try (connection) {
				InputStream in = new BufferedInputStream(connection.getInputStream());
				OutputStream out = connection.getOutputStream();
				while (true) {
					int length = -1;
					boolean close = false;
					String key = null;
					for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
						if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
							length = Integer.parseInt(line.substring(15).trim());
						}
						else if (line.regionMatches(true, 0, "Idempotency-Key:", 0, 16)) {
							key = line.substring(16).trim();
						}
						else if (line.equalsIgnoreCase("Connection: close")) {
							close = true;
						}
					}
					if (length < 0) {
						// the client closed the connection
						return;
					}
					in.readNBytes(length);
					if (close) {
						this.closeRequested.incrementAndGet();
					}
					String head = this.answer.apply(key) + "Content-Length: " + BODY.length + "\r\n"
							+ (close ? "Connection: close\r\n" : "") + "\r\n";
					out.write(head.getBytes(StandardCharsets.US_ASCII));
					out.write(BODY);
					out.flush();
					if (close) {
						return;
					}
				}
			}
			catch (IOException ex) {
				// the client went away at the end of its round
			}
		}

		private static String readLine(InputStream in) throws IOException {
			StringBuilder line = new StringBuilder();
			for (int c = in.read(); c != '\n'; c = in.read()) {
				if (c < 0) {
					return null;
				}
				if (c != '\r') {
					line.append((char) c);
				}
			}
			return line.toString();
		}

		@Override
		public void close() throws Exception {
			this.socket.close();
			this.threads.shutdownNow();
			this.threads.awaitTermination(10, TimeUnit.SECONDS);
		}

	}

}
