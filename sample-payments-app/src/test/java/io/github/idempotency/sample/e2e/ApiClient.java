package io.github.idempotency.sample.e2e;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A real HTTP client for the sample app, authenticated as one of its demo users.
 */
final class ApiClient {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final RunningApp app;

	private final String authorization;

	private ApiClient(RunningApp app, String authorization) {
		this.app = app;
		this.authorization = authorization;
	}

	static ApiClient as(RunningApp app, String user) {
		String credentials = user + ":" + user + "-secret";
		return new ApiClient(app,
				"Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)));
	}

	static ApiClient anonymous(RunningApp app) {
		return new ApiClient(app, null);
	}

	/**
	 * Posts a JSON body.
	 * @param path the path
	 * @param key the {@code Idempotency-Key}, or {@code null} to send none
	 * @param json the body
	 * @return the response
	 */
	HttpResponse<String> post(String path, String key, String json) {
		HttpRequest.Builder request = request(path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json));
		if (key != null) {
			request.header("Idempotency-Key", key);
		}
		return send(request.build());
	}

	/**
	 * Posts a JSON body with a key sent as raw UTF-8 bytes, which {@link HttpClient} cannot do: it writes header
	 * values as ASCII and turns other characters into {@code ?}.
	 * @param path the path
	 * @param key the key, sent as UTF-8
	 * @param json the body
	 * @return the response's status code
	 */
	int postWithUtf8Key(String path, String key, String json) {
		byte[] body = json.getBytes(StandardCharsets.UTF_8);
		ByteArrayOutputStream request = new ByteArrayOutputStream();
		request.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: " + this.app.uri("/").getAuthority()
				+ "\r\nAuthorization: " + this.authorization + "\r\nContent-Type: application/json\r\nContent-Length: "
				+ body.length + "\r\nConnection: close\r\nIdempotency-Key: ")
			.getBytes(StandardCharsets.US_ASCII));
		request.writeBytes(key.getBytes(StandardCharsets.UTF_8));
		request.writeBytes("\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		request.writeBytes(body);
		URI uri = this.app.uri("/");
		try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
			socket.setSoTimeout(60_000);
			socket.getOutputStream().write(request.toByteArray());
			socket.getOutputStream().flush();
			BufferedReader response = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
			String statusLine = response.readLine();
			return Integer.parseInt(statusLine.split(" ")[1]);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	HttpResponse<String> get(String path) {
		return send(request(path).GET().build());
	}

	/**
	 * Calls made to the fake PSP of this client's instance so far.
	 * @return the count
	 */
	long pspAttempts() {
		String body = get("/psp/attempts").body();
		return Long.parseLong(body.replaceAll("[^0-9]", ""));
	}

	private HttpRequest.Builder request(String path) {
		HttpRequest.Builder request = HttpRequest.newBuilder(this.app.uri(path)).timeout(Duration.ofSeconds(60));
		if (this.authorization != null) {
			request.header("Authorization", this.authorization);
		}
		return request;
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
