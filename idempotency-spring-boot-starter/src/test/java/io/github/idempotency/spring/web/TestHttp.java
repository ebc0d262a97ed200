package io.github.idempotency.spring.web;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A real HTTP client against the test server; responses keep their raw body bytes.
 */
final class TestHttp {

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final String base;

	TestHttp(int port) {
		this.base = "http://127.0.0.1:" + port;
	}

	Request post(String path) {
		return new Request(path);
	}

	final class Request {

		private final HttpRequest.Builder builder;

		private String body = "";

		private String contentType = "application/json";

		Request(String path) {
			this.builder = HttpRequest.newBuilder(URI.create(TestHttp.this.base + path)).timeout(Duration.ofSeconds(30));
		}

		Request key(String key) {
			this.builder.header("Idempotency-Key", key);
			return this;
		}

		Request header(String name, String value) {
			this.builder.header(name, value);
			return this;
		}

		Request user(String name, String password) {
			this.builder.header("Authorization", "Basic " + Base64.getEncoder()
				.encodeToString((name + ":" + password).getBytes(StandardCharsets.UTF_8)));
			return this;
		}

		Request json(String json) {
			this.body = json;
			this.contentType = "application/json";
			return this;
		}

		Request multipartFile(String fieldName, String fileName, String content) {
			String boundary = "idempotency-test-boundary";
			this.body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fieldName + "\"; filename=\""
					+ fileName + "\"\r\nContent-Type: text/plain\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
			this.contentType = "multipart/form-data; boundary=" + boundary;
			return this;
		}

		Request text(String text) {
			this.body = text;
			this.contentType = "text/plain";
			return this;
		}

		HttpResponse<byte[]> send() {
			try {
				return TestHttp.this.client.send(build(), HttpResponse.BodyHandlers.ofByteArray());
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> sendAsync() {
			return TestHttp.this.client.sendAsync(build(), HttpResponse.BodyHandlers.ofByteArray());
		}

		private HttpRequest build() {
			return this.builder.header("Content-Type", this.contentType)
				.POST(HttpRequest.BodyPublishers.ofString(this.body, StandardCharsets.UTF_8))
				.build();
		}

	}

	static String text(HttpResponse<byte[]> response) {
		return new String(response.body(), StandardCharsets.UTF_8);
	}

}
