package io.github.idempotency.spring.web;

/**
 * The exact decimal value of a JSON number, read from its text without rounding to a double: its significant digits
 * (no leading or trailing zeros) and the power of ten they are multiplied by. {@code 12.50}, {@code 1250e-2} and
 * {@code 1.25E1} are all 125 times ten to the -1; every zero ({@code 0}, {@code -0.0}, {@code 0e7}) is zero.
 */
final class CanonicalNumber {

	/** An exponent of more digits than this is not worth a canonical form: the body is digested by its bytes. */
	private static final int MAX_EXPONENT_DIGITS = 15;

	private CanonicalNumber() {
	}

	/**
	 * Writes a number by its exact value.
	 * @param text the characters holding the number, as the parser read it (valid JSON number syntax)
	 * @param offset where it starts
	 * @param length how many characters it has
	 * @param out where to write it
	 * @return {@code false} when its exponent is too large to be worth a canonical form, and nothing was written
	 */
	static boolean write(char[] text, int offset, int length, EncodedDocument out) {
		int end = offset + length;
		int i = offset;
		boolean negative = text[i] == '-';
		if (negative) {
			i++;
		}
		int mantissaEnd = i;
		while (mantissaEnd < end && text[mantissaEnd] != 'e' && text[mantissaEnd] != 'E') {
			mantissaEnd++;
		}
		long exponent = 0;
		if (mantissaEnd < end) {
			int e = mantissaEnd + 1;
			boolean negativeExponent = text[e] == '-';
			if (text[e] == '-' || text[e] == '+') {
				e++;
			}
			if (end - e > MAX_EXPONENT_DIGITS) {
				return false;
			}
			for (; e < end; e++) {
				exponent = exponent * 10 + (text[e] - '0');
			}
			exponent = negativeExponent ? -exponent : exponent;
		}
		// digits after the point scale the value down
		for (int d = i; d < mantissaEnd; d++) {
			if (text[d] == '.') {
				exponent -= mantissaEnd - d - 1;
				break;
			}
		}
		int first = i;
		while (first < mantissaEnd && (text[first] == '0' || text[first] == '.')) {
			first++;
		}
		int last = mantissaEnd - 1;
		// each trailing zero dropped, before or after the point, multiplies what is left by ten
		while (last >= first && (text[last] == '0' || text[last] == '.')) {
			if (text[last] == '0') {
				exponent++;
			}
			last--;
		}
		out.writeNumber(negative, text, first, last + 1, exponent);
		return true;
	}

}
