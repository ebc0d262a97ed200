package io.github.idempotency.benchmarks.http;

import java.nio.charset.StandardCharsets;

/**
 * The benchmark's requests, prepared as bytes: {@code POST /bench/<variant>} with the body
 * {@code {"sku":"BOOK-1","qty":2}} and an {@code Idempotency-Key} header.
 */
final class Requests {

	private static final String BODY = "{\"sku\":\"BOOK-1\",\"qty\":2}";

	private final String host;

	Requests(String host, int port) {
		this.host = host + ":" + port;
	}

	byte[] post(Variant variant, String key) {
		return post(variant.path(), key);
	}

	byte[] post(String path, String key) {
		return post(path, key, false);
	}

	/**
	 * The request of a path and key, optionally asking the server to close the connection after its response.
	 * @param path the path
	 * @param key the {@code Idempotency-Key}
	 * @param close whether to send {@code Connection: close}
	 * @return the request bytes
	 */
	byte[] post(String path, String key, boolean close) {
		return ("POST " + path + " HTTP/1.1\r\nHost: " + this.host
				+ "\r\nContent-Type: application/json\r\nIdempotency-Key: " + key + "\r\nContent-Length: "
				+ BODY.length() + (close ? "\r\nConnection: close" : "") + "\r\n\r\n" + BODY)
			.getBytes(StandardCharsets.US_ASCII);
	}

	byte[] get(String path) {
		return ("GET " + path + " HTTP/1.1\r\nHost: " + this.host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	byte[] postEmpty(String path) {
		return ("POST " + path + " HTTP/1.1\r\nHost: " + this.host + "\r\nContent-Length: 0\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

}
