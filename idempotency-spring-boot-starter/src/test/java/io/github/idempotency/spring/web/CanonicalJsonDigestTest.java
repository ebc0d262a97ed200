package io.github.idempotency.spring.web;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the canonical JSON digest treats as the same document, and what it never does.
 */
class CanonicalJsonDigestTest {

	@Test
	void reorderedMembersAndWhitespaceMatch() {
		assertSame("{\"amount\":1250,\"currency\":\"EUR\",\"tags\":[1,2]}",
				"{ \"tags\" : [ 1 , 2 ] ,\n\t\"currency\":\"EUR\" , \"amount\" : 1250 }");
	}

	@Test
	void nestedObjectsAreSortedToo() {
		assertSame("{\"a\":{\"x\":1,\"y\":{\"p\":true,\"q\":null}},\"b\":[{\"k\":1,\"j\":2}]}",
				"{\"b\":[{\"j\":2,\"k\":1}],\"a\":{\"y\":{\"q\":null,\"p\":true},\"x\":1}}");
	}

	@Test
	void escapeFormsOfTheSameStringMatch() {
		assertSame("{\"name\":\"A\\u00e9\\ud83d\\ude00/\"}", "{\"n\\u0061me\":\"\\u0041é😀\\/\"}");
	}

	@Test
	void numbersMatchByExactDecimalValue() {
		assertSame("[1, 1000, -0, 0.5, 12.50]", "[1.0, 1e3, 0.0, 5E-1, 1.25e1]");
		assertDifferent("[1]", "[1.00000000000000000001]");
		assertDifferent("[100]", "[10]");
		assertDifferent("[-1]", "[1]");
		assertSame("[9223372036854775807, -9223372036854775808, 123456789012345678901234567890]",
				"[9.223372036854775807e18, -9223372036854775808.0, 1.2345678901234567890123456789e29]");
	}

	@Test
	void differentValuesNeverMatch() {
		assertDifferent("{\"a\":1}", "{\"a\":2}");
		assertDifferent("{\"a\":1}", "{\"b\":1}");
		assertDifferent("{\"a\":\"1\"}", "{\"a\":1}");
		assertDifferent("{\"a\":null}", "{}");
		assertDifferent("[1,2]", "[2,1]");
		assertDifferent("[[1],2]", "[[1,2]]");
		assertDifferent("{\"a\":[]}", "{\"a\":{}}");
		assertDifferent("{\"ab\":\"c\"}", "{\"a\":\"bc\"}");
		assertDifferent("true", "false");
		assertDifferent("\"\"", "null");
	}

	@Test
	void bodyThatIsNotOneDocumentIsDigestedByItsBytes() {
		for (String body : new String[] { "", "{\"a\":", "{\"a\":1} {\"b\":2}", "{\"a\":1,\"a\":2}", "not json" }) {
			CanonicalJsonDigest digest = digestOf(body);
			assertThat(digest.isCanonical()).as(body).isFalse();
			assertThat(digest.hex()).as(body).isEqualTo(CanonicalJsonDigest.hex(utf8(body)));
		}
		// duplicate names depend on the reader: never reordered into a match
		assertDifferent("{\"a\":1,\"a\":2}", "{\"a\":2,\"a\":1}");
		assertDifferent("{\"a\":1} ", "{\"a\":1}  ".replace("}", "} {}"));
		assertDifferent("not json", "not  json");
	}

	@Test
	void bytesThatAreNotJsonNeverMatchTheCanonicalFormTheyMightSpellOut() {
		// the canonical encoding of {"a":true}, fed as a body: it is not JSON, so it is hashed in the other domain
		byte[] spelledOut = { '{', 's', 0, 0, 0, 1, 'a', 't', '}' };
		assertThat(CanonicalJsonDigest.hex(spelledOut)).isNotEqualTo(CanonicalJsonDigest.hex(utf8("{\"a\":true}")));
	}

	@Test
	void digestDoesNotDependOnHowTheBodyIsSplitIntoReads() {
		byte[] body = utf8("{\"z\":[1,2.50,{\"y\":\"é😀\",\"x\":null}],\"a\":{\"c\":false,\"b\":\"long string value\"}}");
		String whole = CanonicalJsonDigest.hex(body);
		for (int split = 1; split < body.length; split++) {
			CanonicalJsonDigest digest = new CanonicalJsonDigest();
			digest.update(body, 0, split);
			digest.update(body, split, body.length - split);
			assertThat(digest.hex()).as("split at %d", split).isEqualTo(whole);
			assertThat(digest.isCanonical()).isTrue();
		}
		CanonicalJsonDigest byteByByte = new CanonicalJsonDigest();
		for (int i = 0; i < body.length; i++) {
			byteByByte.update(body, i, 1);
		}
		assertThat(byteByByte.hex()).isEqualTo(whole);
	}

	@Test
	void largeObjectsAndDeepNestingAreCanonicalized() {
		StringBuilder forward = new StringBuilder("{");
		StringBuilder backward = new StringBuilder("{");
		for (int i = 0; i < 5000; i++) {
			forward.append((i > 0) ? "," : "").append("\"k").append(i).append("\":").append(i);
			backward.append((i > 0) ? "," : "").append("\"k").append(4999 - i).append("\":").append(4999 - i);
		}
		assertSame(forward.append('}').toString(), backward.append('}').toString());
		String deep = "{\"a\":".repeat(200) + "{\"y\":1,\"x\":2}" + "}".repeat(200);
		String deepReordered = "{\"a\":".repeat(200) + "{\"x\":2,\"y\":1}" + "}".repeat(200);
		assertSame(deep, deepReordered);
	}

	private static void assertSame(String first, String second) {
		CanonicalJsonDigest a = digestOf(first);
		CanonicalJsonDigest b = digestOf(second);
		assertThat(a.isCanonical()).as(first).isTrue();
		assertThat(b.isCanonical()).as(second).isTrue();
		assertThat(a.hex()).as("%s and %s", first, second).isEqualTo(b.hex());
	}

	private static void assertDifferent(String first, String second) {
		assertThat(digestOf(first).hex()).as("%s and %s", first, second).isNotEqualTo(digestOf(second).hex());
	}

	private static CanonicalJsonDigest digestOf(String body) {
		CanonicalJsonDigest digest = new CanonicalJsonDigest();
		byte[] bytes = utf8(body);
		digest.update(bytes, 0, bytes.length);
		digest.hex();
		return digest;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
