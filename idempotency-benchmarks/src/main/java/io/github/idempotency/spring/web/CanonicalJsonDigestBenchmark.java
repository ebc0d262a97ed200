package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The canonical JSON digest of a 1 KiB order body against the SHA-256 of its bytes, which is what the fingerprint
 * costs today. Both are fed the body in 8 KiB reads, as the request wrapper reads it; the canonical digest hashes the
 * bytes too, for its fallback. In the web package, since the digest is package-private.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(1)
@State(Scope.Thread)
public class CanonicalJsonDigestBenchmark {

	private static final HexFormat HEX = HexFormat.of();

	private static final MessageDigest SHA_256 = sha256();

	private byte[] body;

	@Setup
	public void setUp() {
		StringBuilder json = new StringBuilder("{\"orderId\":\"ord_7Hq2Lk9x\",\"customer\":{\"id\":\"cus_31fa9c\","
				+ "\"email\":\"ada@example.com\",\"address\":{\"street\":\"1 Main St\",\"city\":\"Paris\","
				+ "\"zip\":\"75001\",\"country\":\"FR\"}},\"currency\":\"EUR\",\"amount\":4250,\"lines\":[");
		for (int i = 0; json.length() < 1000; i++) {
			json.append((i > 0) ? "," : "")
				.append("{\"sku\":\"BOOK-")
				.append(i)
				.append("\",\"quantity\":")
				.append(i % 3 + 1)
				.append(",\"price\":12.50,\"gift\":false}");
		}
		json.append("],\"note\":\"leave at the door\"}");
		this.body = json.toString().getBytes(StandardCharsets.UTF_8);
		CanonicalJsonDigest check = new CanonicalJsonDigest();
		check.update(this.body, 0, this.body.length);
		check.hex();
		if (!check.isCanonical() || this.body.length < 1000 || this.body.length > 1200) {
			throw new IllegalStateException("The body is not a canonical 1 KiB document: " + this.body.length);
		}
	}

	/**
	 * SHA-256 of the bytes, as hex, from a digest cloned from a prototype (as the request wrapper does).
	 * @return the digest
	 */
	@Benchmark
	public String bytesDigest() throws CloneNotSupportedException {
		MessageDigest digest = (MessageDigest) SHA_256.clone();
		digest.update(this.body, 0, this.body.length);
		return HEX.formatHex(digest.digest());
	}

	/**
	 * The canonical digest as a request computes it: an instance reused from this thread, both digests as hex.
	 * @return the digest
	 */
	@Benchmark
	public String canonicalDigest() {
		CanonicalJsonDigest digest = CanonicalJsonDigest.acquire();
		digest.update(this.body, 0, this.body.length);
		String hex = digest.hex();
		digest.bytesHex();
		digest.release();
		return hex;
	}

	/**
	 * The canonical digest with a new instance per body, as the first version computed it.
	 * @return the digest
	 */
	@Benchmark
	public String canonicalDigestUnpooled() {
		CanonicalJsonDigest digest = new CanonicalJsonDigest();
		digest.update(this.body, 0, this.body.length);
		return digest.hex();
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
