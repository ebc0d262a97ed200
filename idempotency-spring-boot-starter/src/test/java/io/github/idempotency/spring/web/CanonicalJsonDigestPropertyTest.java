package io.github.idempotency.spring.web;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonical digest over random documents: a twin written differently (members reordered, other whitespace,
 * other escapes, other number forms) always matches, and a document with one value changed never does.
 * <p>
 * Documents are trees of {@link Map} (insertion-ordered), {@link List}, {@link String}, {@link BigDecimal},
 * {@link Boolean} and {@link #NULL}; {@link Writer} writes one as JSON text in a randomly chosen style. The seed is
 * fixed, so a failure reproduces; the failing document is in the message.
 */
class CanonicalJsonDigestPropertyTest {

	private static final int DOCUMENTS = 2_000;

	private static final Object NULL = new Object();

	private static final String NAME_CHARS = "abcxyzAZ09_-é\"\\/\n\t😀";

	@Test
	void twinsMatchAndOneValueMutationsNeverDo() {
		SplittableRandom random = new SplittableRandom(20261201);
		int mutationsChecked = 0;
		for (int i = 0; i < DOCUMENTS; i++) {
			Object document = value(random, 0);
			String original = new Writer(random, false).write(document);
			String twin = new Writer(random, true).write(document);
			String originalDigest = CanonicalJsonDigest.hex(utf8(original));
			assertThat(CanonicalJsonDigest.hex(utf8(twin))).as("twin of document %d:%n%s%n%s", i, original, twin)
				.isEqualTo(originalDigest);
			Object mutated = mutate(random, document);
			if (mutated != null) {
				String changed = new Writer(random, true).write(mutated);
				assertThat(CanonicalJsonDigest.hex(utf8(changed)))
					.as("mutation of document %d:%n%s%n%s", i, original, changed)
					.isNotEqualTo(originalDigest);
				mutationsChecked++;
			}
		}
		assertThat(mutationsChecked).as("documents with a mutation checked").isGreaterThan(DOCUMENTS * 9 / 10);
	}

	private static Object value(SplittableRandom random, int depth) {
		int kind = random.nextInt((depth < 4) ? 8 : 5);
		switch (kind) {
			case 0:
				return string(random);
			case 1:
				return integer(random);
			case 2:
				return decimal(random);
			case 3:
				return random.nextBoolean();
			case 4:
				return random.nextInt(3) == 0 ? NULL : string(random);
			case 5:
				List<Object> array = new ArrayList<>();
				for (int i = random.nextInt(5); i > 0; i--) {
					array.add(value(random, depth + 1));
				}
				return array;
			default:
				Map<String, Object> object = new LinkedHashMap<>();
				for (int i = random.nextInt(7); i > 0; i--) {
					object.put(string(random), value(random, depth + 1));
				}
				return object;
		}
	}

	private static String string(SplittableRandom random) {
		StringBuilder text = new StringBuilder();
		for (int i = random.nextInt(6); i > 0; i--) {
			text.appendCodePoint(NAME_CHARS.codePointAt(NAME_CHARS.offsetByCodePoints(0,
					random.nextInt(NAME_CHARS.codePointCount(0, NAME_CHARS.length())))));
		}
		return text.toString();
	}

	private static BigDecimal integer(SplittableRandom random) {
		return switch (random.nextInt(3)) {
			case 0 -> BigDecimal.valueOf(random.nextInt(-10, 1000));
			case 1 -> BigDecimal.valueOf(random.nextLong());
			default -> new BigDecimal(new BigInteger(100, new java.util.Random(random.nextLong())));
		};
	}

	private static BigDecimal decimal(SplittableRandom random) {
		return BigDecimal.valueOf(random.nextLong(-1_000_000, 1_000_000), random.nextInt(-5, 8));
	}

	/**
	 * A copy of the document with exactly one value changed, or {@code null} when it holds nothing to change.
	 */
	private static Object mutate(SplittableRandom random, Object document) {
		List<Object> containers = new ArrayList<>();
		collectContainers(document, containers);
		if (containers.isEmpty()) {
			return changed(random, document);
		}
		Object copy = deepCopy(document);
		List<Object> copies = new ArrayList<>();
		collectContainers(copy, copies);
		Object target = copies.get(random.nextInt(copies.size()));
		if (target instanceof Map<?, ?> map) {
			@SuppressWarnings("unchecked")
			Map<String, Object> object = (Map<String, Object>) map;
			if (object.isEmpty()) {
				object.put("added", NULL);
				return copy;
			}
			List<String> names = new ArrayList<>(object.keySet());
			String name = names.get(random.nextInt(names.size()));
			if (random.nextInt(4) == 0) {
				// a renamed member: its name gets a character no generated name ends with
				Object moved = object.remove(name);
				object.put(name + "~", moved);
			}
			else {
				object.put(name, changed(random, object.get(name)));
			}
			return copy;
		}
		@SuppressWarnings("unchecked")
		List<Object> array = (List<Object>) target;
		if (array.isEmpty()) {
			array.add(NULL);
			return copy;
		}
		int index = random.nextInt(array.size());
		if (random.nextInt(5) == 0) {
			array.remove(index);
		}
		else {
			array.set(index, changed(random, array.get(index)));
		}
		return copy;
	}

	/** A value that surely differs from the given one. */
	private static Object changed(SplittableRandom random, Object value) {
		if (value instanceof String text) {
			return random.nextBoolean() ? text + "x" : BigDecimal.ONE;
		}
		if (value instanceof BigDecimal number) {
			return random.nextBoolean() ? number.add(BigDecimal.ONE) : number.toPlainString();
		}
		if (value instanceof Boolean flag) {
			return !flag;
		}
		if (value == NULL) {
			return random.nextBoolean() ? Boolean.FALSE : "null";
		}
		if (value instanceof Map<?, ?> map) {
			return map.isEmpty() ? List.of() : Map.of();
		}
		return ((List<?>) value).isEmpty() ? Map.of() : List.of();
	}

	private static void collectContainers(Object value, List<Object> into) {
		if (value instanceof Map<?, ?> map) {
			into.add(map);
			map.values().forEach((member) -> collectContainers(member, into));
		}
		else if (value instanceof List<?> list) {
			into.add(list);
			list.forEach((element) -> collectContainers(element, into));
		}
	}

	private static Object deepCopy(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((name, member) -> copy.put((String) name, deepCopy(member)));
			return copy;
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			list.forEach((element) -> copy.add(deepCopy(element)));
			return copy;
		}
		return value;
	}

	private static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	/** Writes a document as JSON; a twin writer picks member order, whitespace, escapes and number forms at random. */
	private static final class Writer {

		private static final String[] WHITESPACE = { "", " ", "\n", "\t", "\r\n  " };

		private final SplittableRandom random;

		private final boolean twin;

		private final StringBuilder out = new StringBuilder();

		Writer(SplittableRandom random, boolean twin) {
			this.random = random;
			this.twin = twin;
		}

		String write(Object document) {
			space();
			value(document);
			space();
			return this.out.toString();
		}

		private void value(Object value) {
			if (value instanceof Map<?, ?> map) {
				List<Map.Entry<?, ?>> members = new ArrayList<>(map.entrySet());
				if (this.twin) {
					Collections.shuffle(members, new java.util.Random(this.random.nextLong()));
				}
				this.out.append('{');
				for (int i = 0; i < members.size(); i++) {
					if (i > 0) {
						space();
						this.out.append(',');
					}
					space();
					string((String) members.get(i).getKey());
					space();
					this.out.append(':');
					space();
					value(members.get(i).getValue());
				}
				space();
				this.out.append('}');
			}
			else if (value instanceof List<?> list) {
				this.out.append('[');
				for (int i = 0; i < list.size(); i++) {
					if (i > 0) {
						space();
						this.out.append(',');
					}
					space();
					value(list.get(i));
				}
				space();
				this.out.append(']');
			}
			else if (value instanceof String text) {
				string(text);
			}
			else if (value instanceof BigDecimal number) {
				number(number);
			}
			else if (value instanceof Boolean flag) {
				this.out.append(flag);
			}
			else {
				this.out.append("null");
			}
		}

		private void space() {
			if (this.twin) {
				this.out.append(WHITESPACE[this.random.nextInt(WHITESPACE.length)]);
			}
		}

		private void string(String text) {
			this.out.append('"');
			for (int i = 0; i < text.length(); i++) {
				char c = text.charAt(i);
				boolean mustEscape = c == '"' || c == '\\' || c < 0x20;
				boolean pair = Character.isHighSurrogate(c);
				if (mustEscape || (this.twin && this.random.nextInt(3) == 0)) {
					// both halves of a surrogate pair, or none: a lone half is no text
					escape(c);
					if (pair) {
						escape(text.charAt(++i));
					}
				}
				else {
					this.out.append(c);
					if (pair) {
						this.out.append(text.charAt(++i));
					}
				}
			}
			this.out.append('"');
		}

		private void escape(char c) {
			String shortForm = switch (c) {
				case '"' -> "\\\"";
				case '\\' -> "\\\\";
				case '/' -> "\\/";
				case '\n' -> "\\n";
				case '\t' -> "\\t";
				default -> null;
			};
			if (shortForm != null && (!this.twin || this.random.nextBoolean())) {
				this.out.append(shortForm);
			}
			else {
				this.out.append(String.format(this.random.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
			}
		}

		/** The number as its plain digits, or in a twin, as one of the forms of the same value. */
		private void number(BigDecimal number) {
			if (!this.twin) {
				this.out.append(number.toPlainString());
				return;
			}
			switch (this.random.nextInt(4)) {
				case 0 -> this.out.append(number.toPlainString());
				case 1 -> this.out.append(number.setScale(Math.max(number.scale(), 0) + 2).toPlainString());
				case 2 -> this.out.append(number.toString().replace("E+", this.random.nextBoolean() ? "e" : "E+"));
				default -> {
					BigDecimal unscaled = new BigDecimal(number.unscaledValue().multiply(BigInteger.TEN));
					this.out.append(unscaled.toPlainString()).append('e').append(-number.scale() - 1);
				}
			}
		}

	}

}
