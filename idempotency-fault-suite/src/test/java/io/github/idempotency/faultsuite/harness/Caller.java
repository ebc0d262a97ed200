package io.github.idempotency.faultsuite.harness;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A demo user of one app instance, whose every idempotent call goes into a {@link CallHistory}.
 */
public final class Caller {

	private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"([^\"]*)\"");

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(10))
		.build();

	private final ChildApp app;

	private final String user;

	private final String authorization;

	private final CallHistory history;

	public Caller(ChildApp app, String user, CallHistory history) {
		this.app = app;
		this.user = user;
		this.authorization = "Basic " + Base64.getEncoder()
			.encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
		this.history = history;
	}

	/**
	 * Posts a payment with a key and records the call.
	 * @param key the {@code Idempotency-Key}
	 * @param json the body
	 * @return the record of the call
	 */
	public CallRecord pay(String key, String json) {
		HttpRequest request = HttpRequest.newBuilder(this.app.uri("/payments"))
			.timeout(Duration.ofSeconds(60))
			.header("Authorization", this.authorization)
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build();
		long start = System.nanoTime();
		CallRecord call;
		try {
			HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
			call = new CallRecord(key, this.user, start, System.nanoTime(), response.statusCode(),
					sha256(response.body()),
					response.headers().firstValue("Idempotent-Replayed").filter("true"::equals).isPresent(),
					response.headers().firstValue("Retry-After").orElse(null), problemType(response));
		}
		catch (IOException ex) {
			call = new CallRecord(key, this.user, start, System.nanoTime(), 0, "", false, null,
					"io:" + ex.getClass().getSimpleName());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		this.history.add(call);
		return call;
	}

	/**
	 * Calls the PSP has received on this caller's instance: the ledger of real executions.
	 * @return the count
	 */
	public long pspAttempts() {
		return Long.parseLong(get("/psp/attempts").replaceAll("[^0-9]", ""));
	}

	/**
	 * The {@code executed} outcomes the instance counted in {@code idempotency.requests}.
	 * @return the sum over endpoints
	 */
	public long executedMetric() {
		double sum = 0;
		for (String line : get("/actuator/prometheus").split("\n")) {
			if (line.startsWith("idempotency_requests_total{") && line.contains("outcome=\"executed\"")) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return (long) sum;
	}

	/**
	 * Completions and other writes this instance refused because its claim had been taken over
	 * ({@code idempotency.fenced.writes}).
	 * @return the sum over its tags
	 */
	public long fencedWritesMetric() {
		double sum = 0;
		for (String line : get("/actuator/prometheus").split("\n")) {
			if (line.startsWith("idempotency_fenced_writes_total")) {
				sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
			}
		}
		return (long) sum;
	}

	/**
	 * A GET with this caller's credentials.
	 * @param path the path
	 * @return the body
	 */
	public String get(String path) {
		HttpRequest request = HttpRequest.newBuilder(this.app.uri(path))
			.timeout(Duration.ofSeconds(30))
			.header("Authorization", this.authorization)
			.build();
		try {
			HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The same user on the same instance, recording into another history.
	 * @param other the history
	 * @return the caller
	 */
	public Caller recordingInto(CallHistory other) {
		return new Caller(this.app, this.user, other);
	}

	public String user() {
		return this.user;
	}

	private static String problemType(HttpResponse<byte[]> response) {
		// a replay of any status may carry a problem body, e.g. response-not-retained
		if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
			return null;
		}
		Matcher matcher = PROBLEM_TYPE.matcher(new String(response.body(), StandardCharsets.UTF_8));
		return matcher.find() ? matcher.group(1) : null;
	}

	static String sha256(byte[] bytes) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
