package io.github.idempotency.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The sample app that a {@code @SpringBootTest} on a random port runs in the test's JVM, called over real HTTP, with
 * its security on, as one of its demo users ({@code <user>:<user>-secret}) or anonymously. Answers are read as text.
 */
public final class LocalSampleApp {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final int port;

	/**
	 * @param port the app's {@code @LocalServerPort}
	 */
	public LocalSampleApp(int port) {
		this.port = port;
	}

	/**
	 * Posts a payment as {@code alice}.
	 * @param key the {@code Idempotency-Key}, or {@code null} to send none
	 * @param body the JSON body
	 * @return the response
	 */
	public HttpResponse<String> payment(String key, String body) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri("/payments"))
			.header("Authorization", basic("alice"))
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(30))
			.POST(HttpRequest.BodyPublishers.ofString(body));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return send(request.build());
	}

	/**
	 * Sends a request without a body.
	 * @param method the method
	 * @param path the path, with its query
	 * @param user the demo user to send it as, or {@code null} to send it anonymously
	 * @return the response
	 */
	public HttpResponse<String> send(String method, String path, String user) {
		HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (user != null) {
			request.header("Authorization", basic(user));
		}
		return send(request.build());
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static String basic(String user) {
		return "Basic " + Base64.getEncoder()
			.encodeToString((user + ":" + user + "-secret").getBytes(StandardCharsets.UTF_8));
	}

}
