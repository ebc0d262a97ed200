package io.github.idempotency.spring.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.github.idempotency.core.OwnerToken;
import io.github.idempotency.core.RequestFingerprint;
import io.github.idempotency.core.StoredResponse;

/**
 * Records as earlier versions of the store wrote them (version 1 of the stored form), written here byte by byte
 * from that format's description, so that tests can check they are still read.
 */
final class Version1Records {

	private Version1Records() {
	}

	static byte[] ongoing(long deadline, RequestFingerprint fingerprint, OwnerToken owner) {
		return header('O', deadline, fingerprint, owner.value());
	}

	static byte[] finished(char state, long deadline, RequestFingerprint fingerprint, StoredResponse response) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		out.writeBytes(header(state, deadline, fingerprint, ""));
		int status = response.status();
		out.write(status >>> 24);
		out.write(status >>> 16);
		out.write(status >>> 8);
		out.write(status);
		out.write(response.bodyRetained() ? 1 : 0);
		out.write(response.headers().size());
		response.headers().forEach((name, values) -> {
			writeString(out, name);
			out.write(values.size());
			values.forEach((value) -> writeString(out, value));
		});
		out.writeBytes(response.body());
		return out.toByteArray();
	}

	private static byte[] header(char state, long deadline, RequestFingerprint fingerprint, String owner) {
		return ("1" + state + String.format("%015d", deadline) + "|" + fingerprint.value() + "|" + owner + "|")
			.getBytes(StandardCharsets.UTF_8);
	}

	// lengths below 128 only, where a varint is one byte
	private static void writeString(ByteArrayOutputStream out, String value) {
		byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
		out.write(bytes.length);
		out.writeBytes(bytes);
	}

}
