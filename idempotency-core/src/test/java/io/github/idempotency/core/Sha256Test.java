package io.github.idempotency.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class Sha256Test {

	@Test
	void isTheSha256OfLengthPrefixedUtf8Parts() throws Exception {
		List<String> parts = List.of("", "POST", "/payments/{id}", "a".repeat(256), "b".repeat(257), "zürich",
				"x".repeat(255) + "é", "\uD83D\uDE00");
		Sha256 sha = new Sha256();
		parts.forEach(sha::add);
		assertThat(sha.hex()).isEqualTo(reference(parts));
	}

	@Test
	void writesThePrefixBeforeTheHexInOneString() throws Exception {
		assertThat(new Sha256().add("POST").hex("v1:")).isEqualTo("v1:" + reference(List.of("POST")));
	}

	@Test
	void isUsedOnce() {
		Sha256 sha = new Sha256().add("a");
		sha.hex();
		assertThatIllegalStateException().isThrownBy(() -> sha.add("b"));
		assertThatIllegalStateException().isThrownBy(sha::hex);
		RequestFingerprint.Builder builder = RequestFingerprint.builder().add("POST");
		builder.build();
		assertThatIllegalStateException().isThrownBy(builder::build);
	}

	@Test
	void anAbandonedHashLeavesTheNextOnesRight() throws Exception {
		// never ended: its digest holds a part, and must not be handed to a later hash
		new Sha256().add("left over");
		assertThat(new Sha256().add("POST").hex()).isEqualTo(reference(List.of("POST")));
	}

	@Test
	void hashesOnManyThreadsAtOnceAreEachRight() throws Exception {
		int threads = 8;
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<Integer>> results = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				int thread = t;
				Callable<Integer> hashes = () -> {
					start.await();
					int right = 0;
					for (int i = 0; i < 2_000; i++) {
						String part = "thread-" + thread + "-" + i;
						// interleaved on one thread too: the inner hash ends before the outer one
						Sha256 outer = new Sha256().add(part);
						String inner = new Sha256().add(part).add(part).hex();
						if (outer.hex().equals(reference(List.of(part)))
								&& inner.equals(reference(List.of(part, part)))) {
							right++;
						}
					}
					return right;
				};
				results.add(pool.submit(hashes));
			}
			start.countDown();
			for (Future<Integer> result : results) {
				assertThat(result.get()).isEqualTo(2_000);
			}
		}
		finally {
			pool.shutdownNow();
		}
	}

	private static String reference(List<String> parts) throws Exception {
		MessageDigest digest = MessageDigest.getInstance("SHA-256");
		for (String part : parts) {
			byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
			int length = bytes.length;
			digest.update(new byte[] { (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8),
					(byte) length });
			digest.update(bytes);
		}
		return HexFormat.of().formatHex(digest.digest());
	}

}
