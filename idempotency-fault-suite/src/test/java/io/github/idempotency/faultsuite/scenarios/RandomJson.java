package io.github.idempotency.faultsuite.scenarios;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random JSON documents for scenario 9, kept as trees ({@link Map} in member order, {@link List}, {@link String},
 * {@link BigDecimal}, {@link Boolean}, {@link #NULL}) and written in random forms: a <em>twin</em> is the same
 * document written otherwise (members in another order at every depth, other whitespace, characters escaped as
 * {@code \\uXXXX}, numbers with other digits and exponents of the same exact value), a <em>mutant</em> differs in
 * what it means (a value changed, a member added, removed or moved to its parent, a value wrapped in an array).
 */
final class RandomJson {

	/** JSON {@code null}. */
	static final Object NULL = new Object() {

		@Override
		public String toString() {
			return "null";
		}

	};

	private static final int[] NAME_CHARACTERS = "abcxyz_AZ09 é€\"\\/\t😀".codePoints().toArray();

	private final Random random;

	RandomJson(Random random) {
		this.random = random;
	}

	/**
	 * A payment body that the sample app accepts, with a random document in an extra member, which the app ignores
	 * and the fingerprint covers.
	 * @param description the payment's description
	 * @return the document
	 */
	Map<String, Object> payment(String description) {
		Map<String, Object> payment = new LinkedHashMap<>();
		// a Long, written plainly: the app binds it to a long, and another spelling could fail its binding
		payment.put("amount", 1L + this.random.nextInt(100_000));
		payment.put("currency", "EUR");
		payment.put("description", description);
		payment.put("meta", object(0));
		return payment;
	}

	/**
	 * A document that means something else: one change somewhere in {@code meta}, or in the amount or description.
	 * @param payment a payment document
	 * @return a changed deep copy
	 */
	Map<String, Object> mutant(Map<String, Object> payment) {
		@SuppressWarnings("unchecked")
		Map<String, Object> copy = (Map<String, Object>) copy(payment);
		switch (this.random.nextInt(10)) {
			case 0 -> copy.put("amount", (Long) copy.get("amount") + 1);
			case 1 -> copy.put("description", copy.get("description") + "x");
			default -> mutateSomewhere(copy, "meta");
		}
		return copy;
	}

	/**
	 * Writes a document in a random form; two calls on one document give twins.
	 * @param value the document
	 * @return its text
	 */
	String write(Object value) {
		StringBuilder out = new StringBuilder();
		whitespace(out);
		write(value, out);
		whitespace(out);
		return out.toString();
	}

	private Map<String, Object> object(int depth) {
		Map<String, Object> object = new LinkedHashMap<>();
		int members = this.random.nextInt((depth == 0) ? 7 : 5);
		while (object.size() < members) {
			object.put(name(), value(depth + 1));
		}
		return object;
	}

	private Object value(int depth) {
		int kind = this.random.nextInt((depth < 3) ? 8 : 6);
		return switch (kind) {
			case 0, 1 -> string();
			case 2, 3 -> number();
			case 4 -> this.random.nextBoolean();
			case 5 -> NULL;
			case 6 -> object(depth);
			default -> array(depth);
		};
	}

	private List<Object> array(int depth) {
		List<Object> array = new ArrayList<>();
		int elements = this.random.nextInt(5);
		for (int i = 0; i < elements; i++) {
			array.add(value(depth + 1));
		}
		return array;
	}

	private String name() {
		StringBuilder name = new StringBuilder();
		int length = 1 + this.random.nextInt(4);
		for (int i = 0; i < length; i++) {
			name.appendCodePoint(NAME_CHARACTERS[this.random.nextInt(NAME_CHARACTERS.length)]);
		}
		return name.toString();
	}

	private String string() {
		return (this.random.nextInt(4) == 0) ? "" : name() + name();
	}

	private BigDecimal number() {
		BigInteger unscaled = BigInteger.valueOf(this.random.nextInt(2_000_001) - 1_000_000);
		return new BigDecimal(unscaled, this.random.nextInt(5));
	}

	private static Object copy(Object value) {
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> copy = new LinkedHashMap<>();
			map.forEach((name, member) -> copy.put((String) name, copy(member)));
			return copy;
		}
		if (value instanceof List<?> list) {
			List<Object> copy = new ArrayList<>();
			list.forEach((element) -> copy.add(copy(element)));
			return copy;
		}
		return value;
	}

	/** Changes the value of {@code name} in {@code parent}, or something inside it. */
	@SuppressWarnings("unchecked")
	private void mutateSomewhere(Map<String, Object> parent, String name) {
		Object value = parent.get(name);
		if (value instanceof Map<?, ?> map && !map.isEmpty() && this.random.nextInt(3) > 0) {
			Map<String, Object> object = (Map<String, Object>) map;
			List<String> names = new ArrayList<>(object.keySet());
			String member = names.get(this.random.nextInt(names.size()));
			if (this.random.nextInt(4) == 0 && !parent.containsKey(member) && !name.equals("meta")) {
				// the same member one level up: the same names and values, another structure
				parent.put(member, object.remove(member));
				return;
			}
			mutateSomewhere(object, member);
			return;
		}
		if (value instanceof List<?> list && !list.isEmpty() && this.random.nextInt(3) > 0) {
			List<Object> array = (List<Object>) list;
			int index = this.random.nextInt(array.size());
			Map<String, Object> holder = new LinkedHashMap<>();
			holder.put("element", array.get(index));
			mutateSomewhere(holder, "element");
			array.set(index, holder.get("element"));
			return;
		}
		parent.put(name, changed(value));
	}

	@SuppressWarnings("unchecked")
	private Object changed(Object value) {
		if (value instanceof String string) {
			return string + "x";
		}
		if (value instanceof BigDecimal number) {
			return number.add(BigDecimal.ONE);
		}
		if (value instanceof Boolean bool) {
			return !bool;
		}
		if (value == NULL) {
			return BigDecimal.ZERO;
		}
		if (value instanceof Map<?, ?> map) {
			Map<String, Object> object = (Map<String, Object>) map;
			if (!object.isEmpty() && this.random.nextBoolean()) {
				object.remove(object.keySet().iterator().next());
				return object;
			}
			String name;
			do {
				name = name();
			}
			while (object.containsKey(name));
			object.put(name, value(3));
			return object;
		}
		List<Object> array = (List<Object>) value;
		if (this.random.nextBoolean()) {
			array.add(value(3));
			return array;
		}
		// the value wrapped: [x] is not x
		return new ArrayList<>(List.of(array));
	}

	private void write(Object value, StringBuilder out) {
		if (value instanceof Map<?, ?> map) {
			List<Map.Entry<?, ?>> members = new ArrayList<>(map.entrySet());
			Collections.shuffle(members, this.random);
			out.append('{');
			for (int i = 0; i < members.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				whitespace(out);
				writeString((String) members.get(i).getKey(), out);
				whitespace(out);
				out.append(':');
				whitespace(out);
				write(members.get(i).getValue(), out);
				whitespace(out);
			}
			out.append('}');
		}
		else if (value instanceof List<?> list) {
			out.append('[');
			for (int i = 0; i < list.size(); i++) {
				if (i > 0) {
					out.append(',');
				}
				whitespace(out);
				write(list.get(i), out);
				whitespace(out);
			}
			out.append(']');
		}
		else if (value instanceof String string) {
			writeString(string, out);
		}
		else if (value instanceof BigDecimal number) {
			out.append(numberForm(number));
		}
		else {
			out.append(value);
		}
	}

	/** The same exact value in one of several spellings: 12.5, 12.50, 1.25E1, 125e-1. */
	private String numberForm(BigDecimal number) {
		return switch (this.random.nextInt(4)) {
			case 0 -> number.toPlainString();
			case 1 -> number.setScale(number.scale() + 1 + this.random.nextInt(3)).toPlainString();
			case 2 -> number.unscaledValue() + ((this.random.nextBoolean()) ? "e" : "E") + (-number.scale());
			default -> (number.signum() == 0) ? "0" : number.stripTrailingZeros().toString().replace("+", "");
		};
	}

	private void writeString(String string, StringBuilder out) {
		out.append('"');
		// by code point: a character outside the BMP is escaped as both of its surrogates or not at all
		string.codePoints().forEach((c) -> {
			if (c == '"' || c == '\\') {
				out.append('\\').appendCodePoint(c);
			}
			else if (c < 0x20 || this.random.nextInt(6) == 0) {
				for (char unit : Character.toChars(c)) {
					out.append(String.format("\\u%04x", (int) unit));
				}
			}
			else if (c == '/' && this.random.nextBoolean()) {
				out.append("\\/");
			}
			else {
				out.appendCodePoint(c);
			}
		});
		out.append('"');
	}

	private void whitespace(StringBuilder out) {
		int kind = this.random.nextInt(6);
		if (kind == 1) {
			out.append(' ');
		}
		else if (kind == 2) {
			out.append("\n  ");
		}
		else if (kind == 3) {
			out.append("\t\r\n");
		}
	}

}
