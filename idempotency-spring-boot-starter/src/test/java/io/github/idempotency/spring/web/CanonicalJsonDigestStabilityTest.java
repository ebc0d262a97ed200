package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical digest's output bytes never change: stores keep fingerprints written by earlier versions, and a retry
 * that arrives after an upgrade must still match its record. The expected values were computed by the first released
 * encoding; a change here is a format change, which needs its own version and a migration story, never a refactoring.
 */
class CanonicalJsonDigestStabilityTest {

	@Test
	void knownDocumentsKeepTheirDigests() {
		assertDigest("{\"amount\":1250,\"currency\":\"EUR\",\"tags\":[1,2]}",
				"c019ce04ec0a5d05f979c5b6584078547964282472f6894010f4c06dfe9f404a");
		assertDigest("{\"b\":[{\"j\":2,\"k\":1}],\"a\":{\"y\":{\"q\":null,\"p\":true},\"x\":1},\"aa\":false}",
				"675ef36238d6dea4fe0117a89ca6ee2c7bd2535947560fbf470ff1f66976c70b");
		assertDigest("{\"n\\u0061me\":\"\\u0041é😀\\/\",\"lone\":\"\\ud800x\",\"ctl\":\"\\n\\t\\u0000\"}",
				"c532f9bd24df8603051e133e5103ea7b515015f835d688971dba7dfa71155d7f");
		assertDigest("[1.0, 1e3, -0.0, 5E-1, 1.25e1, -12.50e+3, 0.000123, 123456789012345678901234567890, -7]",
				"62bc9e0d5ca73c861aa3306bf2d9e53d1f0d187bb5e0d47595fe057937a31e75");
		assertDigest("\"just a string\"", "a29f356754f59c9a43db65e70acf7bd7b9b96ad7945c111efc58417a7e53091d");
		assertDigest("  null ", "c4d60166ab43da0cb30994808c60ff48c4522311f35549bfdbf8cc02c1a5efe0");
		assertDigest("{\"z\":{},\"y\":[],\"x\":[{},[]],\"\":\"\"}",
				"e08f4b303c00812add0ab30293549737cdf2790be1c1ba3be1c2ebf7d6c28b1c");
	}

	@Test
	void largeObjectsAndLongArraysKeepTheirDigests() {
		// more members than a small sort handles, each with nested objects out of order
		StringBuilder object = new StringBuilder("{");
		for (int i = 0; i < 40; i++) {
			object.append((i > 0) ? "," : "").append("\"m").append((i * 7919) % 40).append("\":{\"z\":").append(i)
				.append(",\"y\":[").append(i).append(",{\"b\":1,\"a\":2}]}");
		}
		assertDigest(object.append('}').toString(), "2733413fb6775eba6052e79442cee1e2c4bf08fc0e06f8c64b62190a69a6958f");
		// an array longer than what is held before hashing
		StringBuilder array = new StringBuilder("[");
		for (int i = 0; i < 300; i++) {
			array.append((i > 0) ? "," : "").append("{\"name\":\"item ").append(i).append("\",\"id\":").append(i)
				.append(",\"price\":").append(i).append(".50}");
		}
		assertDigest(array.append(']').toString(), "1df6964c6f638e8b8286899e7bcab6b1115c2fea95d99c1cc9b1275d54982c87");
	}

	@Test
	void bodiesThatAreNotOneDocumentKeepTheirByteDigests() {
		assertDigest("", "df7e70e5021544f4834bbee64a9e3789febc4be81470df629cad6ddb03320a5c");
		assertDigest("{\"a\":1,\"a\":2}", "dea2004ed4904bf93091b4596d7a187adf21210c594210f3ff321e88565ecfab");
		assertDigest("[1e12345678901234567]", "fcd89bf4ca63b82e05f23bde7a1b0ce97ead30b86ed94d25fc81fb9706f07f1e");
		assertDigest("not json", "0114130e208b653897b132e15fba1682e5a4721b9ccd133747592462e14759aa");
	}

	@Test
	void randomDocumentsKeepTheirDigests() {
		SplittableRandom random = new SplittableRandom(42);
		CanonicalJsonDigest all = new CanonicalJsonDigest();
		for (int i = 0; i < 1_000; i++) {
			StringBuilder json = new StringBuilder();
			value(random, json, 0);
			all.update(utf8(CanonicalJsonDigest.hex(utf8(json.toString()))), 0, 64);
		}
		assertThat(all.hex()).isEqualTo("10ae83c1edb14d4f32c48a706432f63dc50a47d0102b07a4c667508f0d5b78b0");
	}

	private static void value(SplittableRandom random, StringBuilder json, int depth) {
		switch (random.nextInt((depth < 4) ? 9 : 6)) {
			case 0 -> string(random, json);
			case 1 -> json.append(random.nextLong());
			case 2 -> json.append(random.nextInt(-999, 999)).append('.').append(random.nextInt(0, 1000));
			case 3 -> json.append(random.nextInt(1, 99)).append(random.nextBoolean() ? "e" : "E-").append(random.nextInt(30));
			case 4 -> json.append(random.nextBoolean());
			case 5 -> json.append("null");
			case 6 -> {
				json.append('[');
				for (int i = random.nextInt(5); i > 0; i--) {
					value(random, json, depth + 1);
					json.append((i > 1) ? "," : "");
				}
				json.append(']');
			}
			default -> {
				json.append('{');
				int members = random.nextInt(8);
				for (int i = 0; i < members; i++) {
					// distinct names: a duplicate would fall back to the byte digest
					json.append((i > 0) ? "," : "").append('"').append((char) ('a' + random.nextInt(26))).append(i)
						.append("\":");
					value(random, json, depth + 1);
				}
				json.append('}');
			}
		}
	}

	private static void string(SplittableRandom random, StringBuilder json) {
		String chars = "abcXYZ 09_é😀";
		json.append('"');
		for (int i = random.nextInt(12); i > 0; i--) {
			int at = chars.offsetByCodePoints(0, random.nextInt(chars.codePointCount(0, chars.length())));
			json.appendCodePoint(chars.codePointAt(at));
		}
		json.append(random.nextBoolean() ? "\\u00e9\\\"" : "").append('"');
	}

	private static void assertDigest(String body, String expected) {
		assertThat(CanonicalJsonDigest.hex(utf8(body))).as(body).isEqualTo(expected);
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
