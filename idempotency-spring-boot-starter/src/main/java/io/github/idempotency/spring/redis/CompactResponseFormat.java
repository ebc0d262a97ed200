package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.idempotency.core.StoredResponse;

import static io.github.idempotency.spring.redis.RecordBytes.corrupt;

/**
 * The stored response of a finished record, in version 2 of the format: only Java reads it, the scripts store it
 * as they are given it.
 *
 * <pre>
 * 2 bytes      status &lt;&lt; 1 | body retained, big-endian
 * varint       number of header names
 * per name     name token, varint number of values, value tokens
 * rest         the body
 * </pre>
 *
 * A token is a varint {@code t}: odd, the well-known string number {@code t >> 1} of {@link #WELL_KNOWN}; even,
 * {@code t >> 1} bytes of UTF-8 that follow. The usual {@code Content-Type: application/json} takes 3 bytes instead
 * of 31. Well-known strings match exactly (case included), so every response reads back as it was written.
 */
final class CompactResponseFormat {

	/**
	 * Header names and values common enough to be stored as one byte. Part of the stored format: append only, never
	 * reorder or remove.
	 */
	static final List<String> WELL_KNOWN = List.of("Content-Type", "Location", "Content-Location", "ETag",
			"Last-Modified", "Link", StoredResponse.NOT_RETAINED_REASON_HEADER, "application/json",
			"application/problem+json", "application/json;charset=UTF-8", "text/plain;charset=UTF-8",
			"text/html;charset=UTF-8", "application/xml", "text/plain", "application/octet-stream",
			"application/hal+json");

	private static final Map<String, Integer> CODES = codes();

	private static final int FLAG_BODY_RETAINED = 1;

	private static final int MAX_STATUS = 0x7FFF;

	private CompactResponseFormat() {
	}

	static byte[] encode(StoredResponse response) {
		int status = response.status();
		if (status < 0 || status > MAX_STATUS) {
			throw new IllegalArgumentException("A stored status is at most " + MAX_STATUS + ", was " + status);
		}
		ByteArrayOutputStream head = new ByteArrayOutputStream(32);
		int statusAndFlag = (status << 1) | (response.bodyRetained() ? FLAG_BODY_RETAINED : 0);
		head.write(statusAndFlag >>> 8);
		head.write(statusAndFlag);
		RecordBytes.writeVarint(head, response.headers().size());
		response.headers().forEach((name, values) -> {
			writeToken(head, name);
			RecordBytes.writeVarint(head, values.size());
			values.forEach((value) -> writeToken(head, value));
		});
		// the body may be large: copy it once, into an array of the final size
		byte[] headBytes = head.toByteArray();
		byte[] body = response.body();
		byte[] encoded = new byte[headBytes.length + body.length];
		System.arraycopy(headBytes, 0, encoded, 0, headBytes.length);
		System.arraycopy(body, 0, encoded, headBytes.length, body.length);
		return encoded;
	}

	static StoredResponse decode(RecordBytes reader) {
		int statusAndFlag = (int) reader.unsigned(2);
		int headerCount = reader.varint();
		Map<String, List<String>> headers = new LinkedHashMap<>();
		for (int i = 0; i < headerCount; i++) {
			String name = readToken(reader);
			int valueCount = reader.varint();
			List<String> values = new ArrayList<>(Math.min(valueCount, 16));
			for (int j = 0; j < valueCount; j++) {
				values.add(readToken(reader));
			}
			headers.put(name, values);
		}
		return new StoredResponse(statusAndFlag >>> 1, headers, reader.rest(),
				(statusAndFlag & FLAG_BODY_RETAINED) != 0);
	}

	private static void writeToken(ByteArrayOutputStream out, String value) {
		Integer code = CODES.get(value);
		if (code != null) {
			RecordBytes.writeVarint(out, (code << 1) | 1);
			return;
		}
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		RecordBytes.writeVarint(out, bytes.length << 1);
		out.writeBytes(bytes);
	}

	private static String readToken(RecordBytes reader) {
		int token = reader.varint();
		if ((token & 1) == 0) {
			return reader.string(token >>> 1);
		}
		int code = token >>> 1;
		if (code >= WELL_KNOWN.size()) {
			throw corrupt("its response names an unknown well-known string " + code);
		}
		return WELL_KNOWN.get(code);
	}

	private static Map<String, Integer> codes() {
		Map<String, Integer> codes = new HashMap<>();
		for (int i = 0; i < WELL_KNOWN.size(); i++) {
			codes.put(WELL_KNOWN.get(i), i);
		}
		return Map.copyOf(codes);
	}

}
