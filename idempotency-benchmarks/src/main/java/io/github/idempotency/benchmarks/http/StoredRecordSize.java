package io.github.idempotency.benchmarks.http;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Bytes the store keeps for one finished record whose response body is 128 bytes, for the library and for the
 * ideal path, measured through the app: once the load is over, the benchmark's own records are deleted (its own
 * Redis prefixes, its own database), one request is sent to each path with an article name that makes the receipt
 * exactly 128 bytes, and the store is asked what it holds: Redis {@code MEMORY USAGE} of every key under the prefix,
 * PostgreSQL {@code pg_column_size} of the row.
 */
final class StoredRecordSize {

	/** With this article name the receipt is {@value #BODY_BYTES} bytes. */
	private static final String SKU = "X".repeat(45);

	static final int BODY_BYTES = 128;

	private final String host;

	private final int port;

	StoredRecordSize(String host, int port) {
		this.host = host;
		this.port = port;
	}

	String redis(String redisHost, int redisPort) throws Exception {
		StringBuilder cell = new StringBuilder();
		try (RespConnection redis = new RespConnection(redisHost, redisPort)) {
			for (String[] path : new String[][] { { "idem", "idempotency-bench:" },
					{ "ideal", "idempotency-bench-ideal:" } }) {
				deleteAll(redis, path[1]);
				send(Variant.valueOf(path[0].toUpperCase()));
				long bytes = 0;
				List<String> keys = keys(redis, path[1]);
				for (String key : keys) {
					bytes += (Long) redis.command("MEMORY", "USAGE", key, "SAMPLES", "0");
				}
				cell.append(path[0]).append(' ').append(bytes).append(" B (").append(keys.size()).append(" key")
					.append((keys.size() == 1) ? "" : "s").append(")  ");
			}
		}
		return cell.toString().trim();
	}

	String postgres(String jdbcUrl) throws Exception {
		StringBuilder cell = new StringBuilder();
		try (Connection connection = DriverManager.getConnection(jdbcUrl);
				Statement statement = connection.createStatement()) {
			for (String[] path : new String[][] { { "idem", "bench_idempotency_record" },
					{ "ideal", "bench_ideal_record" } }) {
				statement.execute("DELETE FROM " + path[1]);
				send(Variant.valueOf(path[0].toUpperCase()));
				try (ResultSet rows = statement
					.executeQuery("SELECT count(*), coalesce(sum(pg_column_size(t.*)), 0) FROM " + path[1] + " t")) {
					rows.next();
					cell.append(path[0]).append(' ').append(rows.getLong(2)).append(" B (").append(rows.getLong(1))
						.append(" row)  ");
				}
			}
		}
		return cell.toString().trim();
	}

	private void send(Variant variant) throws Exception {
		String body = "{\"sku\":\"" + SKU + "\",\"qty\":2}";
		byte[] request = ("POST " + variant.path() + " HTTP/1.1\r\nHost: " + this.host + ":" + this.port
				+ "\r\nContent-Type: application/json\r\nIdempotency-Key: " + UUID.randomUUID() + "\r\nContent-Length: "
				+ body.length() + "\r\n\r\n" + body)
			.getBytes(StandardCharsets.US_ASCII);
		try (HttpConnection connection = new HttpConnection(this.host, this.port)) {
			String receipt = connection.fetch(request);
			if (receipt.length() != BODY_BYTES) {
				throw new IllegalStateException("The receipt is " + receipt.length() + " bytes, not " + BODY_BYTES);
			}
		}
	}

	private static void deleteAll(RespConnection redis, String prefix) throws Exception {
		for (String key : keys(redis, prefix)) {
			redis.command("DEL", key);
		}
	}

	@SuppressWarnings("unchecked")
	private static List<String> keys(RespConnection redis, String prefix) throws Exception {
		List<String> keys = new ArrayList<>();
		String cursor = "0";
		do {
			List<Object> reply = (List<Object>) redis.command("SCAN", cursor, "MATCH", prefix + "*", "COUNT", "1000");
			cursor = (String) reply.get(0);
			((List<Object>) reply.get(1)).forEach((key) -> keys.add((String) key));
		}
		while (!"0".equals(cursor));
		return keys;
	}

}
