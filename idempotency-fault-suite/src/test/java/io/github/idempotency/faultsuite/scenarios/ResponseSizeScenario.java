package io.github.idempotency.faultsuite.scenarios;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.github.idempotency.faultsuite.blobs.BlobAutoConfiguration;
import io.github.idempotency.faultsuite.harness.AppHttp;
import io.github.idempotency.faultsuite.harness.ChildApp;
import io.github.idempotency.faultsuite.harness.FaultSuiteReport;
import io.github.idempotency.faultsuite.stores.RedisStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Scenario 11, response size. A test-only idempotent endpoint streams bodies of a requested size (see
 * {@code faultsuite.blobs}) from a child JVM with {@code -Xmx256m} and {@code idempotency.max-response-size=1MB}.
 * <ul>
 * <li>One byte below, at and one byte above the limit, and at 10 MiB: per key, identical requests sent at once and
 * retried after. Each key executes once; the execution's client gets the whole body; every replay of a body at or
 * below the limit is byte-identical, and every replay of a larger one is a {@code response-not-retained} problem with
 * the first status. Above the limit, the method never runs twice.</li>
 * <li>32 concurrent 10 MiB responses, each for a fresh key: all arrive whole, and the child logs no
 * {@code OutOfMemoryError}.</li>
 * </ul>
 * The control runs the 32 concurrent responses with a limit of 64 MB, where every body is buffered whole: the child
 * must run out of memory, which shows that 32 x 10 MiB do not fit in its heap.
 */
class ResponseSizeScenario {

	private static final long LIMIT = 1024 * 1024;

	private static final long LARGE = 10 * 1024 * 1024;

	private static final int KEYS_PER_SIZE = 3;

	private static final int DUPLICATES = 6;

	private static final int RETRIES = 2;

	private static final int CONCURRENT_LARGE = 32;

	@Test
	@Timeout(value = 10, unit = TimeUnit.MINUTES)
	void aLargeResponseNeverRunsTwiceAndThirtyTwoOfThemFitA256MibHeap() throws Exception {
		Map<String, Long> sizes = new LinkedHashMap<>();
		sizes.put("limit - 1", LIMIT - 1);
		sizes.put("at limit", LIMIT);
		sizes.put("limit + 1", LIMIT + 1);
		sizes.put("10 MiB", LARGE);
		try (RedisStore store = RedisStore.shared()) {
			Map<String, SizeOutcome> outcomes = new LinkedHashMap<>();
			Concurrent concurrent;
			// the shared app has the blob endpoint, and the app's max-response-size: 1 MB
			try (ChildApp app = SharedApps.of(store)) {
				for (Map.Entry<String, Long> size : sizes.entrySet()) {
					outcomes.put(size.getKey(), duplicatesOfEachKey(app, size.getValue()));
				}
				concurrent = concurrentLarge(app);
			}
			Concurrent control;
			try (ChildApp app = ChildApp.start("response-size-control", store.profile(), properties(store, "64MB"))) {
				control = concurrentLarge(app);
			}
			boolean sizesPassed = outcomes.entrySet()
				.stream()
				.allMatch((entry) -> entry.getValue().passed(sizes.get(entry.getKey()) > LIMIT));
			boolean passed = sizesPassed && concurrent.passed();
			StringBuilder figure = new StringBuilder();
			outcomes.forEach((name, outcome) -> figure.append(name)
				.append(": ")
				.append(outcome.describe())
				.append("; "));
			figure.append(concurrent.describe());
			FaultSuiteReport.add(new FaultSuiteReport.Row("11 response size", "redis",
					sizes.size() + " sizes x " + KEYS_PER_SIZE + " keys, " + CONCURRENT_LARGE + " x 10 MiB",
					figure.toString(), passed ? "PASS" : "FAIL",
					control.passed() ? "PASSED (the suite fails: the control must fail): 32 buffered 10 MiB bodies fit"
							: "failed as required: max-response-size 64MB buffers every body: " + control.describe()));
			outcomes.forEach((name, outcome) -> assertThat(outcome.passed(sizes.get(name) > LIMIT))
				.as(name + ": " + outcome.describe())
				.isTrue());
			assertThat(concurrent.passed()).as(concurrent.describe()).isTrue();
			assertThat(control.passed()).as("the control must run out of memory: " + control.describe()).isFalse();
		}
	}

	private static Map<String, String> properties(RedisStore store, String maxResponseSize) {
		Map<String, String> properties = new HashMap<>(store.appProperties());
		properties.put(BlobAutoConfiguration.PROPERTY, "true");
		properties.put("idempotency.max-response-size", maxResponseSize);
		return properties;
	}

	/**
	 * For each of a few fresh keys: identical requests released at once, then retries one after another.
	 */
	private static SizeOutcome duplicatesOfEachKey(ChildApp app, long size) throws Exception {
		long executionsBefore = executions(app, "total");
		int whole = 0;
		int identicalReplays = 0;
		int notRetainedReplays = 0;
		int replays = 0;
		int conflicts = 0;
		int other = 0;
		ExecutorService clients = Executors.newFixedThreadPool(DUPLICATES);
		try {
			for (int k = 0; k < KEYS_PER_SIZE; k++) {
				String key = "size-" + UUID.randomUUID();
				CountDownLatch gate = new CountDownLatch(1);
				List<Future<Blob>> calls = new ArrayList<>();
				for (int i = 0; i < DUPLICATES; i++) {
					calls.add(clients.submit(() -> {
						gate.await();
						return post(app, key, size);
					}));
				}
				gate.countDown();
				List<Blob> answers = new ArrayList<>();
				for (Future<Blob> call : calls) {
					answers.add(call.get(90, TimeUnit.SECONDS));
				}
				for (int i = 0; i < RETRIES; i++) {
					answers.add(post(app, key, size));
				}
				for (Blob answer : answers) {
					if (answer.status() == 409) {
						conflicts++;
					}
					else if (answer.replayed()) {
						replays++;
						if (answer.whole(size)) {
							identicalReplays++;
						}
						else if (answer.status() == 201 && answer.notRetained()) {
							notRetainedReplays++;
						}
					}
					else if (answer.status() == 201 && answer.whole(size)) {
						whole++;
					}
					else {
						other++;
					}
				}
			}
		}
		finally {
			clients.shutdownNow();
		}
		return new SizeOutcome(KEYS_PER_SIZE, executions(app, "total") - executionsBefore, whole, replays,
				identicalReplays, notRetainedReplays, conflicts, other);
	}

	private static Concurrent concurrentLarge(ChildApp app) throws Exception {
		ExecutorService clients = Executors.newFixedThreadPool(CONCURRENT_LARGE);
		int whole = 0;
		try {
			CountDownLatch gate = new CountDownLatch(1);
			List<Future<Blob>> calls = new ArrayList<>();
			for (int i = 0; i < CONCURRENT_LARGE; i++) {
				calls.add(clients.submit(() -> {
					gate.await();
					return post(app, "large-" + UUID.randomUUID(), LARGE);
				}));
			}
			gate.countDown();
			for (Future<Blob> call : calls) {
				Blob answer = call.get(5, TimeUnit.MINUTES);
				if (answer.status() == 201 && !answer.replayed() && answer.whole(LARGE)) {
					whole++;
				}
			}
		}
		finally {
			clients.shutdownNow();
		}
		boolean outOfMemory = app.log().contains("OutOfMemoryError");
		return new Concurrent(whole, outOfMemory, app.isAlive());
	}

	private static long executions(ChildApp app, String field) {
		try {
			HttpRequest request = HttpRequest.newBuilder(app.uri("/fault-suite/blobs/executions"))
				.timeout(Duration.ofSeconds(30))
				.header("Authorization", AppHttp.ALICE)
				.build();
			HttpResponse<String> response = AppHttp.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
			java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)")
				.matcher(response.body());
			if (response.statusCode() != 200 || !matcher.find()) {
				throw new IllegalStateException("executions answered " + response.statusCode() + " " + response.body());
			}
			return Long.parseLong(matcher.group(1));
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Posts for a blob and reads the body as it arrives, keeping only its length, its digest and its start. */
	private static Blob post(ChildApp app, String key, long size) {
		HttpRequest request = HttpRequest.newBuilder(app.uri("/fault-suite/blobs?size=" + size))
			.timeout(Duration.ofMinutes(3))
			.header("Authorization", AppHttp.ALICE)
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		try {
			HttpResponse<InputStream> response = AppHttp.CLIENT.send(request,
					HttpResponse.BodyHandlers.ofInputStream());
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[64 * 1024];
			byte[] start = new byte[512];
			long length = 0;
			try (InputStream body = response.body()) {
				int read;
				while ((read = body.read(buffer)) != -1) {
					digest.update(buffer, 0, read);
					if (length < start.length) {
						System.arraycopy(buffer, 0, start, (int) length, (int) Math.min(read, start.length - length));
					}
					length += read;
				}
			}
			String head = new String(start, 0, (int) Math.min(length, start.length), StandardCharsets.UTF_8);
			return new Blob(response.statusCode(),
					response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent(), length,
					HexFormat.of().formatHex(digest.digest()), head.contains("response-not-retained"));
		}
		catch (IOException ex) {
			return new Blob(0, false, 0, "", false);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static final Map<Long, String> expectedDigests = new java.util.concurrent.ConcurrentHashMap<>();

	private static String expectedDigest(long size) {
		return expectedDigests.computeIfAbsent(size, (any) -> {
			try {
				MessageDigest digest = MessageDigest.getInstance("SHA-256");
				byte[] chunk = new byte[64 * 1024];
				for (long written = 0; written < size; written += chunk.length) {
					int length = (int) Math.min(chunk.length, size - written);
					for (int i = 0; i < length; i++) {
						// the blob endpoint's content (BlobController.content)
						chunk[i] = (byte) ((written + i) % 251);
					}
					digest.update(chunk, 0, length);
				}
				return HexFormat.of().formatHex(digest.digest());
			}
			catch (NoSuchAlgorithmException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	/**
	 * One answer.
	 *
	 * @param status the status, 0 when the connection broke
	 * @param replayed whether {@code Idempotent-Replayed: true}
	 * @param length the body's length
	 * @param sha256 the body's digest
	 * @param notRetained whether the body is a {@code response-not-retained} problem
	 */
	private record Blob(int status, boolean replayed, long length, String sha256, boolean notRetained) {

		boolean whole(long size) {
			return this.status == 201 && this.length == size && this.sha256.equals(expectedDigest(size));
		}

	}

	/**
	 * What one size measured.
	 *
	 * @param keys keys sent
	 * @param executions executions the endpoint counted
	 * @param whole executions' answers with the whole body
	 * @param replays replays
	 * @param identicalReplays replays with the whole body
	 * @param notRetainedReplays replays that said the body was not retained, with the first status
	 * @param conflicts 409 answers
	 * @param other any other answer
	 */
	private record SizeOutcome(int keys, long executions, int whole, int replays, int identicalReplays,
			int notRetainedReplays, int conflicts, int other) {

		boolean passed(boolean aboveLimit) {
			return this.executions == this.keys && this.whole == this.keys && this.other == 0
					&& (aboveLimit ? this.notRetainedReplays : this.identicalReplays) == this.replays;
		}

		String describe() {
			return this.executions + " executions for " + this.keys + " keys, " + this.whole + " whole; replays "
					+ this.replays + " (" + this.identicalReplays + " byte-identical, " + this.notRetainedReplays
					+ " response-not-retained), " + this.conflicts + " 409" + ((this.other > 0) ? ", other " + this.other
							: "");
		}

	}

	/**
	 * What the concurrent large responses measured.
	 *
	 * @param whole responses that arrived whole
	 * @param outOfMemory whether the child logged an {@code OutOfMemoryError}
	 * @param alive whether the child still ran
	 */
	private record Concurrent(int whole, boolean outOfMemory, boolean alive) {

		boolean passed() {
			return this.whole == CONCURRENT_LARGE && !this.outOfMemory && this.alive;
		}

		String describe() {
			return CONCURRENT_LARGE + " concurrent 10 MiB responses on -Xmx256m: " + this.whole + " whole, "
					+ "OutOfMemoryError " + (this.outOfMemory ? "logged" : "none");
		}

	}

}
